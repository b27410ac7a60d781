using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>The emulator on a runtime-loaded dispatcher: VMs attach with their filter rules, detach without them, and rules change while traffic flows.</summary>
public class RuntimeRulesTests
{
    private const string Rules = """
        nic pools 8 queues 2 ring 64
        pool web 1
        pool db 2
        pool cache 3
        vlan 150 -> db
        """;

    private static RuntimeDispatcher Load()
    {
        var load = RuntimeDispatcher.Load(Rules, "hosts.vmdq");
        Assert.True(load.Succeeded, string.Join("\n", load.Diagnostics));
        return load.Dispatcher!;
    }

    private static byte[] Frame(int lastOctet) =>
        Convert.FromHexString($"5254000000{lastOctet:x2}" + "0200000000aa" + "0800" + new string('0', 92));

    [Fact]
    public void AttachingAVmAddsItsRulesAndDetachingRemovesThem()
    {
        var rules = Load();
        using var nic = new NicEmulator(rules.Info);
        Assert.Equal(RuleKind.Default, rules.Classify(Frame(7)).Kind);

        var vm = nic.AttachVm("vm7", 3, "mac 52:54:00:00:00:07 -> cache:1\nmac 52:54:00:00:00:08 -> cache");
        Assert.Equal(2, rules.RuntimeRules.Count);
        Assert.Equal(2, nic.ReceiveBurst(new[] { Frame(7), Frame(8) }));
        var burst = new RxDescriptor[8];
        Assert.Equal(2, vm.Poll(burst));
        var seven = burst.Take(2).Single(d => d.Verdict.RuleLine == 6).Verdict;
        Assert.Equal((3, 1), (seven.Pool, seven.Queue));
        Assert.Equal((3, 0), (burst.Take(2).Single(d => d.Verdict.RuleLine == 7).Verdict.Pool, burst.Take(2).Single(d => d.Verdict.RuleLine == 7).Verdict.Queue));
        vm.Release(burst.AsSpan(0, 2));

        nic.DetachVm("vm7");
        Assert.Empty(rules.RuntimeRules);
        Assert.Equal(RuleKind.Default, rules.Classify(Frame(7)).Kind);
    }

    [Fact]
    public void RefusedRulesLeaveTheVmDetached()
    {
        var rules = Load();
        using var nic = new NicEmulator(rules.Info);
        var ex = Assert.Throws<RuleChangeException>(() => nic.AttachVm("vm7", 3, "vlan 150 -> cache"));
        Assert.Equal("VMDQ0004", Assert.Single(ex.Diagnostics).Id);
        Assert.Contains("VMDQ0004", ex.Message, StringComparison.Ordinal);
        Assert.Null(nic.FindVm("vm7"));
        Assert.Empty(rules.RuntimeRules);

        // A pool that already has a VM: not attached, and its rules not added either.
        nic.AttachVm("vm-a", 3);
        Assert.Throws<InvalidOperationException>(() => nic.AttachVm("vm-b", 3, "mac 52:54:00:00:00:09 -> cache"));
        Assert.Empty(rules.RuntimeRules);
    }

    [Fact]
    public void AGeneratedDispatchersRulesCannotBeAttached()
    {
        using var nic = new NicEmulator(Vmdq.Generated.EdgeDispatcher.Info);
        var ex = Assert.Throws<InvalidOperationException>(() => nic.AttachVm("vm", 1, "mac 52:54:00:00:00:09 -> web"));
        Assert.Contains("generated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChurnWhileTrafficFlowsDeliversEveryFrameByTheRulesInForceOrCountsItAsADrop()
    {
        // VMs attach to pools 1-3 with a MAC rule each and detach again while a receive thread sends frames for
        // those MACs and the VMs' threads poll. Every delivered frame must be on the pool its deciding rule
        // targets (the rule was in force when the frame was classified), and at the end every frame is
        // accounted for: delivered, in a ring or dropped, and every buffer is back.
        var rules = Load();
        using var nic = new NicEmulator(rules.Info, new NicOptions { BufferCount = 512 });
        var ruleTargets = new ConcurrentDictionary<int, int>();
        using var stop = new CancellationTokenSource();
        long delivered = 0;
        var wrong = new ConcurrentQueue<string>();

        var traffic = Task.Run(() =>
        {
            var frames = Enumerable.Range(1, 3).Select(Frame).ToArray();
            while (!stop.IsCancellationRequested)
            {
                nic.ReceiveBurst(frames);
            }
        });

        void Drain(VmConsumer vm, int pool)
        {
            var burst = new RxDescriptor[32];
            int n;
            while ((n = vm.Poll(burst)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    var v = burst[i].Verdict;
                    if (v.Kind == RuleKind.Mac && (!ruleTargets.TryGetValue(v.RuleLine, out int target) || target != pool))
                    {
                        wrong.Enqueue($"{v} delivered on pool {pool}");
                    }

                    Interlocked.Increment(ref delivered);
                }

                vm.Release(burst.AsSpan(0, n));
            }
        }

        for (int round = 0; round < 150; round++)
        {
            int pool = 1 + (round % 3);
            string name = $"vm{round}";
            var vm = nic.AttachVm(name, pool, $"mac 52:54:00:00:00:{pool:x2} -> {rules.Info.PoolName(pool)}");
            ruleTargets[rules.RuntimeRules.Max(h => h.Line)] = pool;

            // Let some bursts arrive under this rule (bounded: the machine may be slow), draining as they come.
            long target = nic.Snapshot().Received + 12;
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (nic.Snapshot().Received < target && DateTime.UtcNow < deadline)
            {
                Drain(vm, pool);
                Thread.Yield();
            }

            Drain(vm, pool);

            nic.DetachVm(name);

            // Frames left in the pool's rings after the detach are drained by the next VM on that pool, with the
            // rule line they were classified with.
            var sweeper = nic.AttachVm("sweep", pool);
            Drain(sweeper, pool);
            nic.DetachVm("sweep");
        }

        stop.Cancel();
        await traffic;
        foreach (int pool in new[] { 1, 2, 3, 0 })
        {
            var sweeper = nic.AttachVm("final", pool);
            Drain(sweeper, pool);
            nic.DetachVm("final");
        }

        Assert.True(wrong.IsEmpty, string.Join("\n", wrong.Take(5)));
        var snapshot = nic.Snapshot();
        Assert.True(snapshot.IsBalanced, snapshot.ToString());
        Assert.Equal(0, snapshot.InRings);
        Assert.True(delivered > 0);
        Assert.Empty(rules.RuntimeRules);
        Assert.Equal(1 + 300, rules.Version);
    }
}
