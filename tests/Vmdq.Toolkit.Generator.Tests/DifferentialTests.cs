using System;
using System.Linq;
using CsCheck;
using Vmdq.Rules;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// The generated dispatcher agrees with the reference interpreter (tests/Vmdq.Toolkit.Reference) on random rules
/// files and random, mutated and truncated frames: every length from 0 to the full frame.
/// </summary>
public class DifferentialTests
{
    private delegate Verdict ClassifyFn(ReadOnlySpan<byte> frame);

    private delegate ReadOnlySpan<int> ReplicasFn(Verdict verdict);

    private delegate void BatchFn(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts);

    private delegate void ArrayBatchFn(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts);

    private static void AssertSame(ReferenceVerdict expected, Verdict actual, ReadOnlySpan<int> replicas, string rules, byte[] frame)
    {
        var e = (expected.Pool, expected.Queue, expected.IsDrop, expected.RuleLine, (int)expected.Kind, expected.Spread, string.Join(",", expected.Replicas));
        var a = (actual.Pool, actual.Queue, actual.IsDrop, actual.RuleLine, (int)actual.Kind, actual.IsSpread, string.Join(",", replicas.ToArray()));
        if (e != a)
        {
            Assert.Fail($"Generated {a} but the reference says {e}\nframe: {Convert.ToHexString(frame)}\nrules:\n{rules}");
        }
    }

    [Fact]
    public void GeneratedDispatcherEqualsReferenceInterpreter()
    {
        Gen.Select(RandomRules.File, RandomRules.Frame.Array[40], Gen.Int[0, int.MaxValue]).Sample(CheckAgainstReference, iter: 25, threads: 1);
    }

    [Fact]
    public void GeneratedDispatcherWithSChannelsEqualsReferenceInterpreter()
    {
        // S-tagged frames on declared and undeclared S-VIDs, untagged frames, and (by truncation) S-tags cut in their TCI.
        Gen.Select(RandomRules.FileWithChannels, RandomRules.Frame.Array[40], Gen.Int[0, int.MaxValue]).Sample((rules, frames, seed) =>
        {
            string source = CompilationHarness.GenerateSource("random.vmdq", rules);
            Assert.Contains("public static bool Channels => true;", source);
            CheckAgainstReference(rules, frames, seed);
        }, iter: 20, threads: 1);
    }

    [Fact]
    public void RandomRulesFilesWithChannelsCompileWithoutErrors()
    {
        RandomRules.FileWithChannels.Sample(rules =>
        {
            var result = RulesCompiler.Compile("random.vmdq", rules);
            Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics) + "\n" + rules);
            Assert.True(result.Model!.HasChannels);
        }, iter: 300);
    }

    /// <summary>Subsets of rule kinds, each giving a dispatcher specialised by its kinds (a narrower parse, fewer probes).</summary>
    public static TheoryData<string> KindSubsets() => new()
    {
        "mac",
        "mac broadcast multicast",
        "mac mac-vlan",
        "vlan",
        "mac mac-vlan vlan broadcast multicast",
        "vxlan nvgre",
        "mac vlan vxlan nvgre broadcast",
        "vxlan-inner nvgre-inner",
        "vxlan vxlan-inner mac",
    };

    [Theory]
    [MemberData(nameof(KindSubsets))]
    public void SpecialisedDispatchersEqualReferenceInterpreter(string kinds)
    {
        Gen.Select(RandomRules.FileOf(kinds.Split(' ')), RandomRules.Frame.Array[30], Gen.Int[0, int.MaxValue]).Sample((rules, frames, seed) =>
        {
            // The variant the generator chose is the one the kinds present need (judged here from the text).
            string expected = rules.Contains(" inner ", StringComparison.Ordinal) ? "Full"
                : rules.Contains("\nvxlan ", StringComparison.Ordinal) || rules.Contains("\nnvgre ", StringComparison.Ordinal) ? "Tunnels"
                : rules.Contains("vlan ", StringComparison.Ordinal) ? "Tags"
                : "Dst";
            string source = CompilationHarness.GenerateSource("random.vmdq", rules);
            Assert.Contains($"FrameDispatch.Classify<Kinds, global::Vmdq.Toolkit.ParseVariants.{expected}>(frame, ", source);

            // And the kernel probes exactly the tables of the kinds present (judged here from the text).
            bool Has(string prefix) => rules.Split('\n').Any(line => line.StartsWith(prefix, StringComparison.Ordinal));
            bool tunnelInner = rules.Contains(" inner ", StringComparison.Ordinal);
            bool tunnel = rules.Split('\n').Any(line => (line.StartsWith("vxlan ", StringComparison.Ordinal) || line.StartsWith("nvgre ", StringComparison.Ordinal)) && !line.Contains(" inner ", StringComparison.Ordinal));
            bool macVlan = rules.Split('\n').Any(line => line.StartsWith("mac ", StringComparison.Ordinal) && line.Contains(" vlan ", StringComparison.Ordinal));
            bool mac = rules.Split('\n').Any(line => line.StartsWith("mac ", StringComparison.Ordinal) && !line.Contains(" vlan ", StringComparison.Ordinal));
            foreach (var (kind, on) in new[] { ("TunnelInner", tunnelInner), ("Tunnel", tunnel), ("MacVlan", macVlan), ("Mac", mac), ("Vlan", Has("vlan ")), ("Groups", Has("broadcast") || Has("multicast")) })
            {
                Assert.Contains($"public static bool {kind} => {(on ? "true" : "false")};", source);
            }

            CheckAgainstReference(rules, frames, seed);
        }, iter: 6, threads: 1);
    }

    private static void CheckAgainstReference(string rules, byte[][] frames, int seed)
    {
        {
            var result = RulesCompiler.Compile("random.vmdq", rules);
            Assert.True(result.Model is not null, "Generated rules have errors:\n" + string.Join("\n", result.Diagnostics) + "\n" + rules);
            var reference = new ReferenceClassifier(result.Model!);
            var type = CompilationHarness.CompileDispatcher("random.vmdq", rules);
            var classify = type.GetMethod("Classify", new[] { typeof(ReadOnlySpan<byte>) })!.CreateDelegate<ClassifyFn>();
            var replicas = type.GetMethod("Replicas")!.CreateDelegate<ReplicasFn>();
            var batch = type.GetMethod("ClassifyBatch", new[] { typeof(ReadOnlySpan<byte>), typeof(ReadOnlySpan<FrameSlice>), typeof(Span<Verdict>) })!.CreateDelegate<BatchFn>();
            var arrayBatch = type.GetMethod("ClassifyBatch", new[] { typeof(ReadOnlySpan<byte[]>), typeof(Span<Verdict>) })!.CreateDelegate<ArrayBatchFn>();
            var random = new Random(seed);
            var all = new System.Collections.Generic.List<byte[]>();
            foreach (var frame in frames)
            {
                // Every truncation of the frame.
                for (int length = 0; length <= frame.Length; length++)
                {
                    var cut = frame.AsSpan(0, length).ToArray();
                    all.Add(cut);
                    var v = classify(cut);
                    AssertSame(reference.Classify(cut), v, replicas(v), rules, cut);
                }

                // Random byte mutations.
                for (int m = 0; m < 8; m++)
                {
                    var mutated = (byte[])frame.Clone();
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    all.Add(mutated);
                    var v = classify(mutated);
                    AssertSame(reference.Classify(mutated), v, replicas(v), rules, mutated);
                }
            }
            // Both batch APIs (four frames at a time where vectorized) agree with one-frame Classify.
            var buffer = new byte[all.Sum(f => f.Length) + 7];
            var slices = new FrameSlice[all.Count];
            int at = 3;
            for (int i = 0; i < all.Count; i++)
            {
                all[i].CopyTo(buffer, at);
                slices[i] = new FrameSlice(at, all[i].Length);
                at += all[i].Length;
            }

            var batched = new Verdict[all.Count];
            batch(buffer, slices, batched);
            var arrays = new Verdict[all.Count];
            arrayBatch(all.ToArray(), arrays);
            for (int i = 0; i < all.Count; i++)
            {
                var single = classify(all[i]);
                Assert.True(single == batched[i], $"ClassifyBatch(buffer, slices) gave {batched[i]} but Classify gave {single} for {Convert.ToHexString(all[i])}");
                Assert.True(single == arrays[i], $"ClassifyBatch(frames) gave {arrays[i]} but Classify gave {single} for {Convert.ToHexString(all[i])}");
            }
        }
    }

    [Fact]
    public void RandomRulesFilesCompileWithoutErrors()
    {
        RandomRules.File.Sample(rules =>
        {
            var result = RulesCompiler.Compile("random.vmdq", rules);
            Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics) + "\n" + rules);
            Assert.Contains("->", rules + "->");
        }, iter: 500);
    }
}
