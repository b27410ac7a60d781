using System.Linq;
using Vmdq.Rules.Tables;

namespace Vmdq.Rules.Model;

/// <summary>A pool after resolution.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Index">Its index on the NIC.</param>
/// <param name="FirstQueue">First allowed queue within the pool.</param>
/// <param name="LastQueue">Last allowed queue within the pool.</param>
/// <param name="Tenant">Owning tenant, if any.</param>
/// <param name="Priority">Priority 0..7 (0 when not given).</param>
/// <param name="BandwidthPercent">Bandwidth share, 0 when not given.</param>
/// <param name="Line">Source line of the declaration.</param>
/// <param name="Rss">True when the pool spreads frames without an explicit <c>:QUEUE</c> over <paramref name="FirstQueue"/>..<paramref name="LastQueue"/> by the RSS hash.</param>
/// <param name="AntiSpoofMac">MAC anti-spoofing as written in <c>antispoof</c>, or null when the attribute is not written (then on exactly when the pool has MACs of its own: <see cref="PoolTransmit"/>).</param>
/// <param name="AntiSpoofVlan">VLAN anti-spoofing: on only when <c>antispoof</c> lists <c>vlan</c>.</param>
/// <param name="VlanInsert">The <c>vlan-insert</c> VLAN ID, 0 when none.</param>
/// <param name="RateBitsPerSecond">Its <c>rate</c> transmit limit in bits per second, 0 when not given.</param>
/// <param name="Channel">Its S-channel: 0 for the untagged channel, 1..K for the file's <c>channel</c> statements in order.</param>
internal sealed record ResolvedPool(
    string Name, int Index, int FirstQueue, int LastQueue, string? Tenant, int Priority, int BandwidthPercent, int Line, bool Rss = false,
    bool? AntiSpoofMac = null, bool AntiSpoofVlan = false, int VlanInsert = 0, long RateBitsPerSecond = 0, int Channel = 0);

/// <summary>An S-channel after resolution (a <c>channel</c> statement, IEEE 802.1Qbg multichannel).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Index">Its channel index, 1..K in file order (0 is the untagged channel, K + 1 the undeclared S-VIDs).</param>
/// <param name="Svid">Its S-VID, 1..4094.</param>
/// <param name="Mode">Its edge-relay mode: VEB, VEPA, or a single VSI.</param>
/// <param name="DefaultPool">Where its frames that match none of its rules go, or -1: dropped (no <c>default-pool</c> in its section).</param>
/// <param name="DefaultQueue">The default pool's first allowed queue (0 when dropped).</param>
/// <param name="DefaultSpreads">True when the default pool is an <c>rss</c> pool.</param>
/// <param name="Line">Source line of the statement.</param>
internal sealed record ResolvedChannel(string Name, int Index, int Svid, SwitchKind Mode, int DefaultPool, int DefaultQueue, bool DefaultSpreads, int Line);

/// <summary>A traffic class after resolution (a <c>class</c> statement).</summary>
/// <param name="Name">Its name.</param>
/// <param name="TrafficClass">Its traffic class number, 0..7.</param>
/// <param name="Strict">True for strict priority, false for ETS.</param>
/// <param name="SharePercent">The ETS share in percent (0 for a strict class).</param>
/// <param name="PriorityMask">Bit P set when 802.1p priority P maps to it.</param>
/// <param name="Line">Source line of the declaration.</param>
internal sealed record ResolvedClass(string Name, int TrafficClass, bool Strict, int SharePercent, int PriorityMask, int Line);

/// <summary>A filter rule after resolution: everything the dispatcher needs, nothing else.</summary>
/// <param name="Kind">What it matches.</param>
/// <param name="Mac">Outer or inner MAC (48-bit, first octet most significant), or 0.</param>
/// <param name="Id">VLAN ID, VNI or VSID, or 0.</param>
/// <param name="IsDrop">True for <c>-&gt; drop</c>.</param>
/// <param name="Pool">Target pool index (first listed pool for broadcast/multicast); 0 for drops.</param>
/// <param name="Queue">Queue within the pool: the explicit <c>:QUEUE</c> or the pool's first allowed queue.</param>
/// <param name="Line">Source line: the verdict's RuleLine.</param>
/// <param name="Replicas">Pools a broadcast/multicast frame is replicated to, in the order written.</param>
/// <param name="Spread">True when the queue is chosen per frame by the pool's RSS redirection table (an <c>rss</c> pool, no explicit <c>:QUEUE</c>); <paramref name="Queue"/> is then the pool's first allowed queue.</param>
/// <param name="Channel">The S-channel it applies to: 0 for the untagged channel, 1..K for the file's <c>channel</c> statements in order.</param>
internal sealed record ResolvedRule(MatchKind Kind, ulong Mac, uint Id, bool IsDrop, int Pool, int Queue, int Line, EquatableArray<int> Replicas, bool Spread = false, int Channel = 0)
{
    /// <summary>The rule's normalised match.</summary>
    public MatchKey Key => new(Kind, Mac, Id);
}

/// <summary>
/// A rules file with no errors, resolved: the model the generator compiles and the reference
/// interpreter runs. Value-equatable, so the incremental generator can cache on it.
/// </summary>
/// <param name="Path">The rules file.</param>
/// <param name="Namespace">Namespace of the generated dispatcher (may be empty).</param>
/// <param name="ClassName">Name of the generated static partial class.</param>
/// <param name="Geometry">Pools, queues per pool, ring size.</param>
/// <param name="DefaultPool">Where unmatched frames go.</param>
/// <param name="DefaultQueue">The default pool's first allowed queue.</param>
/// <param name="VxlanPort">UDP destination port that carries VXLAN.</param>
/// <param name="Profile">The capacity profile named, if any.</param>
/// <param name="Pools">Declared pools, by index.</param>
/// <param name="Rules">Rules in file order; duplicates (same match, same target) appear once, at their first line.</param>
/// <param name="Classes">Traffic classes (<c>class</c> statements), by traffic class number; empty when the file declares none.</param>
/// <param name="Switch">The <c>switch</c> mode (VEB when not given).</param>
/// <param name="VlanMembers">The pools' VLAN membership, for the switch's flooding (<see cref="Switching.Membership"/>).</param>
/// <param name="Channels">The S-channels (<c>channel</c> statements), in file order (entry i is channel i + 1); empty when the file declares none, and then S-tags are ignored.</param>
internal sealed record RuleSet(
    string Path, string Namespace, string ClassName, NicGeometry Geometry, int DefaultPool, int DefaultQueue, int VxlanPort,
    string? Profile, EquatableArray<ResolvedPool> Pools, EquatableArray<ResolvedRule> Rules, EquatableArray<ResolvedClass> Classes = default,
    SwitchKind Switch = SwitchKind.Veb, EquatableArray<VlanMember> VlanMembers = default, EquatableArray<ResolvedChannel> Channels = default)
{
    /// <summary>True when the file declares S-channels: the S-VID selects the channel first.</summary>
    public bool HasChannels => Channels.Count > 0;

    /// <summary>The channel index of the undeclared S-VIDs: K + 1 (every verdict of it is a drop).</summary>
    public int UnknownChannel => Channels.Count + 1;

    /// <summary>The dispatcher's namespace-qualified name.</summary>
    public string FullTypeName => Namespace.Length == 0 ? ClassName : Namespace + "." + ClassName;

    /// <summary>How much of a frame the rules need parsed: the highest level any rule's kind needs (<see cref="ParseLevel.Dst"/> with no rules).</summary>
    public ParseLevel ParseLevel => Rules.Select(r => ParseLevels.Of(r.Kind)).DefaultIfEmpty(ParseLevel.Dst)
        .Concat(HasChannels ? new[] { ParseLevel.Tags } : Enumerable.Empty<ParseLevel>()).Max();

    /// <summary>True when the default pool is an <c>rss</c> pool: unmatched frames are spread over its queues.</summary>
    public bool DefaultSpreads => Pools.Any(p => p.Index == DefaultPool && p.Rss);

    /// <summary>True when some verdict spreads by RSS (<see cref="Spreads"/>), counting the S-channels' default pools.</summary>
    private bool ChannelDefaultSpreads => Channels.Any(c => c.DefaultSpreads);

    /// <summary>True when any pool is an <c>rss</c> pool (the dispatcher has redirection tables).</summary>
    public bool HasRss => Pools.Any(p => p.Rss);

    /// <summary>True when some verdict spreads by RSS (a rule without <c>:QUEUE</c> to an <c>rss</c> pool, or an <c>rss</c> default pool): the dispatcher computes the hash.</summary>
    public bool Spreads => DefaultSpreads || ChannelDefaultSpreads || Rules.Any(r => r.Spread);
}
