using System;
using System.Reflection;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;
using static Vmdq.Toolkit.Generator.Tests.Infrastructure.Frames;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>The generated dispatcher of the spec's example, compiled and run on hand-built frames.</summary>
public class DispatcherTests
{
    private delegate Verdict ClassifyFn(ReadOnlySpan<byte> frame);

    private delegate ReadOnlySpan<int> ReplicasFn(Verdict verdict);

    private static readonly Type s_dispatcher = CompilationHarness.CompileDispatcher("spec.vmdq", SpecExample.Text);
    private static readonly ClassifyFn s_classify = s_dispatcher.GetMethod("Classify", new[] { typeof(ReadOnlySpan<byte>) })!.CreateDelegate<ClassifyFn>();
    private static readonly ReplicasFn s_replicas = s_dispatcher.GetMethod("Replicas")!.CreateDelegate<ReplicasFn>();

    private static void AssertVerdict(byte[] frame, int pool, int queue, int line, RuleKind kind, bool drop = false)
    {
        var v = s_classify(frame);
        Assert.Equal((pool, queue, drop, line, kind), (v.Pool, v.Queue, v.IsDrop, v.RuleLine, v.Kind));
    }

    [Fact]
    public void TheDispatcherIsNamedByTheRulesFile()
    {
        Assert.Equal("Contoso.Fabric.TenantDispatcher", s_dispatcher.FullName);
        Assert.Equal(64, s_dispatcher.GetField("PoolCount")!.GetValue(null));
        Assert.Equal(4, s_dispatcher.GetField("QueuesPerPool")!.GetValue(null));
        Assert.Equal(1024, s_dispatcher.GetField("RingSize")!.GetValue(null));
    }

    [Fact]
    public void MacRuleSendsToItsPoolsFirstQueue() =>
        AssertVerdict(Ethernet("00:1b:21:0a:0b:01", 0x0800), 1, 0, 14, RuleKind.Mac);

    [Fact]
    public void MacVlanRuleNeedsTheCTag()
    {
        AssertVerdict(Ethernet("00:1b:21:0a:0b:02", 0x0800, null, (0x8100, 150)), 2, 0, 15, RuleKind.MacVlan);
        AssertVerdict(Ethernet("00:1b:21:0a:0b:02", 0x0800, null, (0x8100, 151)), 0, 0, 0, RuleKind.Default);
        // An S-tag's VID is not the 'vlan' of a rule.
        AssertVerdict(Ethernet("00:1b:21:0a:0b:02", 0x0800, null, (0x88A8, 150)), 0, 0, 0, RuleKind.Default);
        AssertVerdict(Ethernet("00:1b:21:0a:0b:02", 0x0800, null, (0x88A8, 7), (0x8100, 150)), 2, 0, 15, RuleKind.MacVlan);
    }

    [Fact]
    public void VlanRuleUsesThePoolsFirstAllowedQueue() =>
        AssertVerdict(Ethernet("00:00:00:00:00:01", 0x0800, null, (0x8100, 250)), 3, 2, 16, RuleKind.Vlan);

    [Fact]
    public void VxlanInnerWinsOverVxlanWhichWinsOverOuterRules()
    {
        var outer = "00:1b:21:0a:0b:01";
        AssertVerdict(Ethernet(outer, 0x0800, Vxlan(5001, Inner("52:54:00:12:34:56"))), 1, 2, 18, RuleKind.VxlanInner);
        AssertVerdict(Ethernet(outer, 0x0800, Vxlan(5001, Inner("52:54:00:12:34:99"))), 1, 0, 17, RuleKind.Vxlan);
        // No tunnel rule for VNI 5002: falls through to the outer mac rule.
        AssertVerdict(Ethernet(outer, 0x0800, Vxlan(5002, Inner("52:54:00:12:34:56"))), 1, 0, 14, RuleKind.Mac);
        // Another UDP port is not VXLAN.
        AssertVerdict(Ethernet("00:00:00:00:00:02", 0x0800, Vxlan(5001, Inner("52:54:00:12:34:56"), port: 8472)), 0, 0, 0, RuleKind.Default);
    }

    [Fact]
    public void NvgreInnerAndNvgre()
    {
        AssertVerdict(Ethernet("00:00:00:00:00:03", 0x0800, Nvgre(70001, Inner("52:54:00:12:34:57"))), 2, 0, 20, RuleKind.NvgreInner);
        AssertVerdict(Ethernet("00:00:00:00:00:03", 0x0800, Nvgre(70001, Inner("52:54:00:12:34:58"))), 2, 0, 19, RuleKind.Nvgre);
    }

    [Fact]
    public void DropRule() => AssertVerdict(Ethernet("00:1b:21:0a:0b:66", 0x0800), -1, -1, 21, RuleKind.Mac, drop: true);

    [Fact]
    public void BroadcastReplicatesToEveryListedPool()
    {
        var v = s_classify(Ethernet("ff:ff:ff:ff:ff:ff", 0x0806));
        Assert.Equal((1, 0, 22, RuleKind.Broadcast), (v.Pool, v.Queue, v.RuleLine, v.Kind));
        Assert.Equal(new[] { 1, 2 }, s_replicas(v).ToArray());
        Assert.True(s_replicas(s_classify(Ethernet("00:1b:21:0a:0b:01", 0x0800))).IsEmpty);
    }

    [Fact]
    public void MulticastWithoutARuleGoesToTheDefaultPool() =>
        AssertVerdict(Ethernet("01:00:5e:00:00:01", 0x0800), 0, 0, 0, RuleKind.Default);

    [Fact]
    public void EveryTruncationOfEveryFrameGetsAVerdict()
    {
        var frames = new[]
        {
            Ethernet("00:1b:21:0a:0b:01", 0x0800, Vxlan(5001, Inner("52:54:00:12:34:56"))),
            Ethernet("00:00:00:00:00:03", 0x0800, Nvgre(70001, Inner("52:54:00:12:34:57")), (0x88A8, 1), (0x8100, 250)),
        };
        foreach (var frame in frames)
        {
            for (int length = 0; length <= frame.Length; length++)
            {
                var v = s_classify(frame.AsSpan(0, length));
                Assert.True(v.IsDrop || v.Pool is >= 0 and < 64, $"length {length}: {v}");
            }
        }

        AssertVerdict(Array.Empty<byte>(), 0, 0, 0, RuleKind.Default);
        // The inner MAC is cut off: the VNI alone decides.
        var cut = frames[0].AsSpan(0, 14 + 20 + 8 + 8 + 5).ToArray();
        AssertVerdict(cut, 1, 0, 17, RuleKind.Vxlan);
    }
}
