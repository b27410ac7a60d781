using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Vmdq.Toolkit.Capture;

/// <summary>
/// Reads classic pcap (either byte order, micro- or nanosecond timestamps) and pcapng (Section
/// Header, Interface Description, Enhanced Packet and Simple Packet blocks; other blocks skipped;
/// either byte order, several sections; timestamps follow if_tsresol and if_tsoffset; every block's
/// trailing length is checked) files. A malformed or truncated file throws
/// <see cref="InvalidDataException"/> naming the byte offset and what was wrong; nothing else
/// escapes. A file that ends exactly between records ends the frames.
/// </summary>
public sealed class CaptureReader
{
    /// <summary>LINKTYPE_ETHERNET.</summary>
    public const int EthernetLinkType = 1;

    /// <summary>Frames larger than this are rejected as malformed (pcap's own maximum snapshot length is 256 KiB; BIG TCP captures reach ~80 KB).</summary>
    public const int MaxFrameLength = 16 * 1024 * 1024;

    private const uint PcapMagicMicro = 0xA1B2C3D4;
    private const uint PcapMagicNano = 0xA1B23C4D;
    private const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    /// <summary>Reads every frame of the capture file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a pcap/pcapng file, or is malformed.</exception>
    public static IEnumerable<CapturedFrame> ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        foreach (var frame in Read(stream))
        {
            yield return frame;
        }
    }

    /// <summary>Reads every frame of a capture from <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">The data is not a pcap/pcapng capture, or is malformed.</exception>
    public static IEnumerable<CapturedFrame> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = new CaptureSource(stream);
        Span<byte> magic = stackalloc byte[4];
        if (source.ReadAtMost(magic) < 4)
        {
            throw CaptureSource.Malformed(0, "the file is shorter than a capture header (4 bytes).");
        }

        uint le = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        uint be = BinaryPrimitives.ReadUInt32BigEndian(magic);
        switch (DetectFormat(magic))
        {
            case CaptureFormat.PcapNg:
                return ReadPcapNg(source);
            case CaptureFormat.Pcap:
                bool bigEndian = be is PcapMagicMicro or PcapMagicNano;
                return ReadPcap(source, bigEndian, (bigEndian ? be : le) == PcapMagicNano);
            default:
                throw CaptureSource.Malformed(0, $"not a pcap or pcapng file (magic 0x{be:X8}).");
        }
    }

    /// <summary>Which format the data in <paramref name="header"/> (at least 4 bytes) is, or null.</summary>
    public static CaptureFormat? DetectFormat(ReadOnlySpan<byte> header)
    {
        if (header.Length < 4)
        {
            return null;
        }

        uint le = BinaryPrimitives.ReadUInt32LittleEndian(header), be = BinaryPrimitives.ReadUInt32BigEndian(header);
        return le == SectionHeaderBlock ? CaptureFormat.PcapNg
            : le is PcapMagicMicro or PcapMagicNano || be is PcapMagicMicro or PcapMagicNano ? CaptureFormat.Pcap
            : null;
    }

    private static uint U32(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private static ushort U16(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static IEnumerable<CapturedFrame> ReadPcap(CaptureSource source, bool bigEndian, bool nanos)
    {
        var header = new byte[20];
        source.ReadExactly(header, "the pcap file header");
        // The low 16 bits are the LINKTYPE; the upper ones may carry FCS information (libpcap's LT_LINKTYPE).
        int linkType = (int)(U32(header.AsSpan(16), bigEndian) & 0xFFFF);
        var record = new byte[16];
        int number = 0;
        while (true)
        {
            long at = source.Offset;
            int got = source.ReadAtMost(record);
            if (got == 0)
            {
                yield break;
            }

            if (got < record.Length)
            {
                throw CaptureSource.Malformed(at, $"record header {number + 1} is cut short: it needs 16 bytes but the file ends after {got}.");
            }

            long seconds = U32(record, bigEndian);
            long fraction = U32(record.AsSpan(4), bigEndian);
            uint captured = U32(record.AsSpan(8), bigEndian);
            uint original = U32(record.AsSpan(12), bigEndian);
            if (captured > MaxFrameLength)
            {
                throw CaptureSource.Malformed(at, $"record {number + 1} claims {captured} captured bytes (more than {MaxFrameLength}).");
            }

            source.EnsureAvailable(at, captured, $"frame {number + 1}");
            var data = new byte[captured];
            source.ReadExactly(data, $"frame {number + 1}");
            number++;
            yield return new CapturedFrame(number, (seconds * 1_000_000_000L) + (nanos ? fraction : fraction * 1000), data, original, linkType, 0);
        }
    }

    private static IEnumerable<CapturedFrame> ReadPcapNg(CaptureSource source)
    {
        bool bigEndian = false;
        var interfaces = new List<PcapNgInterface>();
        int number = 0;
        var head = new byte[8];
        bool first = true;
        while (true)
        {
            long at = source.Offset - (first ? 4 : 0);
            uint type;
            uint length;
            if (first)
            {
                // The block type (4 bytes) was read to detect the format.
                source.ReadExactly(head.AsSpan(0, 4), "the section header block");
                var probe = new byte[4];
                source.ReadExactly(probe, "the section header's byte-order magic");
                bigEndian = BinaryPrimitives.ReadUInt32BigEndian(probe) == ByteOrderMagic;
                if (!bigEndian && BinaryPrimitives.ReadUInt32LittleEndian(probe) != ByteOrderMagic)
                {
                    throw CaptureSource.Malformed(at + 8, "the section header's byte-order magic is not 0x1A2B3C4D.");
                }

                type = SectionHeaderBlock;
                length = U32(head.AsSpan(0, 4), bigEndian);
                first = false;
                if (length < 28 || length % 4 != 0)
                {
                    throw CaptureSource.Malformed(at, $"section header block length {length} is invalid.");
                }

                source.Skip(length - 16, "the section header block");
                ReadTrailer(source, at, length, bigEndian);
                interfaces.Clear(); // interface IDs are numbered per section
                continue;
            }

            int got = source.ReadAtMost(head);
            if (got == 0)
            {
                yield break;
            }

            if (got < 8)
            {
                throw CaptureSource.Malformed(at, $"a block header is cut short: it needs 8 bytes but the file ends after {got}.");
            }

            type = U32(head, bigEndian);
            length = U32(head.AsSpan(4), bigEndian);
            if (type == SectionHeaderBlock)
            {
                // A new section: its byte order may differ.
                var probe = new byte[4];
                source.ReadExactly(probe, "the section header's byte-order magic");
                bigEndian = BinaryPrimitives.ReadUInt32BigEndian(probe) == ByteOrderMagic;
                if (!bigEndian && BinaryPrimitives.ReadUInt32LittleEndian(probe) != ByteOrderMagic)
                {
                    throw CaptureSource.Malformed(at + 8, "the section header's byte-order magic is not 0x1A2B3C4D.");
                }

                length = U32(head.AsSpan(4), bigEndian);
                if (length < 28 || length % 4 != 0)
                {
                    throw CaptureSource.Malformed(at, $"section header block length {length} is invalid.");
                }

                source.Skip(length - 16, "the section header block");
                ReadTrailer(source, at, length, bigEndian);
                interfaces.Clear(); // interface IDs are numbered per section
                continue;
            }

            if (length < 12 || length % 4 != 0 || length > MaxFrameLength + 64)
            {
                throw CaptureSource.Malformed(at, $"block length {length} is invalid.");
            }

            source.EnsureAvailable(at, length - 8, $"block of type 0x{type:X}");
            var body = new byte[length - 8];
            source.ReadExactly(body, $"block of type 0x{type:X}");
            var content = body.AsSpan(0, body.Length - 4);
            uint trailer = U32(body.AsSpan(body.Length - 4), bigEndian);
            if (trailer != length)
            {
                throw CaptureSource.Malformed(at + length - 4, $"the trailing total length {trailer} does not match the leading {length} of the block at byte offset {at}.");
            }

            switch (type)
            {
                case 1: // Interface Description Block
                    if (content.Length < 8)
                    {
                        throw CaptureSource.Malformed(at, "an interface description block is too short.");
                    }

                    interfaces.Add(ReadInterface(content, bigEndian));
                    break;
                case 6: // Enhanced Packet Block
                {
                    if (content.Length < 20)
                    {
                        throw CaptureSource.Malformed(at, "an enhanced packet block is too short.");
                    }

                    uint ifaceId = U32(content, bigEndian);
                    if (ifaceId >= (uint)interfaces.Count)
                    {
                        throw CaptureSource.Malformed(at, $"an enhanced packet block names interface {ifaceId}, but only {interfaces.Count} are described.");
                    }

                    int iface = (int)ifaceId;

                    ulong ts = ((ulong)U32(content.Slice(4), bigEndian) << 32) | U32(content.Slice(8), bigEndian);
                    uint captured = U32(content.Slice(12), bigEndian);
                    uint original = U32(content.Slice(16), bigEndian);
                    if (captured > content.Length - 20)
                    {
                        throw CaptureSource.Malformed(at, $"an enhanced packet block claims {captured} captured bytes but holds {content.Length - 20}.");
                    }

                    number++;
                    yield return new CapturedFrame(number, interfaces[iface].ToNanoseconds(ts), content.Slice(20, (int)captured).ToArray(), original, interfaces[iface].LinkType, iface);
                    break;
                }

                case 3: // Simple Packet Block
                {
                    if (content.Length < 4 || interfaces.Count == 0)
                    {
                        throw CaptureSource.Malformed(at, "a simple packet block is too short or comes before any interface description.");
                    }

                    // No captured length is stored: it is the original length cut to interface 0's snap
                    // length (0 = none), and to the block (whose data field is padded to 4 bytes).
                    uint original = U32(content, bigEndian);
                    uint snapLength = interfaces[0].SnapLength;
                    uint captured = Math.Min(Math.Min(original, snapLength == 0 ? uint.MaxValue : snapLength), (uint)(content.Length - 4));
                    number++;
                    yield return new CapturedFrame(number, 0, content.Slice(4, (int)captured).ToArray(), original, interfaces[0].LinkType, 0);
                    break;
                }

                default:
                    break; // Name resolution, statistics, custom blocks...: not frames.
            }
        }
    }

    /// <summary>Reads the trailing total length of a block whose body has been consumed and checks it against the leading one.</summary>
    private static void ReadTrailer(CaptureSource source, long at, uint length, bool bigEndian)
    {
        long trailerAt = source.Offset;
        Span<byte> trailer = stackalloc byte[4];
        source.ReadExactly(trailer, "a block's trailing total length");
        uint repeated = U32(trailer, bigEndian);
        if (repeated != length)
        {
            throw CaptureSource.Malformed(trailerAt, $"the trailing total length {repeated} does not match the leading {length} of the block at byte offset {at}.");
        }
    }

    /// <summary>An Interface Description Block's body (without trailer): link type, snap length, if_tsresol, if_tsoffset.</summary>
    private static PcapNgInterface ReadInterface(ReadOnlySpan<byte> content, bool bigEndian)
    {
        int linkType = U16(content, bigEndian);
        uint snapLength = U32(content.Slice(4), bigEndian);
        byte resolution = 6; // if_tsresol's default: 10^-6 s
        long offsetSeconds = 0;
        var options = content.Slice(8);
        while (options.Length >= 4)
        {
            ushort code = U16(options, bigEndian), length = U16(options.Slice(2), bigEndian);
            if (code == 0 || options.Length < 4 + length)
            {
                break;
            }

            if (code == 9 && length >= 1)
            {
                resolution = options[4];
            }
            else if (code == 14 && length >= 8)
            {
                offsetSeconds = (long)(bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(options.Slice(4)) : BinaryPrimitives.ReadUInt64LittleEndian(options.Slice(4)));
            }

            options = options.Slice(Math.Min(options.Length, 4 + ((length + 3) & ~3)));
        }

        return new PcapNgInterface(linkType, snapLength, resolution, offsetSeconds);
    }

    /// <summary>What an Interface Description Block says about its frames.</summary>
    /// <param name="LinkType">LINKTYPE_* of the interface.</param>
    /// <param name="SnapLength">Snap length, 0 for none.</param>
    /// <param name="Resolution">if_tsresol: high bit clear, units of 10^-n s; set, 2^-n s.</param>
    /// <param name="OffsetSeconds">if_tsoffset: seconds added to every timestamp.</param>
    private readonly record struct PcapNgInterface(int LinkType, uint SnapLength, byte Resolution, long OffsetSeconds)
    {
        /// <summary>Timestamp units to nanoseconds since the epoch, in exact integer arithmetic, saturating at the long range.</summary>
        public long ToNanoseconds(ulong units)
        {
            int exponent = Resolution & 0x7F;
            UInt128 nanoseconds;
            if ((Resolution & 0x80) != 0)
            {
                nanoseconds = ((UInt128)units * 1_000_000_000UL) >> exponent;
            }
            else if (exponent <= 9)
            {
                nanoseconds = (UInt128)units * Pow10(9 - exponent);
            }
            else
            {
                // Units finer than a nanosecond; 10^20 and up exceed any 64-bit count.
                nanoseconds = exponent - 9 > 19 ? 0 : units / Pow10(exponent - 9);
            }

            Int128 total = (Int128)nanoseconds + ((Int128)OffsetSeconds * 1_000_000_000);
            return total > long.MaxValue ? long.MaxValue : total < long.MinValue ? long.MinValue : (long)total;
        }

        private static ulong Pow10(int exponent)
        {
            ulong result = 1;
            for (int i = 0; i < exponent; i++)
            {
                result *= 10;
            }

            return result;
        }
    }
}
