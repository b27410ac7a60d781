using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Tables;

/// <summary>
/// The lookup tables of a dispatcher. VXLAN and NVGRE rules share tables (a frame is never both, and
/// a tunnel-type bit in the key keeps their identifiers apart), so a frame is looked up five times,
/// not seven.
/// </summary>
internal enum TableKind
{
    /// <summary><c>vxlan VNI inner M</c> and <c>nvgre VSID inner M</c>: key inner MAC | type bit 48, extra VNI/VSID.</summary>
    TunnelInner,
    /// <summary><c>vxlan VNI</c> and <c>nvgre VSID</c>: key VNI/VSID | type bit 24.</summary>
    Tunnel,
    /// <summary><c>mac M vlan V</c>: key MAC | VLAN at bit 48.</summary>
    MacVlan,
    /// <summary><c>mac M</c>: key MAC.</summary>
    Mac,
    /// <summary><c>vlan V</c>: key VLAN.</summary>
    Vlan,
}

/// <summary>One non-empty table of a dispatcher: its kind, its rules and the built perfect hash.</summary>
/// <param name="Kind">What it holds.</param>
/// <param name="Rules">Its rules, in file order (index = entry index of <see cref="Table"/>).</param>
/// <param name="Table">The perfect-hash table.</param>
internal sealed record KindTable(TableKind Kind, IReadOnlyList<ResolvedRule> Rules, PerfectHashTable Table);

/// <summary>Everything the emitter writes as data: the tables and the constant verdicts.</summary>
internal sealed class DispatchTables
{
    /// <summary>Bit of a tunnel-inner key that marks NVGRE (above the 48-bit MAC).</summary>
    public const int InnerTypeBit = VerdictBits.InnerTypeBit;

    /// <summary>Bit of a tunnel key that marks NVGRE (above the 24-bit VNI/VSID).</summary>
    public const int TunnelTypeBit = VerdictBits.TunnelTypeBit;

    private DispatchTables(IReadOnlyList<KindTable> tables, ulong defaultBits, ResolvedRule? broadcast, ResolvedRule? multicast)
    {
        Tables = tables;
        DefaultBits = defaultBits;
        Broadcast = broadcast;
        Multicast = multicast;
    }

    /// <summary>The non-empty tables, highest precedence first.</summary>
    public IReadOnlyList<KindTable> Tables { get; }

    /// <summary>The default pool's verdict bits.</summary>
    public ulong DefaultBits { get; }

    /// <summary>The broadcast rule, if any.</summary>
    public ResolvedRule? Broadcast { get; }

    /// <summary>The multicast rule, if any.</summary>
    public ResolvedRule? Multicast { get; }

    /// <summary>Total bytes of table data (displacements, keys and verdicts).</summary>
    public long TableBytes => Tables.Sum(t => t.Table.Bytes);

    /// <summary>The table a rule of <paramref name="kind"/> lives in.</summary>
    public static TableKind TableOf(MatchKind kind) => kind switch
    {
        MatchKind.VxlanInner or MatchKind.NvgreInner => TableKind.TunnelInner,
        MatchKind.Vxlan or MatchKind.Nvgre => TableKind.Tunnel,
        MatchKind.MacVlan => TableKind.MacVlan,
        MatchKind.Mac => TableKind.Mac,
        _ => TableKind.Vlan,
    };

    /// <summary>The key and extra bits a rule is stored under (and a frame is looked up with).</summary>
    public static (ulong Key, ulong Extra) KeyOf(ResolvedRule rule) => rule.Kind switch
    {
        MatchKind.VxlanInner => (rule.Mac, rule.Id),
        MatchKind.NvgreInner => (rule.Mac | (1UL << InnerTypeBit), rule.Id),
        MatchKind.Vxlan => (rule.Id, 0),
        MatchKind.Nvgre => (rule.Id | (1UL << TunnelTypeBit), 0),
        MatchKind.MacVlan => (rule.Mac | ((ulong)rule.Id << VerdictBits.MacVlanShift), 0),
        MatchKind.Mac => (rule.Mac, 0),
        _ => (rule.Id, 0),
    };

    /// <summary>Builds the tables of <paramref name="rules"/>.</summary>
    public static DispatchTables Build(RuleSet rules)
    {
        var tables = new List<KindTable>();
        foreach (var kind in new[] { TableKind.TunnelInner, TableKind.Tunnel, TableKind.MacVlan, TableKind.Mac, TableKind.Vlan })
        {
            var ofKind = rules.Rules.Where(r => r.Kind is not (MatchKind.Broadcast or MatchKind.Multicast) && TableOf(r.Kind) == kind).ToList();
            if (ofKind.Count == 0)
            {
                continue;
            }

            var entries = ofKind.Select(r =>
            {
                var (key, extra) = KeyOf(r);
                return new TableEntry(key, extra, VerdictBits.Of(r), r.Line);
            }).ToList();
            tables.Add(new KindTable(kind, ofKind, PerfectHashTable.Build(entries, wide: kind == TableKind.TunnelInner)));
        }

        return new DispatchTables(
            tables,
            VerdictBits.Payload(0, rules.DefaultPool, rules.DefaultQueue, false, rules.DefaultSpreads),
            rules.Rules.FirstOrDefault(r => r.Kind == MatchKind.Broadcast),
            rules.Rules.FirstOrDefault(r => r.Kind == MatchKind.Multicast));
    }
}
