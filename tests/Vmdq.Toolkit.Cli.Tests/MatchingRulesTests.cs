using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>
/// <see cref="RuntimeDispatcher.MatchingRules"/>, which <c>vmdq explain</c> lists the losing rules from, against the
/// dispatcher's kernel: its first rule is <see cref="RuntimeDispatcher.Classify(System.ReadOnlySpan{byte})"/>'s
/// verdict, and it holds exactly the rules that decide the frame when they are the only rule in the file.
/// </summary>
public sealed class MatchingRulesTests
{
    private static readonly string[] s_ruleKeywords = ["mac", "vlan", "vxlan", "nvgre", "broadcast", "multicast"];

    /// <summary>Structured frames and every prefix length of some, so truncated headers occur often.</summary>
    private static readonly Gen<byte[]> s_frames = Gen.Select(RandomRules.Frame, Gen.Int[0, 100], Gen.Int[0, int.MaxValue])
        .Select(t => t.Item2 < 30 ? t.Item1[..(t.Item3 % (t.Item1.Length + 1))] : t.Item1);

    [Fact]
    public void The_first_matching_rule_is_the_dispatchers_verdict_and_the_rest_follow_by_precedence()
    {
        Gen.Select(RandomRules.File, s_frames.Array[1, 40]).Sample(t =>
        {
            var dispatcher = RuntimeDispatcher.Load(t.Item1).Dispatcher!;
            foreach (byte[] frame in t.Item2)
            {
                Verdict verdict = dispatcher.Classify(frame);
                var matching = dispatcher.MatchingRules(dispatcher.Parse(frame));
                // An rss pool's queue comes from the frame's hash (its addresses and ports), which the fields do
                // not carry: the rule and pool must agree, and the queue when the verdict is not spread.
                Verdict first = matching.Count == 0 ? dispatcher.Classify(default(FrameFields)) : matching[0];
                Assert.Equal(Decision(verdict), Decision(first));
                Assert.Equal(verdict.IsSpread, first.IsSpread);
                Assert.Equal(verdict.IsDefault, matching.Count == 0);
                for (int i = 1; i < matching.Count; i++)
                {
                    Assert.True(Precedence(matching[i - 1]) <= Precedence(matching[i]), $"{matching[i - 1]} before {matching[i]}");
                }

                Assert.Equal(matching.Count, matching.Select(v => v.RuleLine).Distinct().Count());
            }
        }, iter: 300);
    }

    /// <summary>What a verdict decides, without the queue when RSS picked it.</summary>
    private static (int Pool, int Queue, bool Drop, int Line, RuleKind Kind) Decision(Verdict v) =>
        (v.Pool, v.IsSpread ? -1 : v.Queue, v.IsDrop, v.RuleLine, v.Kind);

    [Fact]
    public void A_rule_is_listed_exactly_when_it_alone_would_decide_the_frame()
    {
        // The kernel is the oracle: a file reduced to one of its rules (the others blanked, so lines keep their
        // numbers) decides a frame by that rule exactly when the rule matches the frame.
        Gen.Select(RandomRules.File, s_frames.Array[1, 20]).Sample(t =>
        {
            string[] lines = t.Item1.Split('\n');
            var dispatcher = RuntimeDispatcher.Load(t.Item1).Dispatcher!;
            var alone = new Dictionary<int, RuntimeDispatcher>();
            for (int i = 0; i < lines.Length; i++)
            {
                if (s_ruleKeywords.Contains(lines[i].Split(' ')[0]))
                {
                    var only = lines.Select((l, j) => j == i || !s_ruleKeywords.Contains(l.Split(' ')[0]) ? l : string.Empty);
                    alone[i + 1] = RuntimeDispatcher.Load(string.Join('\n', only)).Dispatcher!;
                }
            }

            foreach (byte[] frame in t.Item2)
            {
                var listed = dispatcher.MatchingRules(dispatcher.Parse(frame)).Select(v => v.RuleLine).ToHashSet();
                foreach (var (line, single) in alone)
                {
                    // RandomRules writes no duplicates, so every rule line is in the full dispatcher's model.
                    Assert.True(listed.Contains(line) == (single.Classify(frame).RuleLine == line), $"line {line} '{lines[line - 1]}': listed {listed.Contains(line)}");
                }
            }
        }, iter: 60);
    }

    /// <summary>Broadcast and multicast share the spec's 8th place.</summary>
    private static int Precedence(Verdict v) => v.Kind == RuleKind.Multicast ? (int)RuleKind.Broadcast : (int)v.Kind;
}
