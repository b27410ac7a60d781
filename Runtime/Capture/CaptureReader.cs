using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Vmdq.Toolkit.Capture;

/// <summary>
/// Reads classic pcap (either byte order, micro- or nanosecond timestamps) and pcapng (Section
/// Header, Interface Description, Enhanced Packet and Simple Packet blocks; other blocks skipped;
/// either byte order, several sections) files. A malformed or truncated file throws
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
        if (le == SectionHeaderBlock)
        {
            return ReadPcapNg(source);
        }

        if (le is PcapMagicMicro or PcapMagicNano || be is PcapMagicMicro or PcapMagicNano)
        {
            bool bigEndian = be is PcapMagicMicro or PcapMagicNano;
            bool nanos = (bigEndian ? be : le) == PcapMagicNano;
            return ReadPcap(source, bigEndian, nanos);
        }

        throw CaptureSource.Malformed(0, $"not a pcap or pcapng file (magic 0x{be:X8}).");
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
        int linkType = (int)(U32(header.AsSpan(16), bigEndian) & 0x0FFFFFFF);
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
        var linkTypes = new List<int>();
        var tsResolution = new List<long>();
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

                source.Skip(length - 12, "the section header block");
                linkTypes.Clear();
                tsResolution.Clear();
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

                source.Skip(length - 12, "the section header block");
                linkTypes.Clear();
                tsResolution.Clear();
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
            switch (type)
            {
                case 1: // Interface Description Block
                    if (content.Length < 8)
                    {
                        throw CaptureSource.Malformed(at, "an interface description block is too short.");
                    }

                    linkTypes.Add(U16(content, bigEndian));
                    tsResolution.Add(InterfaceResolution(content.Slice(8), bigEndian));
                    break;
                case 6: // Enhanced Packet Block
                {
                    if (content.Length < 20)
                    {
                        throw CaptureSource.Malformed(at, "an enhanced packet block is too short.");
                    }

                    uint ifaceId = U32(content, bigEndian);
                    if (ifaceId >= (uint)linkTypes.Count)
                    {
                        throw CaptureSource.Malformed(at, $"an enhanced packet block names interface {ifaceId}, but only {linkTypes.Count} are described.");
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
                    yield return new CapturedFrame(number, ToNanoseconds(ts, tsResolution[iface]), content.Slice(20, (int)captured).ToArray(), original, linkTypes[iface], iface);
                    break;
                }

                case 3: // Simple Packet Block
                {
                    if (content.Length < 4 || linkTypes.Count == 0)
                    {
                        throw CaptureSource.Malformed(at, "a simple packet block is too short or comes before any interface description.");
                    }

                    uint original = U32(content, bigEndian);
                    int captured = (int)Math.Min(original, (uint)(content.Length - 4));
                    number++;
                    yield return new CapturedFrame(number, 0, content.Slice(4, captured).ToArray(), original, linkTypes[0], 0);
                    break;
                }

                default:
                    break; // Name resolution, statistics, custom blocks...: not frames.
            }
        }
    }

    /// <summary>Ticks per second of an interface (if_tsresol option 9; default microseconds).</summary>
    private static long InterfaceResolution(ReadOnlySpan<byte> options, bool bigEndian)
    {
        while (options.Length >= 4)
        {
            ushort code = U16(options, bigEndian), length = U16(options.Slice(2), bigEndian);
            if (code == 0 || options.Length < 4 + length)
            {
                break;
            }

            if (code == 9 && length >= 1)
            {
                byte r = options[4];
                int exponent = r & 0x7F;
                return (r & 0x80) != 0 ? (exponent < 62 ? 1L << exponent : long.MaxValue) : exponent <= 18 ? (long)Math.Pow(10, exponent) : long.MaxValue;
            }

            options = options.Slice(4 + ((length + 3) & ~3));
        }

        return 1_000_000;
    }

    private static long ToNanoseconds(ulong ticks, long perSecond) =>
        perSecond == 1_000_000_000 ? (long)ticks
        : perSecond == 1_000_000 ? (long)ticks * 1000
        : (long)((double)ticks / perSecond * 1e9);
}
