using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CsCheck;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The RSS hash's per-frame paths, each forced on the same inputs: the Toeplitz hash of RssHash's 36-byte input by
/// table loads, by carry-less multiplies one frame at a time (PCLMULQDQ) and four at a time (VPCLMULQDQ), for any key;
/// and the four-frame input read (RssHash.Of4: one AVX2 lane per frame) against the reference on the corpus
/// captures, built flows and structured frames with their truncations, in one buffer and at absolute addresses,
/// and next to unreadable pages. A carry-less path the CPU lacks falls back to the table path, which these tests
/// then check instead; <see cref="ThisMachineRunsTheCarryLessPaths"/> says which ran.
/// </summary>
public class RssPathTests
{
    private const string FourFrameReadNeedsAvx2 =
        "RssHash.Of4 reads four frames with AVX2, which this CPU lacks (or DOTNET_EnableAVX2=0): the batch loops then hash one frame at a time, which the other tests check.";

    public static TheoryData<string> Paths() => new() { nameof(ToeplitzPath.Table), nameof(ToeplitzPath.Clmul), nameof(ToeplitzPath.Clmul4) };

    private static RssHash.Input InputOf(byte[] bytes) => new()
    {
        W0 = BitConverter.ToUInt64(bytes, 0),
        W1 = BitConverter.ToUInt64(bytes, 8),
        W2 = BitConverter.ToUInt64(bytes, 16),
        W3 = BitConverter.ToUInt64(bytes, 24),
        W4 = BitConverter.ToUInt32(bytes, 32),
    };

    [Fact]
    public void ThisMachineRunsTheCarryLessPaths()
    {
        // The VMs this project is built on have PCLMULQDQ and VPCLMULQDQ; elsewhere the best path says what runs.
        var expected = Pclmulqdq.V256.IsSupported && Avx2.IsSupported ? ToeplitzPath.Clmul4 : Pclmulqdq.IsSupported ? ToeplitzPath.Clmul : ToeplitzPath.Table;
        Assert.Equal(expected, Toeplitz.BestPath);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryPathHashesAsTheBitByBitDefinitionForAnyKeyAndInput(string pathName)
    {
        var path = Enum.Parse<ToeplitzPath>(pathName);
        Gen.Select(Gen.Byte.Array[Toeplitz.KeySize], Gen.Byte.Array[RssHash.InputBytes].Array[4], Gen.Int[0, RssHash.InputBytes]).Sample((key, inputs, used) =>
        {
            // Inputs with their tail zeroed too: an IPv4 tuple is 12 bytes followed by zeros.
            foreach (var input in inputs)
            {
                input.AsSpan(used).Clear();
            }

            var toeplitz = new Toeplitz(key);
            var expected = inputs.Select(input => ToeplitzTests.BitByBit(key, input)).ToArray();
            for (int k = 0; k < 4; k++)
            {
                Assert.Equal(expected[k], toeplitz.Hash(InputOf(inputs[k]), path));
            }

            var four = new RssHash.Input4
            {
                W0 = Vector256.Create(inputs.Select(i => InputOf(i).W0).ToArray()),
                W1 = Vector256.Create(inputs.Select(i => InputOf(i).W1).ToArray()),
                W2 = Vector256.Create(inputs.Select(i => InputOf(i).W2).ToArray()),
                W3 = Vector256.Create(inputs.Select(i => InputOf(i).W3).ToArray()),
                W4 = Vector256.Create(inputs.Select(i => InputOf(i).W4).ToArray()),
            };
            var hashes = toeplitz.Hash4(in four, path);
            for (int k = 0; k < 4; k++)
            {
                Assert.Equal(expected[k], hashes.GetElement(k));
            }
        }, iter: 2_000);
    }

    [Theory]
    [MemberData(nameof(ToeplitzTests.MicrosoftVectors), MemberType = typeof(ToeplitzTests))]
    public void EveryPathHashesMicrosoftsVectors(string destination, int destinationPort, string source, int sourcePort, uint addressesOnly, uint withTcp)
    {
        var src = System.Net.IPAddress.Parse(source).GetAddressBytes();
        var dst = System.Net.IPAddress.Parse(destination).GetAddressBytes();
        var frame = RssFrames.Ethernet(RssFrames.Ip(src, dst, 6, RssFrames.Ports(sourcePort, destinationPort)));
        var icmp = RssFrames.Ethernet(RssFrames.Ip(src, dst, 1, RssFrames.Ports(sourcePort, destinationPort)));
        foreach (var path in Enum.GetValues<ToeplitzPath>())
        {
            Assert.Equal(withTcp, RssHash.Of(frame, 4789, Toeplitz.Default, path));
            Assert.Equal(addressesOnly, RssHash.Of(icmp, 4789, Toeplitz.Default, path));
            if (Avx2.IsSupported)
            {
                // The four-frame read is AVX2 (without it the batch loops hash one frame at a time, checked above).
                var four = HashFour([frame, icmp, icmp, frame], 4789, path);
                Assert.Equal([withTcp, addressesOnly, addressesOnly, withTcp], four);
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void FourFramesAtOnceHashAsTheReferenceOnCorpusFramesAndTheirTruncations(string pathName)
    {
        Skip.If(!Avx2.IsSupported, FourFrameReadNeedsAvx2);
        var path = Enum.Parse<ToeplitzPath>(pathName);
        var frames = new List<(byte[] Frame, int Port)>();
        foreach (string pcap in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.pcap"))
        {
            int port = pcap.Contains("8472", StringComparison.Ordinal) ? 8472 : pcap.Contains("custom_port", StringComparison.Ordinal) ? 4790 : 4789;
            frames.AddRange(CaptureReader.ReadFile(pcap).Select(c => (c.Data.ToArray(), port)));
        }

        Assert.True(frames.Count > 100, $"only {frames.Count} corpus frames");
        foreach (var group in frames.GroupBy(f => f.Port))
        {
            AssertFourAtOnce(group.Select(f => f.Frame).ToList(), group.Key, path, new Random(group.Key));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Paths))]
    public void FourFramesAtOnceHashAsTheReferenceOnBuiltAndStructuredFrames(string pathName)
    {
        Skip.If(!Avx2.IsSupported, FourFrameReadNeedsAvx2);
        var path = Enum.Parse<ToeplitzPath>(pathName);
        Gen.Select(Gen.Int[0, int.MaxValue].Array[4], StructuredFrames.Frame.Array[4], StructuredFrames.Port).Sample((seeds, structured, port) =>
        {
            var frames = seeds.Select(RssFrames.Build).Concat(structured).ToList();
            AssertFourAtOnce(frames, port, path, new Random(seeds[0]));
        }, iter: 150);
    }

    [SkippableFact]
    public void FourFramesAtOnceNeverReadOutsideTheFrames()
    {
        Skip.If(!Avx2.IsSupported, FourFrameReadNeedsAvx2);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var pages = new GuardedPages();
        for (int seed = 0; seed < 60; seed++)
        {
            byte[] frame = RssFrames.Build(seed);
            byte[] other = RssFrames.Build(seed + 1000);
            for (int length = 14; length <= frame.Length; length++)
            {
                var cut = frame.AsSpan(0, length).ToArray();
                uint expected = ReferenceRss.Hash(cut, 4789);
                foreach (bool atEnd in new[] { true, false })
                {
                    var guarded = atEnd ? pages.EndingAtGuard(length) : pages.StartingAfterGuard(length);
                    cut.CopyTo(guarded);
                    foreach (var path in Enum.GetValues<ToeplitzPath>())
                    {
                        for (int lane = 0; lane < 4; lane++)
                        {
                            var hashes = HashFourAt(guarded, other, lane, 4789, path);
                            Assert.Equal(expected, hashes[lane]);
                            Assert.Equal(ReferenceRss.Hash(other, 4789), hashes[(lane + 1) % 4]);
                        }
                    }
                }
            }
        }
    }

    // Every frame and each of its truncations to 14..200 bytes (every header the hash reads ends before byte 200), in lane
    // (index mod 4) of a four-frame group whose other lanes are random frames of the set; the groups in one buffer at odd
    // offsets, and as separate arrays.
    private static void AssertFourAtOnce(List<byte[]> frames, int port, ToeplitzPath path, Random random)
    {
        var cuts = frames
            .SelectMany(f => Enumerable.Range(14, Math.Max(0, Math.Min(f.Length, 200) - 13)).Append(f.Length).Distinct().Where(n => n >= 14).Select(n => f.AsSpan(0, n).ToArray()))
            .ToList();
        for (int i = 0; i < cuts.Count; i++)
        {
            var group = new byte[4][];
            for (int k = 0; k < 4; k++)
            {
                group[k] = k == i % 4 ? cuts[i] : cuts[random.Next(cuts.Count)];
            }

            var hashes = HashFour(group, port, path);
            for (int k = 0; k < 4; k++)
            {
                Assert.True(ReferenceRss.Hash(group[k], port) == hashes[k], $"{path}, lane {k}, {group[k].Length} bytes: {Convert.ToHexString(group[k])}");
            }
        }
    }

    // The four frames' hashes by RssHash.Of4, from one buffer (odd offsets) and from absolute addresses, which must agree.
    private static unsafe uint[] HashFour(byte[][] four, int port, ToeplitzPath path)
    {
        var buffer = new byte[four.Sum(f => f.Length) + 3];
        var offsets = new ulong[4];
        for (int k = 0, at = 3; k < 4; at += four[k].Length, k++)
        {
            four[k].CopyTo(buffer, at);
            offsets[k] = (ulong)at;
        }

        var len = Vector256.Create(four.Select(f => (ulong)f.Length).ToArray());
        Vector256<ulong> inBuffer, absolute;
        fixed (byte* b = buffer)
        {
            inBuffer = RssHash.Of4(b, Vector256.Create(offsets), len, port, Toeplitz.Default, path);
        }

        fixed (byte* p0 = four[0], p1 = four[1], p2 = four[2], p3 = four[3])
        {
            absolute = RssHash.Of4(null, Vector256.Create((ulong)p0, (ulong)p1, (ulong)p2, (ulong)p3), len, port, Toeplitz.Default, path);
        }

        Assert.Equal(inBuffer, absolute);
        return [(uint)inBuffer[0], (uint)inBuffer[1], (uint)inBuffer[2], (uint)inBuffer[3]];
    }

    // The guarded frame in lane `lane`, `other` in the others (absolute addresses).
    private static unsafe uint[] HashFourAt(Span<byte> guarded, byte[] other, int lane, int port, ToeplitzPath path)
    {
        fixed (byte* g = guarded, o = other)
        {
            var start = new ulong[4];
            var len = new ulong[4];
            for (int k = 0; k < 4; k++)
            {
                start[k] = k == lane ? (ulong)g : (ulong)o;
                len[k] = (ulong)(k == lane ? guarded.Length : other.Length);
            }

            var hashes = RssHash.Of4(null, Vector256.Create(start), Vector256.Create(len), port, Toeplitz.Default, path);
            return [(uint)hashes[0], (uint)hashes[1], (uint)hashes[2], (uint)hashes[3]];
        }
    }
}
