using System;
using System.Linq;
using CsCheck;
using Vmdq.Rules.Reference;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// FrameParser (branch-free) == ReferenceFrameParser (plain reading of the spec), field by field
/// including presence, on frames built to hit every parsing case, all their truncations and
/// single-byte mutations, and with in-range, out-of-range and impossible VXLAN ports.
/// </summary>
public class ParserDifferentialTests
{
    private static void AssertSame(ReadOnlySpan<byte> frame, int port)
    {
        var bytes = frame.ToArray();
        var fast = CorpusFrame.From(FrameParser.Parse(frame, port));
        var reference = CorpusFrame.From(ReferenceFrameParser.Parse(bytes, port));
        if (fast != reference)
        {
            Assert.Fail($"vxlan-port {port}, frame ({bytes.Length} bytes) {Convert.ToHexString(bytes)}\nFrameParser {fast}\nreference   {reference}");
        }
    }

    [Fact]
    public void StructuredFramesAndEveryTruncation()
    {
        Gen.Select(StructuredFrames.Frame, StructuredFrames.Port).Sample((frame, port) =>
        {
            for (int length = 0; length <= frame.Length; length++)
            {
                AssertSame(frame.AsSpan(0, length), port);
            }
        }, iter: 10_000);
    }

    [Fact]
    public void StructuredFramesWithSingleByteMutations()
    {
        Gen.Select(StructuredFrames.Frame, StructuredFrames.Port, Gen.Int[0, int.MaxValue]).Sample((frame, port, seed) =>
        {
            var random = new Random(seed);
            for (int m = 0; m < 40; m++)
            {
                var mutated = (byte[])frame.Clone();
                int at = random.Next(mutated.Length);
                // Flip one bit half the time (a near miss), else any byte.
                mutated[at] = random.Next(2) == 0 ? (byte)(mutated[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
                AssertSame(mutated, port);
            }
        }, iter: 10_000);
    }

    [Fact]
    public void RandomBytesAtEveryLength()
    {
        Gen.Select(Gen.Byte.Array[0, 200], StructuredFrames.Port).Sample((frame, port) => AssertSame(frame, port), iter: 20_000);
    }

    [Fact]
    public void PortsOutsideTheUdpRangeNeverMatch()
    {
        Gen.Select(StructuredFrames.Frame, StructuredFrames.ImpossiblePort).Sample((frame, port) =>
        {
            for (int length = 0; length <= frame.Length; length++)
            {
                AssertSame(frame.AsSpan(0, length), port);
            }
        }, iter: 1_000);
    }

    [Fact]
    public void EveryTagStackReadsAsTheSpecSays()
    {
        // A few exact expectations, so that the two parsers cannot agree on a wrong reading.
        (int[] Tpids, int? Svid, int? Cvid, int? Pcp, bool Ip)[] cases =
        {
            (new[] { 0x8100 }, null, 0x123, 5, true),
            (new[] { 0x88A8 }, 0x123, null, 5, true),
            (new[] { 0x88A8, 0x8100 }, 0x123, 0x456, 5, true),
            (new[] { 0x8100, 0x8100 }, null, 0x123, 5, false), // EtherType 0x8100: not IP
            (new[] { 0x88A8, 0x88A8 }, 0x123, null, 5, false),
            (new[] { 0x8100, 0x88A8 }, null, 0x123, 5, false),
            (new[] { 0x9100 }, null, null, null, false),
        };
        foreach (var (tpids, svid, cvid, pcp, ip) in cases)
        {
            var tags = new (int, int)[tpids.Length];
            for (int i = 0; i < tpids.Length; i++)
            {
                tags[i] = (tpids[i], i == 0 ? (5 << 13) | 0x1000 | 0x123 : 0x456); // PCP 5, DEI set on the outer tag
            }

            var frame = TestFrames.Ethernet("00:1b:21:0a:0b:01", 0x0800,
                TestFrames.Ipv4(17, TestFrames.VxlanPayload(77, TestFrames.Inner("52:54:00:12:34:56", 9))), tags);
            var r = ReferenceFrameParser.Parse(frame);
            Assert.Equal((svid, cvid, pcp), (r.Svid, r.Cvid, r.Pcp));
            Assert.Equal(ip ? 77 : null, r.Vni);
            Assert.Equal(ip ? 9 : null, r.InnerVid);
            AssertSame(frame, 4789);
        }
    }

    [Fact]
    public void TheGeneratorHitsEveryCase()
    {
        // Guards the properties above against a generator that quietly stops producing tunnels or tags.
        var parsed = Enumerable.Range(0, 4_000).Select(seed => ReferenceFrameParser.Parse(StructuredFrames.Build(seed), 4789)).ToArray();
        void AtLeast(double share, Func<ReferenceFrameFields, bool> has, string what)
        {
            double seen = parsed.Count(has) / (double)parsed.Length;
            Assert.True(seen >= share, $"{what}: {seen:P1} of frames, expected at least {share:P0}");
        }

        AtLeast(0.25, f => f.Svid is not null, "svid");
        AtLeast(0.35, f => f.Cvid is not null, "cvid");
        AtLeast(0.03, f => f.Vni is not null, "vni");
        AtLeast(0.03, f => f.Vsid is not null, "vsid");
        AtLeast(0.01, f => f.InnerVid is not null, "inner_vid");
        AtLeast(0.10, f => f.Dst is { } d && (d >> 40 & 1) == 1, "group dst");
    }
}
