using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Vmdq.Rules.Model;
using Vmdq.Rules.Tables;

namespace Vmdq.Generator.Plan;

/// <summary>Lowers a resolved rule set to its <see cref="DispatchPlan"/>: builds the tables and decides every probe.</summary>
internal static class DispatchPlanner
{
    /// <summary>Slots are commented one by one (rules-file line and rule) up to this many slots per table.</summary>
    public const int CommentedSlotLimit = 256;

    /// <summary>A table comment lists this many rule lines, then <c>...</c>.</summary>
    private const int ListedLines = 8;

    /// <summary>The plan of <paramref name="model"/>.</summary>
    public static DispatchPlan Lower(RuleSet model, CancellationToken cancellationToken)
    {
        var tables = DispatchTables.Build(model);
        var poolNames = new Dictionary<int, string>();
        foreach (var pool in model.Pools)
        {
            poolNames[pool.Index] = pool.Name;
        }

        string Describe(ResolvedRule rule) => DescribeRule(rule, poolNames);

        var probes = new List<ProbePlan>(tables.Tables.Count);
        foreach (var table in tables.Tables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var t = table.Table;
            var comments = new List<string>();
            if (t.SlotCount <= CommentedSlotLimit)
            {
                var bySlot = new Dictionary<int, string>();
                for (int i = 0; i < table.Rules.Count; i++)
                {
                    bySlot[t.SlotOfEntry[i]] = Describe(table.Rules[i]);
                }

                for (int slot = 0; slot < t.SlotCount; slot++)
                {
                    comments.Add(bySlot.TryGetValue(slot, out var comment) ? comment : "empty");
                }
            }

            probes.Add(new ProbePlan(
                table.Kind,
                Precedence(table.Kind),
                table.Rules.Count,
                Lines(table.Rules),
                t.BucketShift,
                t.Shift,
                t.BucketCount,
                t.SlotCount,
                new EquatableArray<byte>(t.Displacements),
                t.KeySize,
                new EquatableArray<byte>(t.Keys),
                new EquatableArray<byte>(t.Verdicts),
                comments.ToEquatableArray(),
                table.Rules.Count(r => r.Spread)));
        }

        var parse = model.ParseLevel;
        GroupPlan? Group(ResolvedRule? rule) => rule is null ? null : new GroupPlan(Describe(rule), VerdictBits.Of(rule), rule.Replicas);

        return new DispatchPlan(
            System.IO.Path.GetFileName(model.Path),
            model.Namespace,
            model.ClassName,
            model.FullTypeName,
            model.Geometry,
            model.DefaultPool,
            model.DefaultQueue,
            model.VxlanPort,
            model.Rules.Count,
            tables.TableBytes,
            model.Pools,
            parse,
            tables.DefaultBits,
            Group(tables.Broadcast),
            Group(tables.Multicast),
            probes.ToEquatableArray(),
            PoolTransmit.OfAll(model.Pools, model.Rules),
            model.Classes,
            model.Switch,
            model.L2Rules().ToEquatableArray(),
            model.VlanMembers,
            model.Channels,
            new EquatableArray<ulong>(tables.ChannelVerdicts),
            model.HasChannels
                ? model.Rules.Where(r => r.Kind is MatchKind.Broadcast or MatchKind.Multicast && !r.IsDrop)
                    .Select(r => new GroupRulePlan(r.Line, Describe(r), r.Replicas)).ToEquatableArray()
                : default);
    }

    private static string Precedence(TableKind kind) => kind switch
    {
        TableKind.TunnelInner => "1./3. vxlan VNI inner M and nvgre VSID inner M",
        TableKind.Tunnel => "2./4. vxlan VNI and nvgre VSID",
        TableKind.MacVlan => "5. mac M vlan V",
        TableKind.Mac => "6. mac M",
        _ => "7. vlan V",
    };

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Lines(IReadOnlyList<ResolvedRule> rules)
    {
        var lines = rules.Take(ListedLines + 1).Select(r => Num(r.Line)).ToList();
        return lines.Count <= ListedLines ? string.Join(", ", lines) : string.Join(", ", lines.Take(ListedLines)) + ", ...";
    }

    /// <summary>A rule as a comment: <c>line 9: mac 00:1b:21:0a:0b:02 vlan 150 -&gt; storage:0</c>.</summary>
    private static string DescribeRule(ResolvedRule rule, Dictionary<int, string> poolNames)
    {
        string PoolName(int index) => poolNames.TryGetValue(index, out var name) ? name : "pool" + Num(index);
        string target = rule.IsDrop ? "drop"
            : rule.Replicas.Count > 0 ? string.Join(", ", rule.Replicas.Select(PoolName))
            : rule.Spread ? $"{PoolName(rule.Pool)} (queue by RSS)"
            : $"{PoolName(rule.Pool)}:{Num(rule.Queue)}";
        return $"line {Num(rule.Line)}: {rule.Key.Describe()} -> {target}" + (rule.Channel > 0 ? $" (S-channel {Num(rule.Channel)})" : string.Empty);
    }
}
