using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Vmdq.Rules.Analysis;
using Vmdq.Rules.Model;
using Vmdq.Rules.Tables;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Engine;

/// <summary>
/// One version of a runtime dispatcher's rules: the rules in force, the kernel's tables built from them by
/// the same table builder the generator uses, and the kernel instantiation their rule kinds need.
/// Immutable: a change builds a new snapshot and publishes it with one reference write, so a reader
/// that loads the reference once sees one version for all the frames of its call. A snapshot built by
/// <see cref="Next"/> shares the tables of the kinds the change left alone with the one before it, and
/// builds its model (<see cref="Model"/>, for explanations and the emulator's pool data) when first asked.
/// </summary>
internal sealed class RulesSnapshot
{
    private static readonly TableKind[] s_kinds = { TableKind.TunnelInner, TableKind.Tunnel, TableKind.MacVlan, TableKind.Mac, TableKind.Vlan };

    private readonly Lazy<RuleSet> _model;
    private readonly Lazy<L2ForwardingTable> _l2;
    private readonly State _state;

    private RulesSnapshot(Lazy<RuleSet> model, State state, ClassifierTables tables, KernelRunner kernel, long version)
    {
        _model = model;
        _l2 = new Lazy<L2ForwardingTable>(() => L2Of(model.Value), LazyThreadSafetyMode.ExecutionAndPublication);
        _state = state;
        Tables = tables;
        Kernel = kernel;
        Version = version;
    }

    /// <summary>The checked rules (built on first use for a version a change made).</summary>
    public RuleSet Model => _model.Value;

    /// <summary>The kernel's tables.</summary>
    public ClassifierTables Tables { get; }

    /// <summary>The kernel instantiation for the rule kinds present.</summary>
    public KernelRunner Kernel { get; }

    /// <summary>The switch's L2 forwarding data of these rules (built on first use).</summary>
    public L2ForwardingTable L2 => _l2.Value;

    /// <summary>1 for the loaded file, then one more per accepted change.</summary>
    public long Version { get; }

    /// <summary>Rules in force.</summary>
    public int RuleCount => _state.All.Count;

    /// <summary>The UDP port that carries VXLAN.</summary>
    public int VxlanPort => _state.Base.VxlanPort;

    /// <summary>Builds the snapshot of <paramref name="model"/>.</summary>
    /// <param name="model">The checked rules.</param>
    /// <param name="version">Its version number.</param>
    /// <param name="redirection">The dispatcher's RSS redirection tables, shared by all its versions (pools are fixed for its life).</param>
    /// <param name="template">Builds the model of later versions (null when no later version is built from this one).</param>
    public static RulesSnapshot Build(RuleSet model, long version, RedirectionTables redirection, RuleSetTemplate? template = null)
    {
        var built = DispatchTables.Build(model);
        if (built.HasChannels)
        {
            return WithChannels(model, built, version, redirection);
        }

        var byTable = new ImmutableSortedDictionary<int, ResolvedRule>[s_kinds.Length];
        var probes = new ProbeTable[s_kinds.Length];
        var growable = new GrowableTable?[s_kinds.Length];
        for (int k = 0; k < s_kinds.Length; k++)
        {
            byTable[k] = ImmutableSortedDictionary<int, ResolvedRule>.Empty;
            if (built.Tables.FirstOrDefault(t => t.Kind == s_kinds[k]) is { } t)
            {
                byTable[k] = t.Rules.ToImmutableSortedDictionary(r => r.Line, r => r);
                probes[k] = ProbeOf(t.Table);
                if (template is not null)
                {
                    growable[k] = GrowableTable.Of(t.Table, t.Rules.Select(EntryOf).ToList(), version);
                }
            }
        }

        var kinds = new int[(int)MatchKind.Multicast + 1];
        int spread = 0;
        foreach (var rule in model.Rules)
        {
            kinds[(int)rule.Kind]++;
            spread += rule.Spread ? 1 : 0;
        }

        var state = new State(
            model, template, built.DefaultBits, model.Rules.ToImmutableSortedDictionary(r => r.Line, r => r), byTable, probes, growable,
            built.Broadcast, built.Multicast, kinds, spread);
        return Create(new Lazy<RuleSet>(model), state, redirection, version);
    }

    /// <summary>
    /// The snapshot of a file with S-channels: every key holds the rule's channel and the constant verdicts are per channel, so
    /// its tables come whole from <see cref="DispatchTables.Build"/>. Such a file's changes take the full path (the incremental
    /// state covers files without channels: <see cref="IncrementalRules.Create"/>), so this snapshot has no template and no
    /// growable tables.
    /// </summary>
    private static RulesSnapshot WithChannels(RuleSet model, DispatchTables built, long version, RedirectionTables redirection)
    {
        var byTable = new ImmutableSortedDictionary<int, ResolvedRule>[s_kinds.Length];
        var probes = new ProbeTable[s_kinds.Length];
        for (int k = 0; k < s_kinds.Length; k++)
        {
            byTable[k] = ImmutableSortedDictionary<int, ResolvedRule>.Empty;
            if (built.Tables.FirstOrDefault(t => t.Kind == s_kinds[k]) is { } t)
            {
                byTable[k] = t.Rules.ToImmutableSortedDictionary(r => r.Line, r => r);
                probes[k] = ProbeOf(t.Table);
            }
        }

        var kinds = new int[(int)MatchKind.Multicast + 1];
        int spread = 0;
        foreach (var rule in model.Rules)
        {
            kinds[(int)rule.Kind]++;
            spread += rule.Spread ? 1 : 0;
        }

        var tables = new ClassifierTables(model.VxlanPort, built.ChannelVerdicts, built.ChannelOfSvid, probes[0], probes[1], probes[2], probes[3], probes[4], redirection);
        var kernel = KernelRunner.For(
            byTable[0].Count > 0, byTable[1].Count > 0, byTable[2].Count > 0, byTable[3].Count > 0, byTable[4].Count > 0,
            model.Rules.Any(r => r.Kind is MatchKind.Broadcast or MatchKind.Multicast), model.Spreads, (ParseDepth)(byte)model.ParseLevel, channels: true);
        var state = new State(
            model, null, built.DefaultBits, model.Rules.ToImmutableSortedDictionary(r => r.Line, r => r), byTable, probes, new GrowableTable?[s_kinds.Length],
            built.Broadcast, built.Multicast, kinds, spread);
        return new RulesSnapshot(new Lazy<RuleSet>(model), state, tables, kernel, version);
    }

    /// <summary>
    /// The snapshot after a change: <paramref name="previous"/> without the rules <paramref name="left"/> and with those
    /// <paramref name="entered"/>. Only the tables of the kinds they touch are rebuilt; the others are shared.
    /// </summary>
    public static RulesSnapshot Next(RulesSnapshot previous, IReadOnlyList<ResolvedRule> left, IReadOnlyList<ResolvedRule> entered, long version, RedirectionTables redirection)
    {
        var old = previous._state;
        var template = old.Template ?? throw new InvalidOperationException("This snapshot has no template for later versions.");
        var all = old.All.ToBuilder();
        var byTable = (ImmutableSortedDictionary<int, ResolvedRule>[])old.ByTable.Clone();
        var probes = (ProbeTable[])old.Probes.Clone();
        var growable = (GrowableTable?[])old.Growable.Clone();
        var removedEntries = new List<TableEntry>[s_kinds.Length];
        var addedEntries = new List<TableEntry>[s_kinds.Length];
        var kinds = (int[])old.Kinds.Clone();
        int spread = old.Spread;
        var broadcast = old.Broadcast;
        var multicast = old.Multicast;
        var dirty = new bool[s_kinds.Length];
        foreach (var rule in left)
        {
            all.Remove(rule.Line);
            kinds[(int)rule.Kind]--;
            spread -= rule.Spread ? 1 : 0;
            if (rule.Kind == MatchKind.Broadcast)
            {
                broadcast = null;
            }
            else if (rule.Kind == MatchKind.Multicast)
            {
                multicast = null;
            }
            else
            {
                int k = Array.IndexOf(s_kinds, DispatchTables.TableOf(rule.Kind));
                byTable[k] = byTable[k].Remove(rule.Line);
                (removedEntries[k] ??= new List<TableEntry>()).Add(EntryOf(rule));
                dirty[k] = true;
            }
        }

        foreach (var rule in entered)
        {
            all.Add(rule.Line, rule);
            kinds[(int)rule.Kind]++;
            spread += rule.Spread ? 1 : 0;
            if (rule.Kind == MatchKind.Broadcast)
            {
                broadcast = rule;
            }
            else if (rule.Kind == MatchKind.Multicast)
            {
                multicast = rule;
            }
            else
            {
                int k = Array.IndexOf(s_kinds, DispatchTables.TableOf(rule.Kind));
                byTable[k] = byTable[k].Add(rule.Line, rule);
                (addedEntries[k] ??= new List<TableEntry>()).Add(EntryOf(rule));
                dirty[k] = true;
            }
        }

        for (int k = 0; k < s_kinds.Length; k++)
        {
            if (!dirty[k])
            {
                continue;
            }

            if (byTable[k].Count == 0)
            {
                probes[k] = default;
                growable[k] = null;
                continue;
            }

            // Inserted into and removed from the table in place (in copies of its arrays) when it has room; else rebuilt by the
            // table builder from its input as DispatchTables.Build gives it: the kind's rules in line order.
            var table = growable[k];
            if (table is null || table.Version != previous.Version
                || !table.TryUpdate(removedEntries[k] ?? new List<TableEntry>(), addedEntries[k] ?? new List<TableEntry>(), version))
            {
                table = GrowableTable.Build(byTable[k].Values.Select(EntryOf).ToList(), wide: s_kinds[k] == TableKind.TunnelInner, version);
            }

            growable[k] = table;
            probes[k] = table.Probe;
        }

        var rules = all.ToImmutable();
        var state = new State(old.Base, template, old.DefaultBits, rules, byTable, probes, growable, broadcast, multicast, kinds, spread);
        var model = new Lazy<RuleSet>(() => template.With(rules.Values.ToList()), LazyThreadSafetyMode.ExecutionAndPublication);
        return Create(model, state, redirection, version);
    }

    private static RulesSnapshot Create(Lazy<RuleSet> model, State state, RedirectionTables redirection, long version)
    {
        ulong Group(ResolvedRule? rule) => rule is null ? state.DefaultBits : VerdictBits.Of(rule);
        var p = state.Probes;
        var tables = new ClassifierTables(
            state.Base.VxlanPort, state.DefaultBits, Group(state.Broadcast), Group(state.Multicast), p[0], p[1], p[2], p[3], p[4], redirection);

        bool Has(int k) => state.ByTable[k].Count > 0;
        var level = ParseLevel.Dst;
        for (int kind = 0; kind < state.Kinds.Length; kind++)
        {
            if (state.Kinds[kind] > 0 && ParseLevels.Of((MatchKind)kind) > level)
            {
                level = ParseLevels.Of((MatchKind)kind);
            }
        }

        var kernel = KernelRunner.For(
            Has(0), Has(1), Has(2), Has(3), Has(4),
            state.Broadcast is not null || state.Multicast is not null, state.Base.DefaultSpreads || state.Spread > 0, (ParseDepth)(byte)level);
        return new RulesSnapshot(model, state, tables, kernel, version);
    }

    private static TableEntry EntryOf(ResolvedRule rule)
    {
        var (key, extra) = DispatchTables.KeyOf(rule);
        return new TableEntry(key, extra, VerdictBits.Of(rule), rule.Line);
    }

    private static ProbeTable ProbeOf(PerfectHashTable t) => new(t.Displacements, t.Keys, t.Verdicts, t.BucketShift, t.Shift);

    /// <summary>
    /// The switch's L2 forwarding data of <paramref name="model"/>: the same filters and membership, in the same order, as a generated
    /// dispatcher prints (Generator/Plan: <c>Switching.L2Rules</c>, <c>RuleSet.VlanMembers</c>).
    /// </summary>
    public static L2ForwardingTable L2Of(RuleSet model)
    {
        var channelOf = model.Pools.ToDictionary(p => p.Index, p => p.Channel);
        return new(
            model.L2Rules().Select(r => new L2Filter(
                r.Kind switch { MatchKind.MacVlan => L2FilterKind.MacVlan, MatchKind.Mac => L2FilterKind.Mac, _ => L2FilterKind.Vlan },
                r.Mac, (int)r.Id, r.IsDrop, r.Pool, r.Queue, r.Line) { Channel = r.Channel }).ToArray(),
            model.VlanMembers.Select(m => new VlanMembership(m.Pool, m.Lo, m.Hi) { Channel = channelOf.GetValueOrDefault(m.Pool) }).ToArray(),
            model.Channels.Select(c => new L2Channel(c.Index, c.Svid, ModeOf(c.Mode))).ToArray());
    }

    /// <summary>The public <see cref="SwitchMode"/> of a channel's mode.</summary>
    public static SwitchMode ModeOf(SwitchKind mode) => mode switch { SwitchKind.Vepa => SwitchMode.Vepa, SwitchKind.Vsi => SwitchMode.Vsi, _ => SwitchMode.Veb };

    /// <summary>The redirection tables of <paramref name="model"/>'s <c>rss</c> pools, each round robin over its queues.</summary>
    public static RedirectionTables RedirectionOf(RuleSet model) =>
        new(model.Pools.Where(p => p.Rss).Select(p => new RssPool(p.Index, p.FirstQueue, p.LastQueue)));

    /// <summary>The replica lists of this version's broadcast and multicast rules, by rule line.</summary>
    /// <remarks>With S-channels a file has a broadcast and a multicast rule per channel: every group rule of the model then.</remarks>
    public IEnumerable<KeyValuePair<int, int[]>> GroupReplicas() =>
        (_state.Base.Channels.Count > 0
            ? _state.All.Values.Where(r => r.Kind is MatchKind.Broadcast or MatchKind.Multicast)
            : new[] { _state.Broadcast, _state.Multicast }.Where(r => r is not null).Select(r => r!))
            .Select(r => new KeyValuePair<int, int[]>(r.Line, r.Replicas.ToArray()));

    /// <summary>The rules of one version, by line and by table, with the tables built from them.</summary>
    private sealed record State(
        RuleSet Base, RuleSetTemplate? Template, ulong DefaultBits, ImmutableSortedDictionary<int, ResolvedRule> All,
        ImmutableSortedDictionary<int, ResolvedRule>[] ByTable, ProbeTable[] Probes, GrowableTable?[] Growable, ResolvedRule? Broadcast, ResolvedRule? Multicast,
        int[] Kinds, int Spread);
}
