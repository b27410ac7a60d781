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

    private DispatchTables(IReadOnlyList<KindTable> tables, ulong defaultBits, ResolvedRule? broadcast, ResolvedRule? multicast, ulong[] channelVerdicts, ushort[] channelOfSvid)
    {
        Tables = tables;
        DefaultBits = defaultBits;
        Broadcast = broadcast;
        Multicast = multicast;
        ChannelVerdicts = channelVerdicts;
        ChannelOfSvid = channelOfSvid;
    }

    /// <summary>
    /// With S-channels: the constant verdicts of every channel c (0 untagged, 1..K declared, K + 1 undeclared S-VIDs), default,
    /// multicast and broadcast at 3c, 3c + 1, 3c + 2. Empty without channels.
    /// </summary>
    public ulong[] ChannelVerdicts { get; }

    /// <summary>With S-channels: the channel index of each S-VID 0..4095 (K + 1 for those no channel declares). Empty without channels.</summary>
    public ushort[] ChannelOfSvid { get; }

    /// <summary>True when the tables are keyed by S-channel (the file has <c>channel</c> statements).</summary>
    public bool HasChannels => ChannelOfSvid.Length > 0;

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

    /// <summary>
    /// The key and extra bits a rule is stored under (and a frame is looked up with). The rule's S-channel c is part of every
    /// key (0 without channels, so the keys are the channel-less ones): in the <c>mac M vlan V</c> table it is the extra part,
    /// which that table has only when the file has channels (it is then wide).
    /// </summary>
    public static (ulong Key, ulong Extra) KeyOf(ResolvedRule rule)
    {
        ulong c = (ulong)rule.Channel;
        return rule.Kind switch
        {
            MatchKind.VxlanInner => (rule.Mac | (c << VerdictBits.InnerChannelShift), rule.Id),
            MatchKind.NvgreInner => (rule.Mac | (1UL << InnerTypeBit) | (c << VerdictBits.InnerChannelShift), rule.Id),
            MatchKind.Vxlan => (rule.Id | (c << VerdictBits.TunnelChannelShift), 0),
            MatchKind.Nvgre => (rule.Id | (1UL << TunnelTypeBit) | (c << VerdictBits.TunnelChannelShift), 0),
            MatchKind.MacVlan => (rule.Mac | ((ulong)rule.Id << VerdictBits.MacVlanShift), c),
            MatchKind.Mac => (rule.Mac | (c << VerdictBits.MacChannelShift), 0),
            _ => (rule.Id | (c << VerdictBits.VlanChannelShift), 0),
        };
    }

    /// <summary>True when <paramref name="kind"/>'s table has 16-byte keys (key and extra) in a dispatcher of <paramref name="rules"/>.</summary>
    public static bool IsWide(TableKind kind, RuleSet rules) => kind == TableKind.TunnelInner || (kind == TableKind.MacVlan && rules.HasChannels);

    /// <summary>Builds the tables of <paramref name="rules"/>.</summary>
    public static DispatchTables Build(RuleSet rules)
    {
        var tables = new List<KindTable>();

        // The rules of each table in file order, in one pass over the rules.
        var kinds = new[] { TableKind.TunnelInner, TableKind.Tunnel, TableKind.MacVlan, TableKind.Mac, TableKind.Vlan };
        var byKind = new List<ResolvedRule>[kinds.Length];
        for (int k = 0; k < byKind.Length; k++)
        {
            byKind[k] = new List<ResolvedRule>();
        }

        foreach (var rule in rules.Rules.AsArray())
        {
            if (rule.Kind is not (MatchKind.Broadcast or MatchKind.Multicast))
            {
                byKind[(int)TableOf(rule.Kind)].Add(rule);
            }
        }

        foreach (var kind in kinds)
        {
            var ofKind = byKind[(int)kind];
            if (ofKind.Count == 0)
            {
                continue;
            }

            var entries = new TableEntry[ofKind.Count];
            for (int i = 0; i < entries.Length; i++)
            {
                var r = ofKind[i];
                var (key, extra) = KeyOf(r);
                entries[i] = new TableEntry(key, extra, VerdictBits.Of(r), r.Line);
            }

            tables.Add(new KindTable(kind, ofKind, PerfectHashTable.Build(entries, wide: IsWide(kind, rules))));
        }

        ulong defaultBits = VerdictBits.Payload(0, rules.DefaultPool, rules.DefaultQueue, false, rules.DefaultSpreads);
        var channelVerdicts = System.Array.Empty<ulong>();
        var channelOfSvid = System.Array.Empty<ushort>();
        if (rules.HasChannels)
        {
            // Channel 0 (untagged), 1..K (declared), K + 1 (undeclared S-VIDs: every verdict a drop, line 0).
            int unknown = rules.UnknownChannel;
            channelVerdicts = new ulong[VerdictBits.ChannelConstants * (unknown + 1)];
            ulong Group(int channel, MatchKind kind, ulong fallback) =>
                rules.Rules.FirstOrDefault(r => r.Kind == kind && r.Channel == channel) is { } rule ? VerdictBits.Of(rule) : fallback;
            for (int c = 0; c <= unknown; c++)
            {
                ulong own = c == 0 ? defaultBits
                    : c == unknown ? VerdictBits.Payload(0, 0, 0, drop: true)
                    : rules.Channels[c - 1] is { DefaultPool: >= 0 } channel ? VerdictBits.Payload(0, channel.DefaultPool, channel.DefaultQueue, false, channel.DefaultSpreads)
                    : VerdictBits.Payload(rules.Channels[c - 1].Line, 0, 0, drop: true);
                channelVerdicts[(3 * c) + 0] = own;
                channelVerdicts[(3 * c) + 1] = c == unknown ? own : Group(c, MatchKind.Multicast, own);
                channelVerdicts[(3 * c) + 2] = c == unknown ? own : Group(c, MatchKind.Broadcast, own);
            }

            channelOfSvid = new ushort[VerdictBits.SvidTableSize - 1];
            for (int svid = 0; svid < channelOfSvid.Length; svid++)
            {
                channelOfSvid[svid] = (ushort)unknown;
            }

            foreach (var channel in rules.Channels)
            {
                channelOfSvid[channel.Svid] = (ushort)channel.Index;
            }
        }

        return new DispatchTables(
            tables,
            defaultBits,
            rules.Rules.FirstOrDefault(r => r.Kind == MatchKind.Broadcast && r.Channel == 0),
            rules.Rules.FirstOrDefault(r => r.Kind == MatchKind.Multicast && r.Channel == 0),
            channelVerdicts,
            channelOfSvid);
    }
}
