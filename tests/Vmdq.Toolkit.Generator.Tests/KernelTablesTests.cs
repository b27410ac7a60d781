using System;
using System.Linq;
using CsCheck;
using Vmdq.Rules;
using Vmdq.Rules.Model;
using Vmdq.Rules.Reference;
using Vmdq.Rules.Tables;
using Vmdq.Toolkit.Classification;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// The dispatch kernel takes its tables as data: tables built at run time from a rules file (here, from the
/// rules library's model, as a runtime engine does) classify exactly as the reference interpreter says,
/// through the same <see cref="FrameDispatch"/> loops and <see cref="DispatchKernel"/> generated dispatchers use.
/// </summary>
public class KernelTablesTests
{
    /// <summary>Every table probed.</summary>
    private readonly struct AllKinds : IRuleKinds
    {
        public static bool TunnelInner => true;
        public static bool Tunnel => true;
        public static bool MacVlan => true;
        public static bool Mac => true;
        public static bool Vlan => true;
        public static bool Groups => true;
        public static bool Rss => true;
    }

    /// <summary>Only the <c>vlan</c> table (and nothing else) probed.</summary>
    private readonly struct VlanOnly : IRuleKinds
    {
        public static bool TunnelInner => false;
        public static bool Tunnel => false;
        public static bool MacVlan => false;
        public static bool Mac => false;
        public static bool Vlan => true;
        public static bool Groups => false;
        public static bool Rss => false;
    }

    /// <summary>The kernel's tables of <paramref name="model"/>, as the runtime engine builds them (the generator's table builder).</summary>
    internal static ClassifierTables Build(RuleSet model) =>
        Vmdq.Toolkit.Engine.RulesSnapshot.Build(model, 1, Vmdq.Toolkit.Engine.RulesSnapshot.RedirectionOf(model)).Tables;

    private static RuleSet Model(string rules)
    {
        var result = RulesCompiler.Compile("random.vmdq", rules);
        Assert.True(result.Model is not null, "Generated rules have errors:\n" + string.Join("\n", result.Diagnostics) + "\n" + rules);
        return result.Model!;
    }

    private static void AssertSame(ReferenceVerdict expected, Verdict actual, string what, string rules, byte[] frame)
    {
        var e = (expected.Pool, expected.Queue, expected.IsDrop, expected.RuleLine, (int)expected.Kind, expected.Spread);
        var a = (actual.Pool, actual.Queue, actual.IsDrop, actual.RuleLine, (int)actual.Kind, actual.IsSpread);
        if (e != a)
        {
            Assert.Fail($"{what}: {a}, but the reference says {e}\nframe: {Convert.ToHexString(frame)}\nrules:\n{rules}");
        }
    }

    [Fact]
    public void RuntimeBuiltTablesClassifyAsTheReference()
    {
        Gen.Select(RandomRules.File, RandomRules.Frame.Array[41]).Sample((rules, frames) =>
        {
            var model = Model(rules);
            var reference = new ReferenceClassifier(model);
            var tables = Build(model);

            // The batch loop takes four at a time (Decide4) and the rest one by one (Decide): 41 frames use both.
            var batch = new Verdict[frames.Length];
            FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(frames, batch, tables);
            for (int i = 0; i < frames.Length; i++)
            {
                // Every truncation too: the parse's bounds feed the kernel's presence masks.
                for (int length = 0; length <= frames[i].Length; length += 7)
                {
                    var cut = frames[i].AsSpan(0, length).ToArray();
                    AssertSame(reference.Classify(cut), FrameDispatch.Classify<AllKinds, ParseVariants.Full>(cut, tables), "Classify", rules, cut);
                }

                AssertSame(reference.Classify(frames[i]), batch[i], $"ClassifyBatch[{i}]", rules, frames[i]);
            }
        }, iter: 40, threads: 1);
    }

    /// <summary>The batch paths: eight frames per step (AVX-512 parse; on a machine without AVX-512 its portable equivalents), four (AVX2), one.</summary>
    public static TheoryData<string> BatchPaths() => new() { "Avx512", "Avx2", "Scalar" };

    /// <summary>
    /// Each batch path with the plain loops and with the prefetching ones (<see cref="ClassifierTables.PrefetchAhead"/>, on by
    /// itself only for tables past 2 MiB, forced here on small tables: two steps in flight, whatever the batch's length).
    /// </summary>
    public static TheoryData<string, bool> BatchPathsWithPrefetch() => new()
    {
        { "Avx512", false }, { "Avx2", false }, { "Scalar", false },
        { "Avx512", true }, { "Avx2", true }, { "Scalar", true },
    };

    [Theory]
    [MemberData(nameof(BatchPathsWithPrefetch))]
    public void EveryBatchPathClassifiesAsTheReference(string pathName, bool prefetch)
    {
        var path = Enum.Parse<BatchPath>(pathName);
        Gen.Select(RandomRules.File, RandomRules.Frame.Array[0, 60], Gen.Int[0, int.MaxValue]).Sample((rules, frames, seed) =>
        {
            var model = Model(rules);
            var reference = new ReferenceClassifier(model);
            var tables = Build(model);
            tables.PrefetchAhead = prefetch;

            // Whole frames, truncations and mutations, in one buffer at odd offsets and as arrays (null: an empty frame).
            var random = new Random(seed);
            var all = frames.Select(f => random.Next(4) switch
            {
                0 => f.AsSpan(0, random.Next(f.Length + 1)).ToArray(),
                1 => f.Select(b => random.Next(16) == 0 ? (byte)random.Next(256) : b).ToArray(),
                _ => f,
            }).ToArray();
            var buffer = new byte[all.Sum(f => f.Length) + 5];
            var slices = new FrameSlice[all.Length];
            for (int i = 0, at = 5; i < all.Length; at += all[i].Length, i++)
            {
                all[i].CopyTo(buffer, at);
                slices[i] = new FrameSlice(at, all[i].Length);
            }

            var inBuffer = new Verdict[all.Length];
            FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(buffer, slices, inBuffer, tables, path);
            var arrays = all.Select((f, i) => i % 7 == 3 && f.Length == 0 ? null! : f).ToArray();
            var inArrays = new Verdict[all.Length];
            FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(arrays, inArrays, tables, path);
            for (int i = 0; i < all.Length; i++)
            {
                var expected = reference.Classify(all[i]);
                AssertSame(expected, inBuffer[i], $"{path} ClassifyBatch(buffer)[{i}]", rules, all[i]);
                AssertSame(expected, inArrays[i], $"{path} ClassifyBatch(arrays)[{i}]", rules, all[i]);
            }
        }, iter: 25, threads: 1);
    }

    [Theory]
    [MemberData(nameof(BatchPathsWithPrefetch))]
    public void ThePaddedEntryClassifiesAsTheReferenceOnEveryPath(string pathName, bool prefetch)
    {
        // Frames in 2 KB buffers as a NIC lands them (each at a buffer's start, the rest of the buffer garbage
        // that must not change a verdict), the last one ending the buffer exactly 128 bytes after its start.
        var path = Enum.Parse<BatchPath>(pathName);
        Gen.Select(RandomRules.File, RandomRules.Frame.Array[9, 40], Gen.Int[0, int.MaxValue]).Sample((rules, frames, seed) =>
        {
            var model = Model(rules);
            var reference = new ReferenceClassifier(model);
            var tables = Build(model);
            tables.PrefetchAhead = prefetch;
            var random = new Random(seed);
            const int BufferSize = 2048;
            var buffer = new byte[((frames.Length - 1) * BufferSize) + FrameParser.PaddedFrameBytes];
            random.NextBytes(buffer);
            var all = new byte[frames.Length][];
            var slices = new FrameSlice[frames.Length];
            for (int i = 0; i < frames.Length; i++)
            {
                int room = i == frames.Length - 1 ? FrameParser.PaddedFrameBytes : BufferSize;
                all[i] = frames[i].AsSpan(0, Math.Min(frames[i].Length, random.Next(2) == 0 ? room : random.Next(room + 1))).ToArray();
                all[i].CopyTo(buffer, i * BufferSize);
                slices[i] = new FrameSlice(i * BufferSize, all[i].Length);
            }

            var verdicts = new Verdict[frames.Length];
            FrameDispatch.ClassifyBatchPadded<AllKinds, ParseVariants.Full>(buffer, slices, verdicts, tables, path);
            for (int i = 0; i < frames.Length; i++)
            {
                AssertSame(reference.Classify(all[i]), verdicts[i], $"{path} ClassifyBatchPadded[{i}]", rules, all[i]);
            }
        }, iter: 20, threads: 1);
    }

    [Fact]
    public void ThePaddedEntryRefusesAFrameWithoutThePadding()
    {
        var tables = Build(Model("nic pools 8\npool web 1\nmac 52:54:00:12:34:56 -> web\n"));
        var slices = Enumerable.Range(0, 10).Select(i => new FrameSlice(i * 128, 60)).ToArray();
        slices[9] = new FrameSlice(1200, 60);
        var ex = Assert.Throws<ArgumentException>(() => FrameDispatch.ClassifyBatchPadded<AllKinds, ParseVariants.Full>(new byte[1280], slices, new Verdict[10], tables));
        Assert.Contains("Frame 9 ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("80 bytes of the 1280-byte buffer from its start; the padded entry needs 128", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BatchPaths))]
    public void EveryBatchPathNamesTheBadSliceByItsIndex(string pathName)
    {
        var path = Enum.Parse<BatchPath>(pathName);
        var tables = Build(Model("nic pools 8\npool web 1\nmac 52:54:00:12:34:56 -> web\n"));
        var slices = Enumerable.Repeat(new FrameSlice(0, 60), 12).ToArray();
        slices[9] = new FrameSlice(40, 100);
        var ex = Assert.Throws<ArgumentException>(() => FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(new byte[128], slices, new Verdict[12], tables, path));
        Assert.Contains("Frame 9 ", ex.Message, StringComparison.Ordinal);
        Assert.Equal("frames", ex.ParamName);
    }

    // The batch entries test every slice at once (one branch for the batch), so each way a slice can be bad must
    // still reach the message: a negative offset or length, an end past the buffer, an end that overflows 32 bits.
    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, -1)]
    [InlineData(240, 17)]
    [InlineData(int.MaxValue, 10)]
    [InlineData(10, int.MaxValue)]
    public void EveryBatchEntryRefusesABadSliceAndWritesNoVerdict(int offset, int length)
    {
        var tables = Build(Model("nic pools 8\npool web 1\nmac 52:54:00:12:34:56 -> web\n"));
        foreach (var path in new[] { BatchPath.Avx512, BatchPath.Avx2, BatchPath.Scalar })
        {
            var slices = Enumerable.Repeat(new FrameSlice(0, 60), 20).ToArray();
            slices[13] = new FrameSlice(offset, length);
            var verdicts = new Verdict[20];
            var buffer = new byte[256];
            var ex = Assert.Throws<ArgumentException>(() => FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(buffer, slices, verdicts, tables, path));
            Assert.Contains($"Frame 13 ({slices[13]}) lies outside the 256-byte buffer", ex.Message, StringComparison.Ordinal);
            Assert.Equal("frames", ex.ParamName);
            ex = Assert.Throws<ArgumentException>(() => FrameDispatch.ClassifyBatchPadded<AllKinds, ParseVariants.Full>(buffer, slices, verdicts, tables, path));
            Assert.Contains($"Frame 13 ({slices[13]}) lies outside the 256-byte buffer", ex.Message, StringComparison.Ordinal);
            Assert.All(verdicts, v => Assert.Equal(default, v));
        }
    }

    [Fact]
    public void EveryBatchEntryRefusesTooFewVerdicts()
    {
        var tables = Build(Model("nic pools 8\npool web 1\nmac 52:54:00:12:34:56 -> web\n"));
        var slices = Enumerable.Range(0, 9).Select(i => new FrameSlice(i * 128, 60)).ToArray();
        var buffer = new byte[9 * 128];
        var arrays = Enumerable.Range(0, 9).Select(_ => new byte[60]).ToArray();
        const string Message = "verdicts has room for 8 verdicts but 9 frames were given.";
        foreach (var path in new[] { BatchPath.Avx512, BatchPath.Avx2, BatchPath.Scalar })
        {
            var ex = Assert.Throws<ArgumentException>(() => FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(buffer, slices, new Verdict[8], tables, path));
            Assert.Equal(("verdicts", true), (ex.ParamName, ex.Message.StartsWith(Message, StringComparison.Ordinal)));
            ex = Assert.Throws<ArgumentException>(() => FrameDispatch.ClassifyBatchPadded<AllKinds, ParseVariants.Full>(buffer, slices, new Verdict[8], tables, path));
            Assert.Equal(("verdicts", true), (ex.ParamName, ex.Message.StartsWith(Message, StringComparison.Ordinal)));
            ex = Assert.Throws<ArgumentException>(() => FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(arrays, new Verdict[8], tables, path));
            Assert.Equal(("verdicts", true), (ex.ParamName, ex.Message.StartsWith(Message, StringComparison.Ordinal)));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(13)]
    [InlineData(18)]
    public void ThePaddedEntryRefusesAnUnpaddedFrameAnywhereInTheBatch(int bad)
    {
        // 19 frames: the check takes four slices at a time and the rest one by one, so the bad one is tried in both.
        var tables = Build(Model("nic pools 8\npool web 1\nmac 52:54:00:12:34:56 -> web\n"));
        var slices = Enumerable.Repeat(new FrameSlice(0, 60), 19).ToArray();
        slices[bad] = new FrameSlice(200, 10);
        var buffer = new byte[256];
        var verdicts = new Verdict[19];
        var ex = Assert.Throws<ArgumentException>(() => FrameDispatch.ClassifyBatchPadded<AllKinds, ParseVariants.Full>(buffer, slices, verdicts, tables));
        Assert.Contains($"Frame {bad} ({slices[bad]}) has 56 bytes of the 256-byte buffer from its start; the padded entry needs 128", ex.Message, StringComparison.Ordinal);
        Assert.All(verdicts, v => Assert.Equal(default, v));

        // The span entry takes the same frames: each lies inside the buffer.
        FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(buffer, slices, verdicts, tables);
    }

    [Fact]
    public void KindsThatAreOffAreNeverProbed()
    {
        // The mac table holds a rule the frame matches, but a kernel specialised to vlan rules never reads it:
        // the frame (C-tag 150, which no vlan rule names) gets the default pool.
        var model = Model("nic pools 8 queues 2\npool web 1\npool db 2\nmac 52:54:00:12:34:56 -> web\nvlan 250 -> db\n");
        var tables = Build(model);
        byte[] frame = Convert.FromHexString("525400123456" + "0200000000aa" + "8100" + "0096" + "0800" + new string('0', 92));
        Assert.Equal(1, FrameDispatch.Classify<AllKinds, ParseVariants.Full>(frame, tables).Pool);
        var verdict = FrameDispatch.Classify<VlanOnly, ParseVariants.Full>(frame, tables);
        Assert.Equal((0, RuleKind.Default), (verdict.Pool, verdict.Kind));

        // And the vlan table it does probe decides a frame with C-tag 250.
        frame[15] = 250;
        verdict = FrameDispatch.Classify<VlanOnly, ParseVariants.Full>(frame, tables);
        Assert.Equal((2, RuleKind.Vlan, 5), (verdict.Pool, verdict.Kind, verdict.RuleLine));
    }

    [Fact]
    public void TablesTheRulesDoNotFillAreEmptyAndNeverHit()
    {
        // Only a mac rule: the other four tables are ProbeTable.Empty (EmptyWide for the tunnel-inner table),
        // which every probe misses, so a kernel that probes all five still decides by the mac rule alone.
        var model = Model("nic pools 8 queues 2\npool web 1\nmac 52:54:00:12:34:56 -> web\n");
        var tables = Build(model);
        Assert.Equal(ProbeTable.Empty.Bytes * 3 + ProbeTable.EmptyWide.Bytes + DispatchTables.Build(model).TableBytes, tables.TableBytes);
        foreach (var seed in Enumerable.Range(0, 200))
        {
            var frame = RandomRules.BuildFrame(seed);
            var expected = new ReferenceClassifier(model).Classify(frame);
            AssertSame(expected, FrameDispatch.Classify<AllKinds, ParseVariants.Full>(frame, tables), "Classify", "mac only", frame);
        }
    }
}
