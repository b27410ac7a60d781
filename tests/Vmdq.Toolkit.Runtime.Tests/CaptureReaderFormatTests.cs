using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CsCheck;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>CaptureReader on the corpus, on pcapng files built here, and on damaged files.</summary>
public class CaptureReaderFormatTests
{
    private static string Corpus(string name) => Path.Combine(AppContext.BaseDirectory, "Corpus", name);

    private static CapturedFrame[] Read(byte[] file) => CaptureReader.Read(new MemoryStream(file)).ToArray();

    private static InvalidDataException Malformed(byte[] file) =>
        Assert.Throws<InvalidDataException>(() => Read(file));

    private static readonly byte[] s_a = Enumerable.Range(0, 60).Select(i => (byte)(i + 1)).ToArray();
    private static readonly byte[] s_b = Enumerable.Range(0, 61).Select(i => (byte)(0x80 + i)).ToArray();

    [Theory]
    [InlineData("tcpdump-802.1ad_QinQ", 2)]
    [InlineData("tcpdump-vxlan", 10)]
    [InlineData("tcpdump-vxlan_port_8472", 10)]
    [InlineData("tcpdump-various_gre", 100)]
    [InlineData("tcpdump-gso-ipv4-vxlan-ipv4", 1)]
    [InlineData("tcpdump-gso-ipv4-vxlan-ipv6", 1)]
    [InlineData("tcpdump-gso-ipv6-vxlan-ipv4", 1)]
    [InlineData("tcpdump-gso-ipv6-vxlan-ipv6", 1)]
    [InlineData("tcpdump-bigtcp-ipv4-vxlan-ipv4", 1)]
    [InlineData("tcpdump-nsh-over-vxlan-gpe", 1)]
    [InlineData("tcpdump-erspan-type-ii-1", 1)]
    [InlineData("packetnet-gre_nvgre", 1)]
    [InlineData("packetnet-vxlan", 1)]
    [InlineData("packetnet-vxlan_custom_port", 1)]
    [InlineData("packetnet-802.1ad_vlan_ipv4", 1)]
    [InlineData("packetnet-802.1q_vlan_ipv4_tcp", 1)]
    [InlineData("packetnet-gre_all_options", 10)]
    [InlineData("packetnet-gre_ipv6", 1)]
    [InlineData("packetnet-gre_custom_protocol", 1)]
    public void CorpusFilesHaveTheFrameCountsOfTheCorpusReadme(string capture, int frames)
    {
        var read = CaptureReader.ReadFile(Corpus(capture + ".pcap")).ToArray();
        Assert.Equal(frames, read.Length);
        Assert.All(read, f => Assert.True(f.IsEthernet));
        Assert.Equal(Enumerable.Range(1, frames), read.Select(f => f.Number));
        Assert.All(read, f => Assert.True(f.OriginalLength >= f.Data.Length));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACorpusCaptureRewrittenAsPcapNgReadsTheSameFrames(bool bigEndian)
    {
        var pcap = CaptureReader.ReadFile(Corpus("tcpdump-vxlan.pcap")).ToArray();
        var builder = new PcapNgBuilder().Section(bigEndian).Interface(1, 65535).Block(4, new byte[4]);
        foreach (var f in pcap)
        {
            builder.Enhanced(0, (ulong)(f.TimestampNanoseconds / 1000), f.Data.ToArray(), (uint)f.OriginalLength, withOptions: f.Number % 2 == 0);
        }

        var ng = Read(builder.ToArray());
        Assert.Equal(pcap.Length, ng.Length);
        for (int i = 0; i < pcap.Length; i++)
        {
            Assert.Equal(pcap[i].Data.ToArray(), ng[i].Data.ToArray());
            Assert.Equal(pcap[i].TimestampNanoseconds, ng[i].TimestampNanoseconds);
            Assert.Equal(pcap[i].OriginalLength, ng[i].OriginalLength);
            Assert.Equal((pcap[i].Number, pcap[i].LinkType), (ng[i].Number, ng[i].LinkType));
            Assert.Equal(FrameParser.Parse(pcap[i].Data.Span).ToString(), FrameParser.Parse(ng[i].Data.Span).ToString());
        }
    }

    [Fact]
    public void SectionsRenumberInterfacesAndMayChangeByteOrder()
    {
        var file = new PcapNgBuilder()
            .Section(bigEndian: false).Interface(1).Interface(101).Enhanced(1, 5, s_a).Enhanced(0, 6, s_b)
            .Section(bigEndian: true, options: new byte[] { 0, 0, 0, 0 }).Interface(1).Enhanced(0, 7, s_b)
            .ToArray();
        var frames = Read(file);
        Assert.Equal(new[] { 101, 1, 1 }, frames.Select(f => f.LinkType));
        Assert.Equal(new[] { 1, 0, 0 }, frames.Select(f => f.InterfaceId));
        Assert.False(frames[0].IsEthernet);
        Assert.Equal(new[] { 5000L, 6000, 7000 }, frames.Select(f => f.TimestampNanoseconds));
        Assert.Equal(s_b, frames[2].Data.ToArray());

        // Interface 1 of the first section does not exist in the second.
        var bad = new PcapNgBuilder().Section(false).Interface(1).Interface(1).Section(true).Interface(1).Enhanced(1, 0, s_a).ToArray();
        Assert.Contains("interface 1", Malformed(bad).Message);
    }

    [Fact]
    public void SimplePacketBlocksTakeTheirLengthFromTheOriginalAndTheSnapLength()
    {
        var big = Enumerable.Range(0, 1514).Select(i => (byte)i).ToArray();
        var file = new PcapNgBuilder().Section(true).Interface(1, snapLength: 62)
            .Simple(s_a, 60)                                // whole frame
            .Simple(big.AsSpan(0, 62).ToArray(), 1514)      // cut by the snap length; the block's 2 padding bytes are not data
            .Simple(s_a.AsSpan(0, 13).ToArray(), 13)
            .ToArray();
        var frames = Read(file);
        Assert.Equal(new[] { 60, 62, 13 }, frames.Select(f => f.Data.Length));
        Assert.Equal(big.AsSpan(0, 62).ToArray(), frames[1].Data.ToArray());
        Assert.Equal(1514, frames[1].OriginalLength);
        Assert.True(frames[1].IsTruncated);
        Assert.All(frames, f => Assert.Equal(0, f.TimestampNanoseconds));

        var noInterface = new PcapNgBuilder().Section(false).Simple(s_a, 60).ToArray();
        Malformed(noInterface);
    }

    [Theory]
    [InlineData(null, null, 1_234_567UL, 1_234_567_000L)]                  // default: microseconds
    [InlineData((byte)9, null, 1_234_567UL, 1_234_567L)]                   // nanoseconds
    [InlineData((byte)3, null, 1_700_000_000_123UL, 1_700_000_000_123_000_000L)] // milliseconds, exact
    [InlineData((byte)12, null, 5_000_000UL, 5_000L)]                      // picoseconds
    [InlineData((byte)0x8A, null, 3_072UL, 3_000_000_000L)]               // 2^-10 s: 3072/1024 = 3 s
    [InlineData((byte)6, 100L, 1UL, 100_000_001_000L)]                     // if_tsoffset 100 s
    public void TimestampsFollowIfTsresolAndIfTsoffset(byte? resolution, long? offset, ulong units, long nanoseconds)
    {
        foreach (bool bigEndian in new[] { false, true })
        {
            var file = new PcapNgBuilder().Section(bigEndian).Interface(1, 0, resolution, offset).Enhanced(0, units, s_a).ToArray();
            var frame = Assert.Single(Read(file));
            Assert.Equal(nanoseconds, frame.TimestampNanoseconds);
            Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100), frame.Timestamp);
        }
    }

    [Fact]
    public void MismatchedTrailingLengthIsMalformedAtTheTrailer()
    {
        var good = new PcapNgBuilder().Section(false).Interface(1).ToArray();
        var file = new PcapNgBuilder().Section(false).Interface(1).Block(6, EnhancedBody(s_a), trailerOverride: 999).ToArray();
        long trailerAt = file.Length - 4;
        var ex = Malformed(file);
        Assert.Contains($"byte offset {trailerAt}", ex.Message);
        Assert.Contains("999", ex.Message);
        Assert.Contains($"byte offset {good.Length}", ex.Message); // names the block's start too

        var shb = new PcapNgBuilder().Section(true).ToArray();
        shb[^1] ^= 4;
        Assert.Contains("trailing total length", Malformed(shb).Message);
    }

    private static byte[] EnhancedBody(byte[] data)
    {
        var b = new PcapNgBuilder().Section(false).Enhanced(0, 0, data).ToArray();
        int shbLength = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(4));
        return b.AsSpan(shbLength + 8, b.Length - shbLength - 12).ToArray();
    }

    [Fact]
    public void ImpossibleBlockHeadersAreMalformedAtTheBlock()
    {
        var prefix = new PcapNgBuilder().Section(false).Interface(1).ToArray();
        foreach (uint length in new uint[] { 0, 8, 13, 30, 0xFFFFFFFC })
        {
            var file = prefix.Concat(BitConverter.GetBytes(6u)).Concat(BitConverter.GetBytes(length)).Concat(new byte[40]).ToArray();
            Assert.Contains($"byte offset {prefix.Length}", Malformed(file).Message);
        }

        // An EPB whose captured length does not fit its block.
        var body = EnhancedBody(s_a);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), 200);
        var overlong = new PcapNgBuilder().Section(false).Interface(1).Block(6, body).ToArray();
        Assert.Contains("200 captured bytes", Malformed(overlong).Message);

        // Before any Interface Description Block.
        Assert.Contains("interface 0", Malformed(new PcapNgBuilder().Section(false).Enhanced(0, 0, s_a).ToArray()).Message);

        // Unknown byte-order magic.
        var magic = new PcapNgBuilder().Section(false).ToArray();
        magic[8] = 0x99;
        Assert.Contains("byte offset 8", Malformed(magic).Message);
    }

    [Fact]
    public void HugeClaimedLengthsFailWithoutAllocating()
    {
        var pcap = Pcap(linkType: 1, (s_a, 60));
        BinaryPrimitives.WriteUInt32LittleEndian(pcap.AsSpan(24 + 8), 0xFFFFFFF0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("byte offset 24", Malformed(pcap).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "a garbage length was allocated");

        // A length within the limit but past the end of a seekable stream fails before allocating it.
        BinaryPrimitives.WriteUInt32LittleEndian(pcap.AsSpan(24 + 8), 10_000_000);
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("cut short", Malformed(pcap).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "a length past the end was allocated");
    }

    [Fact]
    public void PcapLinkTypeIgnoresTheFcsBitsAndNonEthernetIsExposed()
    {
        var withFcs = Pcap(linkType: 0x1 | 0x04000000 | (4u << 28), (s_a, 60));
        Assert.True(Assert.Single(Read(withFcs)).IsEthernet);
        var rawIp = Assert.Single(Read(Pcap(linkType: 101, (s_a, 60))));
        Assert.Equal(101, rawIp.LinkType);
        Assert.False(rawIp.IsEthernet);
    }

    [Fact]
    public void NonSeekableStreamsReadTheSameAndStillReportTruncation()
    {
        var file = new PcapNgBuilder().Section(true).Interface(1).Enhanced(0, 1, s_a).Simple(s_b, 61).ToArray();
        var frames = CaptureReader.Read(new ForwardOnlyStream(file)).ToArray();
        Assert.Equal(new[] { s_a, s_b }.Select(Convert.ToHexString), frames.Select(f => Convert.ToHexString(f.Data.Span)));
        var cut = file.AsSpan(0, file.Length - 3).ToArray();
        Assert.Contains("byte offset", Assert.Throws<InvalidDataException>(() => CaptureReader.Read(new ForwardOnlyStream(cut)).ToArray()).Message);
    }

    [Fact]
    public void EveryCutOfAMixedFileEndsCleanlyOnlyAtABlockBoundary()
    {
        var builder = new PcapNgBuilder().Section(false).Interface(1, 0, 9).Block(0x40000BAD, new byte[8]).Enhanced(0, 1, s_a, withOptions: true)
            .Section(true).Interface(1, 64).Simple(s_b.AsSpan(0, 61).ToArray(), 61).Block(5, new byte[12]);
        var file = builder.ToArray();
        var boundaries = BlockBoundaries(file);
        for (int cut = 0; cut <= file.Length; cut++)
        {
            var prefix = file.AsSpan(0, cut).ToArray();
            if (boundaries.Contains(cut) && cut > 0)
            {
                _ = Read(prefix); // a clean end
            }
            else
            {
                Assert.Contains("byte offset", Malformed(prefix).Message);
            }
        }
    }

    private static HashSet<int> BlockBoundaries(byte[] file)
    {
        var result = new HashSet<int>();
        bool bigEndian = false;
        for (int at = 0; at < file.Length;)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at)) == 0x0A0D0D0A)
            {
                bigEndian = file[at + 8] == 0x1A;
            }

            int length = bigEndian ? BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at + 4)) : BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 4));
            at += length;
            result.Add(at);
        }

        return result;
    }

    [Fact]
    public void GarbageAfterAValidHeaderOnlyEverGivesInvalidData()
    {
        var headers = new[]
        {
            Pcap(1).AsSpan(0, 24).ToArray(),
            new PcapNgBuilder().Section(false).Interface(1).ToArray(),
            new PcapNgBuilder().Section(true).Interface(1).ToArray(),
        };
        Gen.Select(Gen.Int[0, 2], Gen.Byte.Array[0, 300]).Sample((which, tail) =>
        {
            try
            {
                _ = Read(headers[which].Concat(tail).ToArray());
            }
            catch (InvalidDataException)
            {
            }
        }, iter: 3_000);

        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 4]).Sample((seed, flips) =>
        {
            var random = new Random(seed);
            var file = new PcapNgBuilder().Section(seed % 2 == 0).Interface(1, 64, 9, 5).Enhanced(0, 3, s_a, withOptions: true)
                .Simple(s_b, 61).Block(4, new byte[8]).ToArray();
            for (int i = 0; i < flips; i++)
            {
                file[random.Next(file.Length)] = (byte)random.Next(256);
            }

            try
            {
                _ = Read(file);
            }
            catch (InvalidDataException)
            {
            }
        }, iter: 3_000);
    }

    [Fact]
    public void EmptyAndTinyFilesAreMalformed()
    {
        Malformed(Array.Empty<byte>());
        Malformed(new byte[] { 0xd4, 0xc3 });
        Malformed(new byte[] { 0x0a, 0x0d, 0x0d, 0x0a });
        Malformed(Pcap(1).AsSpan(0, 23).ToArray());
        Assert.Empty(Read(Pcap(1)));
    }

    /// <summary>A little-endian microsecond pcap file.</summary>
    private static byte[] Pcap(uint linkType, params (byte[] Data, uint Original)[] frames)
    {
        var s = new MemoryStream();
        void U32(uint v) => s.Write(BitConverter.GetBytes(v));
        U32(0xA1B2C3D4);
        s.Write(new byte[] { 2, 0, 4, 0 });
        U32(0);
        U32(0);
        U32(65535);
        U32(linkType);
        foreach (var (data, original) in frames)
        {
            U32(1);
            U32(2);
            U32((uint)data.Length);
            U32(original);
            s.Write(data);
        }

        return s.ToArray();
    }

    /// <summary>A stream that cannot seek and returns at most 7 bytes per read, as a pipe might.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _at;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 7), data.Length - _at);
            Array.Copy(data, _at, buffer, offset, n);
            _at += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
