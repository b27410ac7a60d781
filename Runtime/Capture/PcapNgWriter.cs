using System;
using System.Buffers.Binary;
using System.IO;

namespace Vmdq.Toolkit.Capture;

/// <summary>
/// Writes an Ethernet pcapng file (RFC draft "PCAP Next Generation Dump File Format"): one little-endian Section
/// Header Block, one Interface Description Block (link type 1, no snap length, nanosecond timestamps) and one
/// Enhanced Packet Block per frame. Wireshark, tshark and <see cref="CaptureReader"/> read it. <c>vmdq replay --split</c>
/// writes its per-pool files with it, and the NIC emulator's wire writes captures with it
/// (<see cref="Vmdq.Toolkit.Emulator.PcapNgTransmitSink"/>).
/// </summary>
/// <remarks>Not thread-safe: one writer, one thread at a time.</remarks>
public sealed class PcapNgWriter : IDisposable
{
    private const uint SectionHeaderType = 0x0A0D0D0A, InterfaceType = 1, EnhancedPacketType = 6;
    private readonly Stream _stream;

    /// <summary>Starts the file: writes its section and interface headers.</summary>
    /// <param name="stream">Where to write; the writer owns it and closes it on <see cref="Dispose"/>.</param>
    /// <exception cref="ArgumentNullException">When <paramref name="stream"/> is null.</exception>
    public PcapNgWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;

        // Section Header Block: byte-order magic, version 1.0, section length unknown (-1), no options.
        Span<byte> section = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(section, 0x1A2B3C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(section[4..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(section[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(section[8..], -1);
        Block(SectionHeaderType, section, ReadOnlySpan<byte>.Empty);

        // Interface Description Block: LINKTYPE_ETHERNET, snap length 0 (none), if_tsresol = 9 (nanoseconds), end of options.
        Span<byte> iface = stackalloc byte[20];
        BinaryPrimitives.WriteUInt16LittleEndian(iface, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(iface[2..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(iface[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(iface[8..], 9);   // option code if_tsresol
        BinaryPrimitives.WriteUInt16LittleEndian(iface[10..], 1);  // its length
        iface[12] = 9;                                             // 10^-9 s; bytes 13..15 pad the option
        BinaryPrimitives.WriteUInt32LittleEndian(iface[16..], 0);  // opt_endofopt
        Block(InterfaceType, iface, ReadOnlySpan<byte>.Empty);
    }

    /// <summary>Frames written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Appends one frame as an Enhanced Packet Block on interface 0.</summary>
    /// <param name="timestampNanoseconds">Capture time in nanoseconds since the Unix epoch (0 when unknown).</param>
    /// <param name="data">The captured bytes.</param>
    /// <param name="originalLength">The frame's length on the wire (at least <paramref name="data"/>'s length).</param>
    public void Write(long timestampNanoseconds, ReadOnlySpan<byte> data, long originalLength)
    {
        Span<byte> header = stackalloc byte[20];
        ulong timestamp = (ulong)Math.Max(0, timestampNanoseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(timestamp >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)timestamp);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)Math.Clamp(originalLength, data.Length, uint.MaxValue));
        Block(EnhancedPacketType, header, data);
        Count++;
    }

    /// <summary>Pushes what was written so far to the stream's destination (a reader of the file sees every frame written).</summary>
    public void Flush() => _stream.Flush();

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    /// <summary>One block: type, total length, <paramref name="fixedPart"/>, <paramref name="data"/> padded to 32 bits, total length again.</summary>
    private void Block(uint type, ReadOnlySpan<byte> fixedPart, ReadOnlySpan<byte> data)
    {
        int padding = (4 - (data.Length % 4)) % 4;
        int total = 12 + fixedPart.Length + data.Length + padding;
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(word, type);
        BinaryPrimitives.WriteUInt32LittleEndian(word[4..], (uint)total);
        _stream.Write(word);
        _stream.Write(fixedPart);
        _stream.Write(data);
        Span<byte> pad = stackalloc byte[4];
        pad.Clear();
        _stream.Write(pad[..padding]);
        _stream.Write(word[4..]);
    }
}
