using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Runtime.Tests;

public class CaptureReaderTests
{
    private static readonly byte[][] s_frames =
    {
        Enumerable.Range(0, 60).Select(i => (byte)i).ToArray(),
        Enumerable.Range(0, 14).Select(i => (byte)(0xF0 + i)).ToArray(),
        Enumerable.Range(0, 99).Select(i => (byte)(i * 3)).ToArray(),
    };

    private static void U32(Stream s, uint v, bool be)
    {
        Span<byte> b = stackalloc byte[4];
        if (be) { BinaryPrimitives.WriteUInt32BigEndian(b, v); } else { BinaryPrimitives.WriteUInt32LittleEndian(b, v); }
        s.Write(b);
    }

    private static void U16(Stream s, ushort v, bool be)
    {
        Span<byte> b = stackalloc byte[2];
        if (be) { BinaryPrimitives.WriteUInt16BigEndian(b, v); } else { BinaryPrimitives.WriteUInt16LittleEndian(b, v); }
        s.Write(b);
    }

    /// <summary>A pcapng file: SHB, IDB (Ethernet, nanosecond resolution), a name-resolution block to skip, EPBs.</summary>
    private static byte[] PcapNg(bool be)
    {
        var s = new MemoryStream();
        U32(s, 0x0A0D0D0A, be); U32(s, 28, be); U32(s, 0x1A2B3C4D, be); U16(s, 1, be); U16(s, 0, be);
        U32(s, 0xFFFFFFFF, be); U32(s, 0xFFFFFFFF, be); U32(s, 28, be);
        // IDB with if_tsresol = 9 (nanoseconds): option 9, length 1, value 9, padded.
        U32(s, 1, be); U32(s, 32, be); U16(s, 1, be); U16(s, 0, be); U32(s, 65535, be);
        U16(s, 9, be); U16(s, 1, be); s.Write(new byte[] { 9, 0, 0, 0 }); U16(s, 0, be); U16(s, 0, be); U32(s, 32, be);
        // An NRB (type 4) with no records: skipped.
        U32(s, 4, be); U32(s, 16, be); U32(s, 0, be); U32(s, 16, be);
        foreach (var f in s_frames)
        {
            int padded = (f.Length + 3) & ~3;
            uint length = (uint)(32 + padded);
            U32(s, 6, be); U32(s, length, be); U32(s, 0, be); U32(s, 1, be); U32(s, 5, be);
            U32(s, (uint)f.Length, be); U32(s, (uint)f.Length, be); s.Write(f); s.Write(new byte[padded - f.Length]); U32(s, length, be);
        }

        return s.ToArray();
    }

    private static byte[] Pcap(bool be, bool nanos)
    {
        var s = new MemoryStream();
        U32(s, nanos ? 0xA1B23C4D : 0xA1B2C3D4, be); U16(s, 2, be); U16(s, 4, be); U32(s, 0, be); U32(s, 0, be); U32(s, 65535, be); U32(s, 1, be);
        foreach (var f in s_frames)
        {
            U32(s, 1, be); U32(s, 5, be); U32(s, (uint)f.Length, be); U32(s, (uint)f.Length + 10, be); s.Write(f);
        }

        return s.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PcapNgReadsTheFramesInEitherByteOrder(bool bigEndian)
    {
        var frames = CaptureReader.Read(new MemoryStream(PcapNg(bigEndian))).ToArray();
        Assert.Equal(s_frames.Select(f => Convert.ToHexString(f)), frames.Select(f => Convert.ToHexString(f.Data.Span)));
        Assert.All(frames, f => Assert.True(f.IsEthernet));
        Assert.Equal((1L << 32) + 5, frames[0].TimestampNanoseconds);
        Assert.Equal(new[] { 1, 2, 3 }, frames.Select(f => f.Number));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void PcapReadsTheFramesInEitherByteOrder(bool bigEndian, bool nanos)
    {
        var frames = CaptureReader.Read(new MemoryStream(Pcap(bigEndian, nanos))).ToArray();
        Assert.Equal(s_frames.Select(f => Convert.ToHexString(f)), frames.Select(f => Convert.ToHexString(f.Data.Span)));
        Assert.Equal(1_000_000_000L + (nanos ? 5 : 5000), frames[0].TimestampNanoseconds);
        Assert.Equal(70, frames[0].OriginalLength);
    }

    [Fact]
    public void TruncatedFilesThrowInvalidDataWithTheOffset()
    {
        foreach (var file in new[] { Pcap(false, false), PcapNg(false), PcapNg(true) })
        {
            // Every cut that is not at a record boundary fails with a located InvalidDataException.
            int boundaries = 0;
            for (int cut = 0; cut < file.Length; cut++)
            {
                try
                {
                    _ = CaptureReader.Read(new MemoryStream(file, 0, cut)).ToArray();
                    boundaries++;
                }
                catch (InvalidDataException ex)
                {
                    Assert.Contains("byte offset", ex.Message);
                }
            }

            Assert.InRange(boundaries, 1, 6);
        }
    }

    [Fact]
    public void GarbageIsNotACapture()
    {
        var ex = Assert.Throws<InvalidDataException>(() => CaptureReader.Read(new MemoryStream("hello, world"u8.ToArray())).ToArray());
        Assert.Contains("not a pcap or pcapng file", ex.Message);
        var random = new Random(1);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = PcapNg(i % 2 == 0);
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                _ = CaptureReader.Read(new MemoryStream(bytes)).ToArray();
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
