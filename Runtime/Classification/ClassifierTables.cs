using System;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// Everything a dispatch kernel reads besides the frame: the VXLAN port, the constant verdicts and
/// the five perfect-hash tables, highest precedence first, and one array of every verdict the kernel can
/// return (the constant ones, then each table's slots), from which it fetches one verdict per frame. The
/// kernels of <see cref="DispatchKernel"/>
/// take it as data, so a generated dispatcher (which builds one from its build-time data, once) and
/// an engine that builds tables at run time run the same kernel code. Immutable, but for the RSS redirection
/// tables of its <c>rss</c> pools (<see cref="Redirection"/>), which the host may replace while frames are classified.
/// Used by generated dispatchers; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ClassifierTables
{
    /// <summary>Creates the kernel's data. A table the rules do not use may be <see langword="default"/> (it becomes <see cref="ProbeTable.Empty"/>).</summary>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN, 1..65535.</param>
    /// <param name="defaultVerdict">The default pool's verdict bits.</param>
    /// <param name="broadcastVerdict">The broadcast rule's verdict bits (the default's when there is none).</param>
    /// <param name="multicastVerdict">The multicast rule's verdict bits (the default's when there is none).</param>
    /// <param name="tunnelInner"><c>vxlan VNI inner M</c> and <c>nvgre VSID inner M</c> (a wide table): key inner MAC | NVGRE bit 48, extra VNI/VSID.</param>
    /// <param name="tunnel"><c>vxlan VNI</c> and <c>nvgre VSID</c>: key VNI/VSID | NVGRE bit 24.</param>
    /// <param name="macVlan"><c>mac M vlan V</c>: key MAC | VLAN at bit 48.</param>
    /// <param name="mac"><c>mac M</c>: key MAC.</param>
    /// <param name="vlan"><c>vlan V</c>: key VLAN.</param>
    /// <param name="redirection">The redirection tables of the <c>rss</c> pools (null: none). Shared, not copied: a runtime engine passes one object to every version of its tables, so a table the host set stays set.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vxlanPort"/> is not a UDP port, or a verdict has bits outside the verdict layout.</exception>
    /// <exception cref="ArgumentException"><paramref name="tunnelInner"/> is not a wide table, or another table is not a narrow one, or a verdict with the spread flag names a pool <paramref name="redirection"/> has no table for.</exception>
    public ClassifierTables(
        int vxlanPort, ulong defaultVerdict, ulong broadcastVerdict, ulong multicastVerdict,
        ProbeTable tunnelInner, ProbeTable tunnel, ProbeTable macVlan, ProbeTable mac, ProbeTable vlan,
        RedirectionTables? redirection = null)
        : this(
            vxlanPort,
            new[] { CheckVerdict(defaultVerdict, nameof(defaultVerdict)), CheckVerdict(multicastVerdict, nameof(multicastVerdict)), CheckVerdict(broadcastVerdict, nameof(broadcastVerdict)) },
            default, tunnelInner, tunnel, macVlan, mac, vlan, redirection)
    {
    }

    /// <summary>
    /// Creates the kernel's data for a dispatcher with IEEE 802.1Qbg S-channels (docs/rules-language.md, "S-channels"): channel
    /// index c is 0 for frames without an S-tag, 1..K for the declared channels, K + 1 for S-VIDs no channel declares, and is
    /// part of every key; the <c>mac M vlan V</c> table is wide (key MAC | VLAN at bit 48, extra c).
    /// </summary>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN, 1..65535.</param>
    /// <param name="channelVerdicts">The constant verdicts of every channel: default, multicast, broadcast of channel c at 3c, 3c + 1, 3c + 2.</param>
    /// <param name="channelOfSvid">The channel index of each S-VID 0..4095 (4096 entries, each below <paramref name="channelVerdicts"/>' length / 3), or empty for a dispatcher without channels (then <paramref name="channelVerdicts"/> has three entries).</param>
    /// <param name="tunnelInner"><c>vxlan VNI inner M</c> and <c>nvgre VSID inner M</c> (a wide table): key inner MAC | NVGRE bit 48 | c at bit 49, extra VNI/VSID.</param>
    /// <param name="tunnel"><c>vxlan VNI</c> and <c>nvgre VSID</c>: key VNI/VSID | NVGRE bit 24 | c at bit 25.</param>
    /// <param name="macVlan"><c>mac M vlan V</c>: key MAC | VLAN at bit 48; wide, extra c, when there are channels.</param>
    /// <param name="mac"><c>mac M</c>: key MAC | c at bit 48.</param>
    /// <param name="vlan"><c>vlan V</c>: key VLAN | c at bit 12.</param>
    /// <param name="redirection">The redirection tables of the <c>rss</c> pools (null: none).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vxlanPort"/> is not a UDP port, or a verdict has bits outside the verdict layout.</exception>
    /// <exception cref="ArgumentException">The channel data do not fit each other, a table has the wrong key size, or a spread verdict's pool has no redirection table.</exception>
    public ClassifierTables(
        int vxlanPort, ReadOnlySpan<ulong> channelVerdicts, ReadOnlySpan<ushort> channelOfSvid,
        ProbeTable tunnelInner, ProbeTable tunnel, ProbeTable macVlan, ProbeTable mac, ProbeTable vlan,
        RedirectionTables? redirection = null)
    {
        if (vxlanPort is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(vxlanPort), vxlanPort, "The VXLAN port is a UDP port, 1..65535.");
        }

        bool channels = channelOfSvid.Length > 0;
        int channelCount = channelVerdicts.Length / VerdictLayout.ChannelConstants;
        if (channelVerdicts.Length % VerdictLayout.ChannelConstants != 0 || channelCount < (channels ? 2 : 1) || (!channels && channelCount != 1))
        {
            throw new ArgumentException(
                $"The constant verdicts are three per channel (default, multicast, broadcast): three without channels, at least six with; {channelVerdicts.Length} given.", nameof(channelVerdicts));
        }

        ChannelOfSvid = new ulong[channels ? VerdictLayout.SvidTableSize : 1];
        if (channels)
        {
            if (channelOfSvid.Length != VerdictLayout.SvidTableSize - 1)
            {
                throw new ArgumentException($"The S-VID table has one channel index per S-VID 0..4095: {VerdictLayout.SvidTableSize - 1} entries; {channelOfSvid.Length} given.", nameof(channelOfSvid));
            }

            for (int svid = 0; svid < channelOfSvid.Length; svid++)
            {
                // Read unchecked by the kernel: every index must name a channel.
                ChannelOfSvid[svid + 1] = channelOfSvid[svid] < channelCount
                    ? channelOfSvid[svid]
                    : throw new ArgumentException($"S-VID {svid} maps to channel {channelOfSvid[svid]}, but there are {channelCount} channels.", nameof(channelOfSvid));
            }
        }

        ChannelCount = channelCount;
        VxlanPort = vxlanPort;
        DefaultVerdict = CheckVerdict(channelVerdicts[(int)DefaultIndex], nameof(channelVerdicts));
        BroadcastVerdict = CheckVerdict(channelVerdicts[(int)BroadcastIndex], nameof(channelVerdicts));
        MulticastVerdict = CheckVerdict(channelVerdicts[(int)MulticastIndex], nameof(channelVerdicts));
        TunnelInner = OrEmpty(tunnelInner, ProbeTable.WideKeySize, nameof(tunnelInner));
        Tunnel = OrEmpty(tunnel, ProbeTable.NarrowKeySize, nameof(tunnel));
        MacVlan = OrEmpty(macVlan, channels ? ProbeTable.WideKeySize : ProbeTable.NarrowKeySize, nameof(macVlan));
        Mac = OrEmpty(mac, ProbeTable.NarrowKeySize, nameof(mac));
        Vlan = OrEmpty(vlan, ProbeTable.NarrowKeySize, nameof(vlan));

        // Every verdict the kernel can return, in one array: the constants, then each table's slots.
        long count = channelVerdicts.Length + TunnelInner.SlotCount + Tunnel.SlotCount + MacVlan.SlotCount + Mac.SlotCount + Vlan.SlotCount;
        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"The tables have {count} slots together; at most {Array.MaxLength} fit one verdict array.");
        }

        var verdicts = new ulong[count];
        for (int i = 0; i < channelVerdicts.Length; i++)
        {
            verdicts[i] = CheckVerdict(channelVerdicts[i], nameof(channelVerdicts));
        }

        long next = channelVerdicts.Length;
        TunnelInnerBase = Append(verdicts, in TunnelInner, ref next);
        TunnelBase = Append(verdicts, in Tunnel, ref next);
        MacVlanBase = Append(verdicts, in MacVlan, ref next);
        MacBase = Append(verdicts, in Mac, ref next);
        VlanBase = Append(verdicts, in Vlan, ref next);
        Verdicts = verdicts;

        PrefetchAhead = TableBytes > PrefetchAboveBytes && !FrameParser.IsParse8Avx512;

        // The spread step reads the redirection row of a spread verdict's pool unchecked: every such pool must have one.
        Redirection = redirection ?? new RedirectionTables(Array.Empty<RssPool>());
        Toeplitz = Toeplitz.Default;
        foreach (ulong bits in verdicts)
        {
            int pool = (int)((bits >> VerdictLayout.PoolShift) & VerdictLayout.PoolMask);
            if (((bits >> VerdictLayout.SpreadShift) & 1) != 0 && !Redirection.Contains(pool))
            {
                throw new ArgumentException($"A verdict spreads over pool {pool}'s queues by RSS, but the redirection tables have no table for pool {pool}.", nameof(redirection));
            }
        }
    }

    /// <summary>
    /// <see cref="TableBytes"/> above which the four-frame batch loops prefetch: they start the next step's displacement
    /// reads before deciding this step's frames. Below it the tables stay in the caches and the prefetches are pure cost.
    /// </summary>
    public const long PrefetchAboveBytes = 2L << 20;

    /// <summary>
    /// True when the batch loops prefetch: <see cref="TableBytes"/> above <see cref="PrefetchAboveBytes"/>, on a CPU where
    /// the batch runs four frames per step (AVX2 without AVX-512 VBMI). The eight-frame loops (AVX-512) do not prefetch:
    /// their eight lanes keep enough misses in flight, and on a Zen 4 the prefetch steps took the batch to 2x its time at
    /// 10K and 100K filters and 1.7x at 1M with few flows, gaining 3-18% only at 1M with 341,800 flows
    /// (docs/performance.md). Chosen once, from the tables and
    /// the CPU, whoever built them: a generated dispatcher and the runtime engine with the same rules choose alike. The
    /// verdicts are the same either way.
    /// </summary>
    public bool PrefetchAhead { get; internal set; }

    /// <summary>The UDP destination port that carries VXLAN.</summary>
    public int VxlanPort { get; }

    /// <summary>The default pool's verdict bits.</summary>
    public ulong DefaultVerdict { get; }

    /// <summary>The broadcast rule's verdict bits.</summary>
    public ulong BroadcastVerdict { get; }

    /// <summary>The multicast rule's verdict bits.</summary>
    public ulong MulticastVerdict { get; }

    /// <summary>The RSS redirection tables of the <c>rss</c> pools (empty when there are none).</summary>
    public RedirectionTables Redirection { get; }

    /// <summary>The Toeplitz key's tables the RSS hash uses: the default key (held here, so the per-frame path reads a field, not a lazy value).</summary>
    internal Toeplitz Toeplitz { get; }

    /// <summary>Replaces <paramref name="pool"/>'s RSS redirection table (see <see cref="RedirectionTables.Set"/>).</summary>
    /// <param name="pool">An <c>rss</c> pool.</param>
    /// <param name="queues"><see cref="Verdict.RetaSize"/> entries, each a queue of the pool's allowed range.</param>
    /// <exception cref="ArgumentException"><paramref name="pool"/> is not an <c>rss</c> pool, or <paramref name="queues"/> is not a valid table for it.</exception>
    public void SetRedirectionTable(int pool, ReadOnlySpan<byte> queues) => Redirection.Set(pool, queues);

    /// <summary>A copy of <paramref name="pool"/>'s RSS redirection table.</summary>
    /// <param name="pool">An <c>rss</c> pool.</param>
    /// <exception cref="ArgumentException"><paramref name="pool"/> is not an <c>rss</c> pool.</exception>
    public byte[] GetRedirectionTable(int pool) => Redirection.Get(pool);

    /// <summary>Total bytes of table data.</summary>
    public long TableBytes => TunnelInner.Bytes + Tunnel.Bytes + MacVlan.Bytes + Mac.Bytes + Vlan.Bytes;

    /// <summary>Index of the default verdict in <see cref="Verdicts"/>.</summary>
    internal const ulong DefaultIndex = 0;

    /// <summary>Index of the multicast verdict in <see cref="Verdicts"/>.</summary>
    internal const ulong MulticastIndex = 1;

    /// <summary>Index of the broadcast verdict in <see cref="Verdicts"/>.</summary>
    internal const ulong BroadcastIndex = 2;

    /// <summary>Channels whose constant verdicts the tables hold: 1 without S-channels, K + 2 with K declared ones.</summary>
    public int ChannelCount { get; }

    /// <summary>True when the tables are keyed by S-channel (a dispatcher with <c>channel</c> statements).</summary>
    public bool HasChannels => ChannelCount > 1;

    /// <summary>
    /// The channel index of each frame: entry 0 for a frame with no S-tag (the untagged channel, 0), entry S-VID + 1 for one
    /// with an S-tag. A single 0 entry without channels (never read then).
    /// </summary>
    internal readonly ulong[] ChannelOfSvid;

    /// <summary>Every verdict the kernel can return: the default, multicast and broadcast ones, then each table's slots in the order of the fields below.</summary>
    internal readonly ulong[] Verdicts;

    /// <summary>Index in <see cref="Verdicts"/> of the tunnel-inner table's slot 0.</summary>
    internal readonly ulong TunnelInnerBase;

    /// <summary>Index in <see cref="Verdicts"/> of the tunnel table's slot 0.</summary>
    internal readonly ulong TunnelBase;

    /// <summary>Index in <see cref="Verdicts"/> of the MAC+VLAN table's slot 0.</summary>
    internal readonly ulong MacVlanBase;

    /// <summary>Index in <see cref="Verdicts"/> of the MAC table's slot 0.</summary>
    internal readonly ulong MacBase;

    /// <summary>Index in <see cref="Verdicts"/> of the VLAN table's slot 0.</summary>
    internal readonly ulong VlanBase;

    // Fields, not properties, so a kernel passes them by reference without a copy.
    internal readonly ProbeTable TunnelInner;
    internal readonly ProbeTable Tunnel;
    internal readonly ProbeTable MacVlan;
    internal readonly ProbeTable Mac;
    internal readonly ProbeTable Vlan;

    private static ProbeTable OrEmpty(ProbeTable table, int keySize, string name)
    {
        if (!table.IsValid)
        {
            return keySize == ProbeTable.WideKeySize ? ProbeTable.EmptyWide : ProbeTable.Empty;
        }

        return table.KeySize == keySize
            ? table
            : throw new ArgumentException($"The {name} table's keys are {keySize} bytes each; this table's are {table.KeySize}.", name);
    }

    private static ulong Append(ulong[] verdicts, in ProbeTable table, ref long next)
    {
        long at = next;
        MemoryMarshal.Cast<byte, ulong>(table.Verdicts.AsSpan()).CopyTo(verdicts.AsSpan((int)at));
        next += table.SlotCount;
        return (ulong)at;
    }

    private static ulong CheckVerdict(ulong bits, string name) =>
        (bits & ~VerdictLayout.VerdictMask) == 0
            ? bits
            : throw new ArgumentOutOfRangeException(name, bits, $"A verdict has {VerdictLayout.VerdictBitCount} bits (Verdict's layout); this one has bits above them.");
}
