using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Vmdq.Rules;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Fuzz;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// CI's share of the fuzzing (docs/fuzzing.md): every seed of each harness's corpus (fuzz/corpus/HARNESS) and every
/// crash the fuzzer found (fuzz/regressions/HARNESS) goes once through the same harness function afl++ runs, which
/// throws when an invariant breaks.
/// </summary>
public class FuzzCorpusTests
{
    private static readonly string s_root = Path.Combine(AppContext.BaseDirectory, "Fuzz");

    public static IEnumerable<object[]> Inputs() =>
        new[] { "corpus", "regressions" }
            .SelectMany(kind => Harnesses.All.Keys.Select(h => Path.Combine(s_root, kind, h)))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { Path.GetRelativePath(s_root, f).Replace('\\', '/') });

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Harness_holds_its_invariants_on(string input)
    {
        string harness = input.Split('/')[1];
        Harnesses.All[harness](File.ReadAllBytes(Path.Combine(s_root, input)));
    }

    [Fact]
    public void Every_harness_has_seeds_and_every_input_names_a_harness()
    {
        foreach (string harness in Harnesses.All.Keys)
        {
            Assert.True(Directory.EnumerateFiles(Path.Combine(s_root, "corpus", harness)).Count() >= 5, $"fuzz/corpus/{harness} has fewer than 5 seeds");
        }

        foreach (string kind in new[] { "corpus", "regressions" })
        {
            string dir = Path.Combine(s_root, kind);
            if (Directory.Exists(dir))
            {
                Assert.All(Directory.EnumerateDirectories(dir).Select(Path.GetFileName), name => Assert.Contains(name!, Harnesses.All.Keys));
            }
        }
    }

    [Fact]
    public void Seeds_are_valid_inputs_so_the_fuzzer_starts_from_accepted_paths()
    {
        // Rules seeds load, except errors-*.vmdq, which start the fuzzer on the diagnostics' paths.
        foreach (string file in Directory.EnumerateFiles(Path.Combine(s_root, "corpus", "rules")))
        {
            var result = RulesCompiler.Compile(Path.GetFileName(file), File.ReadAllText(file));
            Assert.True(result.HasErrors == Path.GetFileName(file).StartsWith("errors-", StringComparison.Ordinal), $"{file}: {string.Join("; ", result.Diagnostics)}");
        }

        foreach (string file in Directory.EnumerateFiles(Path.Combine(s_root, "corpus", "capture")))
        {
            Assert.NotEmpty(CaptureReader.ReadFile(file).ToList());
        }

        foreach (string file in Directory.EnumerateFiles(Path.Combine(s_root, "corpus", "frame")))
        {
            Assert.InRange(new FileInfo(file).Length, 14, FrameParser.PaddedFrameBytes);
        }
    }

    [Fact]
    public void The_frame_harness_classifies_through_every_rule_kind_of_its_dispatchers()
    {
        // The frame seeds reach VXLAN, NVGRE, VLAN and broadcast/multicast rules of the harness's dispatchers, so the
        // fuzzer starts from frames that take the tables' hit paths, not only the default pool.
        var kinds = new HashSet<RuleKind>();
        int spread = 0;
        foreach (string file in Directory.EnumerateFiles(Path.Combine(s_root, "corpus", "frame")))
        {
            byte[] frame = File.ReadAllBytes(file);
            foreach (var (_, d) in FrameHarness.Dispatchers)
            {
                var v = d.Classify(frame);
                if (v.RuleLine > 0)
                {
                    kinds.Add(v.Kind);
                }

                spread += v.IsSpread ? 1 : 0;
            }
        }

        // ... and an rss pool's (rss.vmdq), so the batches' RSS hash is checked against Classify's from the first input.
        Assert.True(spread > 0, "no seed frame reaches an rss pool");
        Assert.Contains(RuleKind.Vxlan, kinds);
        Assert.Contains(RuleKind.Vlan, kinds);
        Assert.Contains(RuleKind.Broadcast, kinds);
    }
}
