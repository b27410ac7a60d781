using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Vmdq.Toolkit.Emulator;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// Transmit QoS carried to <see cref="DispatcherInfo"/>: the generated dispatcher and the runtime engine describe the
/// same traffic classes and pool priorities, shares and rates for Snapshots/qos.vmdq, and a NIC built from either
/// schedules the same way.
/// </summary>
public class QosInfoTests
{
    private static readonly string s_rules = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snapshots", "qos.vmdq"));

    private static readonly Lazy<DispatcherInfo> s_generated = new(() =>
        (DispatcherInfo)CompilationHarness.CompileDispatcher("qos.vmdq", s_rules).GetProperty("Info", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);

    private static DispatcherInfo Runtime() => RuntimeDispatcher.Load(s_rules, "qos.vmdq").Dispatcher!.Info;

    [Fact]
    public void The_generated_dispatcher_describes_the_classes_and_pools_as_the_rules_say()
    {
        var info = s_generated.Value;
        Assert.Equal(
            new[]
            {
                new TrafficClassInfo("bulk", 0, false, 40, 0x0F),
                new TrafficClassInfo("storage", 4, false, 60, 0x30),
                new TrafficClassInfo("voice", 6, true, 0, 0xC0),
            },
            info.TrafficClasses);
        Assert.Equal(
            new[] { ("web", 0, 0, 2_500_000_000L), ("storage", 4, 60, 0L), ("backup", 4, 0, 0L), ("voice", 6, 0, 500_000_000L) },
            info.Pools.Select(p => (p.Name, p.Priority, p.BandwidthPercent, p.RateBitsPerSecond)).ToArray());
        Assert.True(info.FindPool(3)!.Rss);
        Assert.NotNull(info.Redirection);
    }

    [Fact]
    public void The_runtime_engine_and_the_generator_agree()
    {
        var generated = s_generated.Value;
        var runtime = Runtime();
        Assert.Equal(generated.TrafficClasses, runtime.TrafficClasses);
        // PoolInfo's MAC and VLAN lists are arrays (compared by reference in record equality): compare them by value.
        Assert.Equal(generated.Pools.Select(Comparable), runtime.Pools.Select(Comparable));
    }

    [Fact]
    public void Nics_built_from_either_put_each_pool_in_the_same_class_with_the_same_weight()
    {
        using var fromGenerated = new NicEmulator(s_generated.Value);
        using var fromRuntime = new NicEmulator(Runtime());
        var a = Assert.IsType<EtsScheduler>(fromGenerated.Scheduler);
        var b = Assert.IsType<EtsScheduler>(fromRuntime.Scheduler);
        var pools = Enumerable.Range(0, 8).ToArray();
        Assert.Equal(new[] { 0, 0, 4, 4, 6, 0, 0, 0 }, pools.Select(a.TrafficClassOf).ToArray());
        Assert.Equal(pools.Select(a.TrafficClassOf), pools.Select(b.TrafficClassOf));

        // Storage asks for 60% of its class; backup, without a share, takes the other 40% (weights in thousandths of a percent).
        Assert.Equal((60_000L, 40_000L), (a.WeightOf(2), a.WeightOf(3)));
        Assert.Equal(pools.Select(a.WeightOf), pools.Select(b.WeightOf));
    }

    private static string Comparable(PoolInfo pool) =>
        (pool with { SourceMacs = null, Vlans = null }) + $" macs [{string.Join(",", pool.SourceMacs ?? [])}] vlans [{string.Join(",", pool.Vlans ?? [])}]";
}
