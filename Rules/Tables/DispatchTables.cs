using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Tables;

/// <summary>One non-empty table of a dispatcher: its kind, its rules and the built perfect hash.</summary>
/// <param name="Kind">The match kind it holds.</param>
/// <param name="Rules">Its rules, in file order (index = entry index of <see cref="Table"/>).</param>
/// <param name="Table">The perfect-hash table.</param>
public sealed record KindTable(MatchKind Kind, IReadOnlyList<ResolvedRule> Rules, PerfectHashTable Table);

/// <summary>Everything the emitter writes as data: the tables of each match kind and the constant verdicts.</summary>
public sealed class DispatchTables
{
    private DispatchTables(IReadOnlyList<KindTable> tables, ulong defaultBits, ResolvedRule? broadcast, ResolvedRule? multicast)
    {
        Tables = tables;
        DefaultBits = defaultBits;
        Broadcast = broadcast;
        Multicast = multicast;
    }

    /// <summary>The non-empty tables, in precedence order (highest first).</summary>
    public IReadOnlyList<KindTable> Tables { get; }

    /// <summary>The default pool's verdict bits.</summary>
    public ulong DefaultBits { get; }

    /// <summary>The broadcast rule, if any.</summary>
    public ResolvedRule? Broadcast { get; }

    /// <summary>The multicast rule, if any.</summary>
    public ResolvedRule? Multicast { get; }

    /// <summary>Total bytes of table data (displacements and slots).</summary>
    public long TableBytes => Tables.Sum(t => (long)t.Table.Displacements.Length + t.Table.Slots.Length);

    /// <summary>The key and extra bits a rule is stored under (and a frame is looked up with).</summary>
    public static (ulong Key, ulong Extra) KeyOf(ResolvedRule rule) => rule.Kind switch
    {
        MatchKind.VxlanInner or MatchKind.NvgreInner or MatchKind.MacVlan => (rule.Mac, rule.Id),
        MatchKind.Mac => (rule.Mac, 0),
        _ => (rule.Id, 0),
    };

    /// <summary>Builds the tables of <paramref name="rules"/>.</summary>
    public static DispatchTables Build(RuleSet rules)
    {
        var tables = new List<KindTable>();
        foreach (var kind in MatchKinds.Tabled)
        {
            var ofKind = rules.Rules.Where(r => r.Kind == kind).ToList();
            if (ofKind.Count == 0)
            {
                continue;
            }

            var entries = ofKind.Select(r =>
            {
                var (key, extra) = KeyOf(r);
                return new TableEntry(key, extra, VerdictBits.Payload(r.Line, r.Pool, r.Queue, r.IsDrop), r.Line);
            }).ToList();
            tables.Add(new KindTable(kind, ofKind, PerfectHashTable.Build(entries)));
        }

        ulong defaultBits = VerdictBits.Payload(0, rules.DefaultPool, rules.DefaultQueue, false);
        return new DispatchTables(
            tables,
            defaultBits,
            rules.Rules.FirstOrDefault(r => r.Kind == MatchKind.Broadcast),
            rules.Rules.FirstOrDefault(r => r.Kind == MatchKind.Multicast));
    }
}
