using System;
using System.Buffers.Binary;
using System.IO;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>Writes pcapng blocks in a chosen byte order (per section), for the capture reader tests.</summary>
internal sealed class PcapNgBuilder
{
    private readonly MemoryStream _stream = new();
    private bool _bigEndian;

    public byte[] ToArray() => _stream.ToArray();

    public PcapNgBuilder Section(bool bigEndian, byte[]? options = null)
    {
        _bigEndian = bigEndian;
        var body = new MemoryStream();
        U32(body, 0x1A2B3C4D);
        U16(body, 1);
        U16(body, 0);
        U64(body, ulong.MaxValue); // section length unknown
        body.Write(options ?? Array.Empty<byte>());
        return Block(0x0A0D0D0A, body.ToArray());
    }

    public PcapNgBuilder Interface(int linkType, uint snapLength = 0, byte? tsResolution = null, long? tsOffset = null)
    {
        var body = new MemoryStream();
        U16(body, (ushort)linkType);
        U16(body, 0);
        U32(body, snapLength);
        if (tsResolution is { } r)
        {
            Option(body, 9, new[] { r });
        }

        if (tsOffset is { } o)
        {
            var value = new byte[8];
            if (_bigEndian) { BinaryPrimitives.WriteInt64BigEndian(value, o); } else { BinaryPrimitives.WriteInt64LittleEndian(value, o); }
            Option(body, 14, value);
        }

        Option(body, 2, "eth0"u8.ToArray()); // if_name, to be skipped
        U32(body, 0);                         // opt_endofopt
        return Block(1, body.ToArray());
    }

    public PcapNgBuilder Enhanced(uint interfaceId, ulong timestamp, byte[] data, uint? originalLength = null, bool withOptions = false)
    {
        var body = new MemoryStream();
        U32(body, interfaceId);
        U32(body, (uint)(timestamp >> 32));
        U32(body, (uint)timestamp);
        U32(body, (uint)data.Length);
        U32(body, originalLength ?? (uint)data.Length);
        Padded(body, data);
        if (withOptions)
        {
            Option(body, 1, "a comment"u8.ToArray());
            U32(body, 0);
        }

        return Block(6, body.ToArray());
    }

    public PcapNgBuilder Simple(byte[] storedData, uint originalLength)
    {
        var body = new MemoryStream();
        U32(body, originalLength);
        Padded(body, storedData);
        return Block(3, body.ToArray());
    }

    /// <summary>Any block, e.g. a Name Resolution (4), Interface Statistics (5) or custom (0x40000BAD) block.</summary>
    public PcapNgBuilder Block(uint type, byte[] body, uint? trailerOverride = null)
    {
        uint length = (uint)(12 + body.Length);
        U32(_stream, type);
        U32(_stream, length);
        _stream.Write(body);
        U32(_stream, trailerOverride ?? length);
        return this;
    }

    private void Option(Stream s, ushort code, byte[] value)
    {
        U16(s, code);
        U16(s, (ushort)value.Length);
        Padded(s, value);
    }

    private static void Padded(Stream s, byte[] data)
    {
        s.Write(data);
        s.Write(new byte[((data.Length + 3) & ~3) - data.Length]);
    }

    private void U16(Stream s, ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (_bigEndian) { BinaryPrimitives.WriteUInt16BigEndian(b, v); } else { BinaryPrimitives.WriteUInt16LittleEndian(b, v); }
        s.Write(b);
    }

    private void U32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (_bigEndian) { BinaryPrimitives.WriteUInt32BigEndian(b, v); } else { BinaryPrimitives.WriteUInt32LittleEndian(b, v); }
        s.Write(b);
    }

    private void U64(Stream s, ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        if (_bigEndian) { BinaryPrimitives.WriteUInt64BigEndian(b, v); } else { BinaryPrimitives.WriteUInt64LittleEndian(b, v); }
        s.Write(b);
    }
}
