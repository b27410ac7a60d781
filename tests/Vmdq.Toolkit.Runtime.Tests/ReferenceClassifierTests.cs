using System;
using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Model;
using Vmdq.Rules.Reference;
using static Vmdq.Toolkit.Runtime.Tests.TestFrames;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>The reference interpreter follows "Which rule wins" on small hand-built rules files.</summary>
public class ReferenceClassifierTests
{
    private const string Outer = "00:1b:21:0a:0b:01";
    private const string Tenant = "52:54:00:12:34:56";
    private const string Other = "52:54:00:12:34:99";

    // Pools: web 1 (all queues), db 3 (queues 2-3), store 5 (queue 1 only); 4 queues per pool.
    private const string Header = """
        nic pools 8 queues 4
        pool web 1
        pool db 3 queues 2-3
        pool store 5 queues 1-1
        """;

    private static ReferenceClassifier Classifier(params string[] ruleLines)
    {
        string text = Header + "\n" + string.Join("\n", ruleLines) + "\n";
        var result = RulesCompiler.Compile("t.vmdq", text);
        Assert.True(result.Model is not null, "rules do not compile:\n" + string.Join("\n", result.Diagnostics.Select(d => d.ToString())));
        return new ReferenceClassifier(result.Model!);
    }

    /// <summary>The line of <paramref name="ruleIndex"/> in a file built by <see cref="Classifier"/> (the header has 4 lines).</summary>
    private static int LineOf(int ruleIndex) => 5 + ruleIndex;

    private static void AssertVerdict(ReferenceVerdict v, int pool, int queue, MatchKind kind, int line)
    {
        Assert.False(v.IsDrop, v.ToString());
        Assert.Equal((pool, queue, kind, line), (v.Pool, v.Queue, v.Kind, v.RuleLine));
        if (kind is not (MatchKind.Broadcast or MatchKind.Multicast))
        {
            Assert.Empty(v.Replicas);
        }
    }

    [Fact]
    public void VxlanPrecedenceLadder()
    {
        // Every rule matches the frame; removing the winner each time walks down the precedence.
        string[] rules =
        {
            $"vlan 100 -> store",                 // 7
            $"mac {Outer} -> db:3",               // 6
            $"vxlan 5001 inner {Tenant} -> web:2", // 1
            $"mac {Outer} vlan 100 -> db",        // 5
            $"vxlan 5001 -> web",                 // 2
        };
        var frame = Vxlan(Outer, 5001, Tenant, cvid: 100);
        (MatchKind Kind, int Pool, int Queue)[] ladder =
        {
            (MatchKind.VxlanInner, 1, 2), (MatchKind.Vxlan, 1, 0), (MatchKind.MacVlan, 3, 2), (MatchKind.Mac, 3, 3), (MatchKind.Vlan, 5, 1),
        };

        var remaining = rules.ToList();
        foreach (var (kind, pool, queue) in ladder)
        {
            // Removed rules are replaced by comments so that line numbers stay put.
            var lines = rules.Select(r => remaining.Contains(r) ? r : "# removed").ToArray();
            var v = Classifier(lines).Classify(frame);
            int index = Array.FindIndex(lines, r => r != "# removed" && Kind(r) == kind);
            AssertVerdict(v, pool, queue, kind, LineOf(index));
            remaining.Remove(lines[index]);
        }

        var last = Classifier(new[] { "# nothing" }).Classify(frame);
        AssertVerdict(last, 0, 0, MatchKind.None, 0);

        static MatchKind Kind(string rule) =>
            rule.StartsWith("vxlan", StringComparison.Ordinal) ? (rule.Contains("inner") ? MatchKind.VxlanInner : MatchKind.Vxlan)
            : rule.StartsWith("vlan", StringComparison.Ordinal) ? MatchKind.Vlan
            : rule.Contains("vlan") ? MatchKind.MacVlan : MatchKind.Mac;
    }

    [Fact]
    public void NvgrePrecedenceAndInnerMac()
    {
        var frame = Nvgre(Outer, 70001, Tenant, cvid: 100);
        var both = Classifier($"nvgre 70001 -> db", $"nvgre 70001 inner {Tenant} -> web", $"mac {Outer} -> store");
        AssertVerdict(both.Classify(frame), 1, 0, MatchKind.NvgreInner, LineOf(1));

        // A different inner MAC misses the inner rule and takes the VSID rule.
        AssertVerdict(both.Classify(Nvgre(Outer, 70001, Other)), 3, 2, MatchKind.Nvgre, LineOf(0));

        // NVGRE rules rank below VXLAN rules but above every outer L2 rule.
        var withVxlan = Classifier($"nvgre 70001 -> db", $"mac {Outer} vlan 100 -> store");
        AssertVerdict(withVxlan.Classify(frame), 3, 2, MatchKind.Nvgre, LineOf(0));
    }

    [Fact]
    public void TunnelsThatMatchNoTunnelRuleFallThroughToOuterL2Rules()
    {
        var c = Classifier(
            $"vxlan 5001 inner {Tenant} -> web",
            $"nvgre 70001 -> web",
            $"mac {Outer} vlan 100 -> db",
            $"mac {Outer} -> store",
            $"vlan 200 -> db:3");

        // Wrong inner MAC, no plain `vxlan 5001` rule: outer mac+vlan decides.
        AssertVerdict(c.Classify(Vxlan(Outer, 5001, Other, cvid: 100)), 3, 2, MatchKind.MacVlan, LineOf(2));
        // Unknown VNI, untagged: outer mac.
        AssertVerdict(c.Classify(Vxlan(Outer, 6000, Tenant)), 5, 1, MatchKind.Mac, LineOf(3));
        // Unknown VSID, other outer MAC, C-tag 200: vlan.
        AssertVerdict(c.Classify(Nvgre(Other, 70002, Tenant, cvid: 200)), 3, 3, MatchKind.Vlan, LineOf(4));
        // VXLAN on a port that is not the rules file's vxlan-port is no tunnel at all.
        AssertVerdict(c.Classify(Vxlan(Outer, 5001, Tenant, port: 8472)), 5, 1, MatchKind.Mac, LineOf(3));
    }

    [Fact]
    public void VxlanPortComesFromTheRulesFile()
    {
        var result = RulesCompiler.Compile("t.vmdq", Header + "\nvxlan-port 8472\nvxlan 5001 -> db\n");
        var c = new ReferenceClassifier(result.Model!);
        AssertVerdict(c.Classify(Vxlan(Outer, 5001, Tenant, port: 8472)), 3, 2, MatchKind.Vxlan, 6);
        AssertVerdict(c.Classify(Vxlan(Outer, 5001, Tenant, port: 4789)), 0, 0, MatchKind.None, 0);
    }

    [Fact]
    public void BroadcastAndMulticastReplicateToTheirListedPools()
    {
        var c = Classifier("broadcast -> db, web", "multicast -> web, store, db");
        var b = c.Classify(Plain("ff:ff:ff:ff:ff:ff"));
        AssertVerdict(b, 3, 2, MatchKind.Broadcast, LineOf(0));
        Assert.Equal(new[] { 3, 1 }, b.Replicas);

        var m = c.Classify(Plain("01:00:5e:00:00:01"));
        AssertVerdict(m, 1, 0, MatchKind.Multicast, LineOf(1));
        Assert.Equal(new[] { 1, 5, 3 }, m.Replicas);

        // IPv6 multicast (33:33:...) has the group bit too; a unicast frame is neither.
        Assert.Equal(MatchKind.Multicast, c.Classify(Plain("33:33:00:00:00:01")).Kind);
        AssertVerdict(c.Classify(Plain(Outer)), 0, 0, MatchKind.None, 0);

        // The group bit is 0x01 of the first octet only.
        Assert.Equal(MatchKind.None, c.Classify(Plain("02:00:5e:00:00:01")).Kind);
    }

    [Fact]
    public void BroadcastIsNotMulticastAndRanksBelowVlanRules()
    {
        var onlyMulticast = Classifier("multicast -> web");
        AssertVerdict(onlyMulticast.Classify(Plain("ff:ff:ff:ff:ff:ff")), 0, 0, MatchKind.None, 0);

        var c = Classifier("broadcast -> web", "vlan 100 -> db");
        AssertVerdict(c.Classify(Plain("ff:ff:ff:ff:ff:ff", cvid: 100)), 3, 2, MatchKind.Vlan, LineOf(1));
        AssertVerdict(c.Classify(Plain("ff:ff:ff:ff:ff:ff", cvid: 101)), 1, 0, MatchKind.Broadcast, LineOf(0));

        // A runt of 6..13 bytes still has its destination.
        AssertVerdict(c.Classify(Mac("ff:ff:ff:ff:ff:ff")), 1, 0, MatchKind.Broadcast, LineOf(0));
        AssertVerdict(c.Classify(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff }), 0, 0, MatchKind.None, 0);
    }

    [Fact]
    public void DropHasNoPoolQueueOrReplicas()
    {
        var c = Classifier($"mac {Outer} -> drop", "broadcast -> drop", "vlan 100 -> web");
        var v = c.Classify(Plain(Outer, cvid: 100));
        Assert.True(v.IsDrop);
        Assert.Equal((-1, -1, MatchKind.Mac, LineOf(0)), (v.Pool, v.Queue, v.Kind, v.RuleLine));
        Assert.Empty(v.Replicas);

        var b = c.Classify(Plain("ff:ff:ff:ff:ff:ff"));
        Assert.True(b.IsDrop);
        Assert.Equal((-1, -1, MatchKind.Broadcast), (b.Pool, b.Queue, b.Kind));
        Assert.Empty(b.Replicas);

        // A drop decides only for its own match.
        AssertVerdict(c.Classify(Plain(Other, cvid: 100)), 1, 0, MatchKind.Vlan, LineOf(2));
    }

    [Fact]
    public void QueueIsTheExplicitOneOrThePoolsFirstAllowedQueue()
    {
        var c = Classifier($"mac {Outer} -> db", $"mac {Other} -> db:3", $"mac {Tenant} -> web", "vlan 7 -> web:3", "vlan 8 -> store");
        AssertVerdict(c.Classify(Plain(Outer)), 3, 2, MatchKind.Mac, LineOf(0));
        AssertVerdict(c.Classify(Plain(Other)), 3, 3, MatchKind.Mac, LineOf(1));
        AssertVerdict(c.Classify(Plain(Tenant)), 1, 0, MatchKind.Mac, LineOf(2));
        AssertVerdict(c.Classify(Plain("02:00:00:00:00:01", cvid: 7)), 1, 3, MatchKind.Vlan, LineOf(3));
        AssertVerdict(c.Classify(Plain("02:00:00:00:00:01", cvid: 8)), 5, 1, MatchKind.Vlan, LineOf(4));
    }

    [Fact]
    public void DefaultPoolAndItsFirstAllowedQueue()
    {
        var named = RulesCompiler.Compile("t.vmdq", Header + "\ndefault-pool db\n").Model!;
        var v = new ReferenceClassifier(named).Classify(Plain(Outer));
        AssertVerdict(v, 3, 2, MatchKind.None, 0);

        var byIndex = RulesCompiler.Compile("t.vmdq", Header + "\ndefault-pool 5\n").Model!;
        AssertVerdict(new ReferenceClassifier(byIndex).Classify(Plain(Outer)), 5, 1, MatchKind.None, 0);

        // Without default-pool: pool 0, and pool 0's first allowed queue when it is declared narrowed.
        var implicitZero = RulesCompiler.Compile("t.vmdq", "nic pools 4 queues 4\npool zero 0 queues 3-3\n").Model!;
        AssertVerdict(new ReferenceClassifier(implicitZero).Classify(Plain(Outer)), 0, 3, MatchKind.None, 0);
        AssertVerdict(new ReferenceClassifier(implicitZero).Classify(Array.Empty<byte>()), 0, 3, MatchKind.None, 0);
    }

    [Fact]
    public void AbsentFieldsNeverMatchRulesOnZero()
    {
        // vlan 0 / vxlan 0 / nvgre 0 must not match frames that have no C-tag or no tunnel.
        var c = Classifier("vlan 0 -> web", "vxlan 0 -> db", "nvgre 0 -> store", "mac 00:00:00:00:00:00 -> db:3");
        AssertVerdict(c.Classify(Plain(Outer)), 0, 0, MatchKind.None, 0);
        AssertVerdict(c.Classify(new byte[5]), 0, 0, MatchKind.None, 0);
        AssertVerdict(c.Classify(Plain(Outer, cvid: 0)), 1, 0, MatchKind.Vlan, LineOf(0));
        AssertVerdict(c.Classify(Vxlan(Outer, 0, Tenant)), 3, 2, MatchKind.Vxlan, LineOf(1));
        AssertVerdict(c.Classify(Nvgre(Outer, 0, Tenant)), 5, 1, MatchKind.Nvgre, LineOf(2));
        AssertVerdict(c.Classify(new byte[6]), 3, 3, MatchKind.Mac, LineOf(3));
    }

    [Fact]
    public void VlanRulesMatchTheCTagNotTheSTag()
    {
        var c = Classifier("vlan 30 -> web", "vlan 100 -> db");
        var qinq = Ethernet(Outer, 0x0800, Ipv4(6, new byte[20]), (0x88A8, 30), (0x8100, 100));
        AssertVerdict(c.Classify(qinq), 3, 2, MatchKind.Vlan, LineOf(1));
        var sOnly = Ethernet(Outer, 0x0800, Ipv4(6, new byte[20]), (0x88A8, 30));
        AssertVerdict(c.Classify(sOnly), 0, 0, MatchKind.None, 0);
    }

    [Fact]
    public void VerdictsCompareByValueIncludingReplicas()
    {
        var c = Classifier("broadcast -> db, web");
        Assert.Equal(c.Classify(Plain("ff:ff:ff:ff:ff:ff")), c.Classify(Mac("ff:ff:ff:ff:ff:ff")));
    }
}
