using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Model;
using Vmdq.Rules.Tables;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Engine;

/// <summary>
/// One version of a runtime dispatcher's rules: the checked model, the kernel's tables built from it by
/// the same table builder the generator uses, and the kernel instantiation its rule kinds need.
/// Immutable: a change builds a new snapshot and publishes it with one reference write, so a reader
/// that loads the reference once sees one version for all the frames of its call.
/// </summary>
internal sealed class RulesSnapshot
{
    private RulesSnapshot(RuleSet model, ClassifierTables tables, KernelRunner kernel, long version)
    {
        Model = model;
        L2 = L2Of(model);
        Tables = tables;
        Kernel = kernel;
        Version = version;
    }

    /// <summary>The checked rules.</summary>
    public RuleSet Model { get; }

    /// <summary>The kernel's tables.</summary>
    public ClassifierTables Tables { get; }

    /// <summary>The kernel instantiation for the rule kinds present.</summary>
    public KernelRunner Kernel { get; }

    /// <summary>The switch's L2 forwarding data of these rules.</summary>
    public L2ForwardingTable L2 { get; }

    /// <summary>1 for the loaded file, then one more per accepted change.</summary>
    public long Version { get; }

    /// <summary>Builds the snapshot of <paramref name="model"/>.</summary>
    /// <param name="model">The checked rules.</param>
    /// <param name="version">Its version number.</param>
    /// <param name="redirection">The dispatcher's RSS redirection tables, shared by all its versions (pools are fixed for its life).</param>
    public static RulesSnapshot Build(RuleSet model, long version, RedirectionTables redirection)
    {
        var built = DispatchTables.Build(model);
        ProbeTable Of(TableKind kind) =>
            built.Tables.FirstOrDefault(t => t.Kind == kind) is { } t
                ? new ProbeTable(t.Table.Displacements, t.Table.Keys, t.Table.Verdicts, t.Table.BucketShift, t.Table.Shift)
                : default;
        ulong Group(ResolvedRule? rule) => rule is null ? built.DefaultBits : VerdictBits.Of(rule);
        var tables = built.HasChannels
            ? new ClassifierTables(
                model.VxlanPort, built.ChannelVerdicts, built.ChannelOfSvid,
                Of(TableKind.TunnelInner), Of(TableKind.Tunnel), Of(TableKind.MacVlan), Of(TableKind.Mac), Of(TableKind.Vlan), redirection)
            : new ClassifierTables(
                model.VxlanPort, built.DefaultBits, Group(built.Broadcast), Group(built.Multicast),
                Of(TableKind.TunnelInner), Of(TableKind.Tunnel), Of(TableKind.MacVlan), Of(TableKind.Mac), Of(TableKind.Vlan), redirection);

        bool Has(TableKind kind) => built.Tables.Any(t => t.Kind == kind);
        var depth = (ParseDepth)(byte)model.ParseLevel;
        var kernel = KernelRunner.For(
            Has(TableKind.TunnelInner), Has(TableKind.Tunnel), Has(TableKind.MacVlan), Has(TableKind.Mac), Has(TableKind.Vlan),
            model.Rules.Any(r => r.Kind is MatchKind.Broadcast or MatchKind.Multicast), model.Spreads, depth, built.HasChannels);
        return new RulesSnapshot(model, tables, kernel, version);
    }

    /// <summary>
    /// The switch's L2 forwarding data of <paramref name="model"/>: the same filters and membership, in the same order, as a generated
    /// dispatcher prints (Generator/Plan: <c>Switching.L2Rules</c>, <c>RuleSet.VlanMembers</c>).
    /// </summary>
    public static L2ForwardingTable L2Of(RuleSet model) => new(
        model.L2Rules().Select(r => new L2Filter(
            r.Kind switch { MatchKind.MacVlan => L2FilterKind.MacVlan, MatchKind.Mac => L2FilterKind.Mac, _ => L2FilterKind.Vlan },
            r.Mac, (int)r.Id, r.IsDrop, r.Pool, r.Queue, r.Line)).ToArray(),
        model.VlanMembers.Select(m => new VlanMembership(m.Pool, m.Lo, m.Hi)).ToArray());

    /// <summary>The redirection tables of <paramref name="model"/>'s <c>rss</c> pools, each round robin over its queues.</summary>
    public static RedirectionTables RedirectionOf(RuleSet model) =>
        new(model.Pools.Where(p => p.Rss).Select(p => new RssPool(p.Index, p.FirstQueue, p.LastQueue)));

    /// <summary>The replica lists of this version's broadcast and multicast rules, by rule line.</summary>
    public IEnumerable<KeyValuePair<int, int[]>> GroupReplicas() =>
        Model.Rules
            .Where(r => r.Kind is MatchKind.Broadcast or MatchKind.Multicast)
            .Select(r => new KeyValuePair<int, int[]>(r.Line, r.Replicas.ToArray()));
}
