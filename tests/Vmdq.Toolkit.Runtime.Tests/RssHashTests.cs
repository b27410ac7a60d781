using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using CsCheck;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The branch-free RSS input parse and hash (RssHash) against the reference (ReferenceRss: branchy parse,
/// bit-by-bit Toeplitz) on the corpus captures, on built flows (IPv4/IPv6, TCP/UDP, fragments, tunnels with
/// inner IPv4/IPv6) and on every truncation of them; and against Microsoft's verification vectors through
/// whole frames.
/// </summary>
public class RssHashTests
{
    private static string Corpus(string name) => Path.Combine(AppContext.BaseDirectory, "Corpus", name);

    private static byte[] FastInput(ReadOnlySpan<byte> frame, int port)
    {
        var input = new byte[RssHash.InputBytes];
        RssHash.WriteInput(frame, port, input);
        return input;
    }

    private static byte[] ReferenceInput(byte[] frame, int port)
    {
        var input = new byte[RssHash.InputBytes];
        ReferenceRss.Input(frame, port).CopyTo(input, 0);
        return input;
    }

    private static void AssertSameAsReference(byte[] frame, int port, string what)
    {
        for (int length = 0; length <= frame.Length; length++)
        {
            var cut = frame.AsSpan(0, length).ToArray();
            var expected = ReferenceInput(cut, port);
            var actual = FastInput(cut, port);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{what}, {length} of {frame.Length} bytes: input {Convert.ToHexString(actual)}, reference {Convert.ToHexString(expected)}");
            Assert.Equal(ReferenceRss.Hash(cut, port), RssHash.Compute(cut, port, Toeplitz.Default));
        }
    }

    [Fact]
    public void CorpusFramesAndEveryTruncationHashAsTheReference()
    {
        int withIp = 0;
        foreach (string pcap in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.pcap"))
        {
            int port = pcap.Contains("8472", StringComparison.Ordinal) ? 8472 : pcap.Contains("custom_port", StringComparison.Ordinal) ? 4790 : 4789;
            int index = 0;
            foreach (var captured in CaptureReader.ReadFile(pcap))
            {
                byte[] frame = captured.Data.ToArray();
                withIp += ReferenceRss.Input(frame, port).Length > 0 ? 1 : 0;
                AssertSameAsReference(frame, port, $"{Path.GetFileName(pcap)} frame {++index}");
            }
        }

        Assert.True(withIp > 50, $"only {withIp} corpus frames carry IP");
    }

    [Fact]
    public void StructuredFramesAndEveryTruncationHashAsTheReference() =>
        Gen.Select(StructuredFrames.Frame, StructuredFrames.Port).Sample((frame, port) => AssertSameAsReference(frame, port, "structured frame"), iter: 1_500);

    [Fact]
    public void BuiltFlowsAndEveryTruncationHashAsTheReference() =>
        Gen.Int[0, int.MaxValue].Sample(seed => AssertSameAsReference(RssFrames.Build(seed), 4789, $"flow {seed}"), iter: 1_500);

    [Fact]
    public void NeverReadsOutsideTheFrame()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var pages = new GuardedPages();
        for (int seed = 0; seed < 300; seed++)
        {
            byte[] frame = RssFrames.Build(seed);
            for (int length = 0; length <= frame.Length; length++)
            {
                uint expected = ReferenceRss.Hash(frame.AsSpan(0, length).ToArray(), 4789);
                var end = pages.EndingAtGuard(length);
                frame.AsSpan(0, length).CopyTo(end);
                Assert.Equal(expected, RssHash.Compute(end, 4789, Toeplitz.Default));
                var start = pages.StartingAfterGuard(length);
                frame.AsSpan(0, length).CopyTo(start);
                Assert.Equal(expected, RssHash.Compute(start, 4789, Toeplitz.Default));
            }
        }
    }

    [Theory]
    [MemberData(nameof(ToeplitzTests.MicrosoftVectors), MemberType = typeof(ToeplitzTests))]
    public void WholeFramesHashAsMicrosoftsVectors(string destination, int destinationPort, string source, int sourcePort, uint addressesOnly, uint withTcp)
    {
        var src = IPAddress.Parse(source).GetAddressBytes();
        var dst = IPAddress.Parse(destination).GetAddressBytes();
        var tcp = RssFrames.Ip(src, dst, 6, RssFrames.Ports(sourcePort, destinationPort));
        var udp = RssFrames.Ip(src, dst, 17, RssFrames.Ports(sourcePort, destinationPort));
        var icmp = RssFrames.Ip(src, dst, 1, RssFrames.Ports(sourcePort, destinationPort));
        var fragment = RssFrames.Ip(src, dst, 6, RssFrames.Ports(sourcePort, destinationPort), moreFragments: src.Length == 4);
        var portsCut = RssFrames.Ip(src, dst, 6, new byte[3]);

        Assert.Equal(withTcp, RssHash.Compute(RssFrames.Ethernet(tcp), 4789, Toeplitz.Default));
        Assert.Equal(withTcp, RssHash.Compute(RssFrames.Ethernet(udp), 4789, Toeplitz.Default));
        Assert.Equal(addressesOnly, RssHash.Compute(RssFrames.Ethernet(icmp), 4789, Toeplitz.Default));
        Assert.Equal(src.Length == 4 ? addressesOnly : withTcp, RssHash.Compute(RssFrames.Ethernet(fragment), 4789, Toeplitz.Default));
        Assert.Equal(addressesOnly, RssHash.Compute(RssFrames.Ethernet(portsCut), 4789, Toeplitz.Default));

        // Tagged, and inside VXLAN and NVGRE tunnels (outer IPv4 or IPv6): the inner packet's hash.
        Assert.Equal(withTcp, RssHash.Compute(RssFrames.Ethernet(tcp, 0x88A8, 0x8100), 4789, Toeplitz.Default));
        var outerV4 = (new byte[] { 10, 0, 0, 1 }, new byte[] { 10, 0, 0, 2 });
        var outerV6 = (IPAddress.Parse("2001:db8::1").GetAddressBytes(), IPAddress.Parse("2001:db8::2").GetAddressBytes());
        foreach (var (outerSrc, outerDst) in new[] { outerV4, outerV6 })
        {
            foreach (bool innerTag in new[] { false, true })
            {
                var inner = innerTag ? RssFrames.Ethernet(tcp, 0x8100) : RssFrames.Ethernet(tcp);
                var vxlan = RssFrames.Ethernet(RssFrames.Ip(outerSrc, outerDst, 17, RssFrames.Vxlan(inner, 4789)));
                var nvgre = RssFrames.Ethernet(RssFrames.Ip(outerSrc, outerDst, 47, RssFrames.Nvgre(inner)));
                Assert.Equal(withTcp, RssHash.Compute(vxlan, 4789, Toeplitz.Default));
                Assert.Equal(withTcp, RssHash.Compute(nvgre, 4789, Toeplitz.Default));
                Assert.NotEqual(withTcp, RssHash.Compute(vxlan, 8472, Toeplitz.Default));
            }
        }
    }

    [Fact]
    public void NvgreWithAnInnerTagAndAnInnerHeaderEndingTheFrame() =>
        AssertSameAsReference(Convert.FromHexString(
            "01005E0000010200000000AA810020FA08004500000000000000002F0000C2E97F2878C9120E200065580010002E5254001234560200000000BB81000002080045FEF2565B460000DB0601DD6FAF5F008936A851"),
            8472, "NVGRE, inner C-tag, inner IPv4 header to the last byte");

    [Fact]
    public void FramesWithoutAnIpHeaderHashAsZero()
    {
        Assert.Equal(0u, RssHash.Compute(ReadOnlySpan<byte>.Empty, 4789, Toeplitz.Default));
        Assert.Equal(0u, RssHash.Compute(new byte[13], 4789, Toeplitz.Default));
        var arp = TestFrames.Ethernet("ff:ff:ff:ff:ff:ff", 0x0806, new byte[28]);
        Assert.Equal(0u, RssHash.Compute(arp, 4789, Toeplitz.Default));
        var cut = RssFrames.Ethernet(RssFrames.Ip(new byte[] { 1, 2, 3, 4 }, new byte[] { 5, 6, 7, 8 }, 6, RssFrames.Ports(1, 2)));
        Assert.Equal(0u, RssHash.Compute(cut.AsSpan(0, 14 + 19), 4789, Toeplitz.Default));
        Assert.NotEqual(0u, RssHash.Compute(cut.AsSpan(0, 14 + 20), 4789, Toeplitz.Default));
    }

    [Fact]
    public void TunnelWithoutAnInnerIpPacketHashesTheOuterHeader()
    {
        var src = new byte[] { 10, 0, 0, 1 };
        var dst = new byte[] { 10, 0, 0, 2 };
        var arpInside = TestFrames.Ethernet("ff:ff:ff:ff:ff:ff", 0x0806, new byte[28]);
        var vxlan = RssFrames.Ip(src, dst, 17, RssFrames.Vxlan(arpInside, 4789));
        uint outer = ReferenceRss.Toeplitz(ReferenceRss.DefaultKey, [.. src, .. dst, .. vxlan.AsSpan(20, 4).ToArray()]);
        Assert.Equal(outer, RssHash.Compute(RssFrames.Ethernet(vxlan), 4789, Toeplitz.Default));
    }

    [Fact]
    public void WriteInputNeedsRoomForTheWholeInput() =>
        Assert.Throws<ArgumentException>(() => RssHash.WriteInput(new byte[64], 4789, new byte[RssHash.InputBytes - 1]));
}

/// <summary>Frames with real flows in them, for the RSS tests: outer and inner IPv4/IPv6, TCP/UDP/other, fragments, tags, VXLAN and NVGRE.</summary>
internal static class RssFrames
{
    public static byte[] Ports(int source, int destination) => [.. TestFrames.Be16(source), .. TestFrames.Be16(destination), 0, 0, 0, 0];

    /// <summary>An IPv4 (4-byte addresses) or IPv6 (16-byte) packet.</summary>
    public static byte[] Ip(byte[] src, byte[] dst, int protocol, byte[] payload, bool moreFragments = false, int fragmentOffset = 0, int options = 0)
    {
        if (src.Length == 4)
        {
            var h = new byte[20 + (options * 4)];
            h[0] = (byte)(0x40 | (5 + options));
            h[6] = (byte)((moreFragments ? 0x20 : 0) | (fragmentOffset >> 8));
            h[7] = (byte)fragmentOffset;
            h[8] = 64;
            h[9] = (byte)protocol;
            src.CopyTo(h, 12);
            dst.CopyTo(h, 16);
            return [.. h, .. payload];
        }

        var v6 = new byte[40];
        v6[0] = 0x60;
        v6[6] = (byte)protocol;
        v6[7] = 64;
        src.CopyTo(v6, 8);
        dst.CopyTo(v6, 24);
        return [.. v6, .. payload];
    }

    public static byte[] Ethernet(byte[] ip, params int[] tpids)
    {
        var tags = tpids.Select(t => (t, 100)).ToArray();
        int etherType = ip.Length > 0 && ip[0] >> 4 == 6 ? 0x86DD : 0x0800;
        return TestFrames.Ethernet("52:54:00:12:34:56", etherType, ip, tags);
    }

    public static byte[] Vxlan(byte[] inner, int port) => TestFrames.VxlanPayload(5001, inner, port);

    public static byte[] Nvgre(byte[] inner) => TestFrames.NvgrePayload(70001, inner);

    /// <summary>A random flow frame: tags, IPv4 (options, fragments) or IPv6, TCP/UDP/other, maybe a VXLAN/NVGRE tunnel around an inner flow.</summary>
    public static byte[] Build(int seed)
    {
        var r = new Random(seed);
        byte[] Packet(bool allowTunnel)
        {
            bool v6 = r.Next(3) == 0;
            var src = new byte[v6 ? 16 : 4];
            var dst = new byte[v6 ? 16 : 4];
            r.NextBytes(src);
            r.NextBytes(dst);
            int kind = allowTunnel ? r.Next(6) : r.Next(4);
            return kind switch
            {
                4 => Ip(src, dst, 17, Vxlan(Inner(), r.Next(4) == 0 ? 8472 : 4789)),
                5 => Ip(src, dst, 47, Nvgre(Inner())),
                _ => Ip(src, dst, r.Next(4) switch { 0 => 6, 1 => 17, 2 => 1, _ => 47 }, Ports(r.Next(65536), r.Next(65536)),
                    moreFragments: r.Next(6) == 0, fragmentOffset: r.Next(6) == 0 ? r.Next(1, 8192) : 0, options: r.Next(4) == 0 ? r.Next(1, 11) : 0),
            };
        }

        byte[] Inner()
        {
            var ip = Packet(allowTunnel: false);
            int tags = r.Next(3);
            return tags == 0 ? Ethernet(ip) : tags == 1 ? Ethernet(ip, 0x8100) : Ethernet(ip, 0x88A8);
        }

        var outer = Packet(allowTunnel: true);
        return r.Next(4) switch
        {
            0 => Ethernet(outer, 0x8100),
            1 => Ethernet(outer, 0x88A8, 0x8100),
            _ => Ethernet(outer),
        };
    }
}
