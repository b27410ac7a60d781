using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Model;

/// <summary>An inclusive range of values, as written <c>LO-HI</c> (or a single value).</summary>
/// <param name="Lo">Lowest value.</param>
/// <param name="Hi">Highest value.</param>
/// <param name="Span">Where it is written.</param>
internal sealed record ValueRange(long Lo, long Hi, SourceSpan Span)
{
    /// <summary>True when <paramref name="value"/> lies in the range.</summary>
    public bool Contains(long value) => value >= Lo && value <= Hi;

    /// <summary>True when the two ranges share a value.</summary>
    public bool Overlaps(ValueRange other) => Lo <= other.Hi && other.Lo <= Hi;

    /// <inheritdoc />
    public override string ToString() => Lo == Hi ? $"{Lo}" : $"{Lo}-{Hi}";
}

/// <summary>A <c>tenant</c> statement.</summary>
/// <param name="Name">The tenant's name.</param>
/// <param name="Vlan">VLAN IDs the tenant owns.</param>
/// <param name="Vni">VXLAN VNIs the tenant owns.</param>
/// <param name="Vsid">NVGRE VSIDs the tenant owns.</param>
/// <param name="Line">Source line.</param>
/// <param name="NameSpan">Where the name is written.</param>
/// <param name="Svid">S-VIDs (802.1Qbg S-channels) the tenant owns.</param>
internal sealed record TenantDecl(string Name, ValueRange? Vlan, ValueRange? Vni, ValueRange? Vsid, int Line, SourceSpan NameSpan, ValueRange? Svid = null);

/// <summary>A <c>channel</c> statement: an IEEE 802.1Qbg S-channel.</summary>
/// <param name="Name">The channel's name.</param>
/// <param name="Svid">Its S-VID, 1..4094.</param>
/// <param name="Mode">Its mode as written (null: the file's <c>switch</c> mode).</param>
/// <param name="Line">Source line.</param>
/// <param name="NameSpan">Where the name is written.</param>
/// <param name="SvidSpan">Where the S-VID is written.</param>
/// <param name="ModeSpan">Where the mode is written, if it is.</param>
/// <param name="Broken">True when the statement had an error: it still opens its section, but takes no part in the checks.</param>
internal sealed record ChannelDecl(string Name, long Svid, SwitchKind? Mode, int Line, SourceSpan NameSpan, SourceSpan SvidSpan, SourceSpan? ModeSpan, bool Broken);

/// <summary>A <c>pool</c> statement.</summary>
/// <param name="Name">The pool's name.</param>
/// <param name="Index">The pool index on the NIC.</param>
/// <param name="Tenant">The owning tenant's name, if any.</param>
/// <param name="Queues">The pool's allowed queues (indices within the pool), if narrowed.</param>
/// <param name="Priority">0..7, if given.</param>
/// <param name="BandwidthPercent">0..100, if given.</param>
/// <param name="Line">Source line.</param>
/// <param name="NameSpan">Where the name is written.</param>
/// <param name="IndexSpan">Where the index is written.</param>
/// <param name="TenantSpan">Where the tenant name is written.</param>
/// <param name="RssSpan">Where <c>rss</c> is written, when the pool spreads its frames by RSS.</param>
/// <param name="AntiSpoof">The <c>antispoof</c> attribute, when written (otherwise the defaults apply: MAC on when the pool has MACs of its own, VLAN off).</param>
/// <param name="VlanInsert">The <c>vlan-insert</c> VLAN ID (1..4094), when written.</param>
/// <param name="VlanInsertSpan">Where that VLAN ID is written.</param>
/// <param name="PrioritySpan">Where the priority value is written, if given.</param>
/// <param name="BandwidthSpan">Where the bandwidth share is written, if given.</param>
/// <param name="RateBitsPerSecond">The <c>rate</c> transmit limit in bits per second, if given.</param>
/// <param name="RateSpan">Where the rate is written, if given.</param>
/// <param name="Channel">The S-channel section it is declared in: 0 for the untagged channel, N for the Nth <c>channel</c> statement's.</param>
internal sealed record PoolDecl(
    string Name, long Index, string? Tenant, ValueRange? Queues, long? Priority, long? BandwidthPercent,
    int Line, SourceSpan NameSpan, SourceSpan IndexSpan, SourceSpan? TenantSpan, SourceSpan? RssSpan = null,
    AntiSpoofDecl? AntiSpoof = null, long? VlanInsert = null, SourceSpan? VlanInsertSpan = null,
    SourceSpan? PrioritySpan = null, SourceSpan? BandwidthSpan = null, long? RateBitsPerSecond = null, SourceSpan? RateSpan = null, int Channel = 0)
{
    /// <summary>True when the pool spreads frames without an explicit <c>:QUEUE</c> over its queues by the RSS hash.</summary>
    public bool Rss => RssSpan is not null;

    /// <summary>The queue a rule without <c>:QUEUE</c> uses: the first allowed queue.</summary>
    public int FirstQueue => Queues is null ? 0 : (int)Queues.Lo;
}

/// <summary>A pool's <c>antispoof</c> attribute: which transmit checks it turns on (the others are off).</summary>
/// <param name="Mac">True when <c>mac</c> is listed: frames whose source MAC is not one of the pool's are dropped.</param>
/// <param name="Vlan">True when <c>vlan</c> is listed: frames whose VLAN is not one of the pool's are dropped.</param>
/// <param name="Span">Where the attribute's value is written (<c>mac,vlan</c>, <c>none</c>...).</param>
internal sealed record AntiSpoofDecl(bool Mac, bool Vlan, SourceSpan Span);

/// <summary>A <c>class</c> statement: an IEEE 802.1Qaz traffic class, its transmission selection algorithm and its priorities.</summary>
/// <param name="Name">The class's name.</param>
/// <param name="TrafficClass">Its traffic class number, 0..7.</param>
/// <param name="Strict">True for the strict priority algorithm, false for ETS.</param>
/// <param name="SharePercent">The ETS bandwidth share, 1..100 (null for a strict class).</param>
/// <param name="Priorities">The 802.1p priorities mapped to it, as written (each range within 0..7).</param>
/// <param name="Line">Source line.</param>
/// <param name="NameSpan">Where the name is written.</param>
/// <param name="TrafficClassSpan">Where the traffic class number is written.</param>
/// <param name="ShareSpan">Where the ETS share is written (the <c>strict</c> keyword for a strict class).</param>
internal sealed record ClassDecl(
    string Name, long TrafficClass, bool Strict, long? SharePercent, EquatableArray<ValueRange> Priorities,
    int Line, SourceSpan NameSpan, SourceSpan TrafficClassSpan, SourceSpan ShareSpan)
{
    /// <summary>The priorities as a bit mask (bit P set when priority P maps to the class).</summary>
    public int PriorityMask
    {
        get
        {
            int mask = 0;
            foreach (var range in Priorities)
            {
                for (long p = range.Lo; p <= range.Hi && p <= 7; p++)
                {
                    mask |= 1 << (int)p;
                }
            }

            return mask;
        }
    }
}

/// <summary>A pool named in a rule's target.</summary>
/// <param name="Name">The pool's name.</param>
/// <param name="Span">Where it is written.</param>
internal sealed record PoolRef(string Name, SourceSpan Span);

/// <summary>The right-hand side of a rule.</summary>
/// <param name="IsDrop">True for <c>-&gt; drop</c>.</param>
/// <param name="Pools">The target pool (one) or pool list (broadcast/multicast).</param>
/// <param name="Queue">The explicit <c>:QUEUE</c>, if written.</param>
/// <param name="QueueSpan">Where the queue is written.</param>
/// <param name="Span">The whole target.</param>
internal sealed record RuleTarget(bool IsDrop, EquatableArray<PoolRef> Pools, long? Queue, SourceSpan? QueueSpan, SourceSpan Span);

/// <summary>A filter rule: <c>MATCH -&gt; TARGET</c>.</summary>
/// <param name="Match">The normalised match.</param>
/// <param name="Target">Where matching frames go.</param>
/// <param name="Line">Source line (the verdict's RuleLine).</param>
/// <param name="KindSpan">The match keyword.</param>
/// <param name="MacSpan">The MAC (outer or inner), when the match has one.</param>
/// <param name="IdSpan">The VLAN/VNI/VSID, when the match has one.</param>
/// <param name="Channel">The S-channel section it is written in: 0 for the untagged channel, N for the Nth <c>channel</c> statement's.</param>
internal sealed record FilterRule(MatchKey Match, RuleTarget Target, int Line, SourceSpan KindSpan, SourceSpan? MacSpan, SourceSpan? IdSpan, int Channel = 0)
{
    /// <summary>The span a diagnostic about the whole match points at.</summary>
    public SourceSpan MatchSpan => KindSpan;
}

/// <summary>A <c>nic</c> statement's values (missing ones take the spec's defaults).</summary>
/// <param name="Pools">Pools, 1..512.</param>
/// <param name="QueuesPerPool">Queues per pool, 1..16.</param>
/// <param name="RingSize">Descriptors per RX ring, a power of two.</param>
internal sealed record NicGeometry(int Pools, int QueuesPerPool, int RingSize)
{
    /// <summary>The spec's defaults: 64 pools, 2 queues, 512 descriptors.</summary>
    public static NicGeometry Default { get; } = new(64, 2, 512);
}
