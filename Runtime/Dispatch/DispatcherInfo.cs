using System;
using System.Collections.Generic;

namespace Vmdq.Toolkit;

/// <summary>Classifies one frame (a generated dispatcher's <c>Classify</c>).</summary>
public delegate Verdict FrameClassifier(ReadOnlySpan<byte> frame);

/// <summary>Classifies a batch of frames that lie in one buffer (a generated dispatcher's <c>ClassifyBatch</c>).</summary>
public delegate void BatchClassifier(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts);

/// <summary>The pools a broadcast/multicast verdict replicates to (a generated dispatcher's <c>Replicas</c>).</summary>
public delegate ReadOnlySpan<int> ReplicaResolver(Verdict verdict);

/// <summary>A pool declared in a rules file.</summary>
/// <param name="Name">The pool's name.</param>
/// <param name="Index">Its index on the NIC.</param>
/// <param name="FirstQueue">First queue (within the pool) its traffic may use.</param>
/// <param name="LastQueue">Last queue (within the pool) its traffic may use.</param>
/// <param name="Tenant">Owning tenant, or null.</param>
/// <param name="Priority">Its IEEE 802.1p priority 0..7 (0 when not given): it selects the pool's traffic class on transmit.</param>
/// <param name="BandwidthPercent">Its share of its traffic class in percent (0 when not given: the pool then shares what the others leave).</param>
/// <param name="Rss">True for an <c>rss</c> pool: frames its rules send without a queue are spread over its queues by the RSS hash.</param>
/// <param name="AntiSpoof">
/// The transmit anti-spoofing checks on for the pool (<c>antispoof</c>; by default <see cref="AntiSpoofChecks.Mac"/> when the pool
/// has MACs of its own, else none): a frame the pool sends that fails one is dropped and counted.
/// </param>
/// <param name="SourceMacs">
/// The pool's own MACs (48-bit, first octet most significant), ascending: the destination MACs of the <c>mac</c> rules that send to it,
/// the source MACs <see cref="AntiSpoofChecks.Mac"/> lets it send from. Null or empty: none.
/// </param>
/// <param name="Vlans">
/// The pool's VLANs, ascending: those of the <c>vlan</c> and <c>mac ... vlan</c> rules that send to it, and its <paramref name="VlanInsert"/>:
/// the C-VIDs <see cref="AntiSpoofChecks.Vlan"/> lets it send on. Null or empty: none.
/// </param>
/// <param name="VlanInsert">
/// The VLAN ID (1..4094) the NIC inserts as a C-tag into every frame the pool sends and whose C-tag it strips from every frame the pool
/// receives (<c>vlan-insert</c>); 0 for none.
/// </param>
/// <param name="RateBitsPerSecond">Its transmit rate limit (<c>rate</c>) in bits per second of wire time, 0 when it has none.</param>
public sealed record PoolInfo(
    string Name, int Index, int FirstQueue, int LastQueue, string? Tenant, int Priority, int BandwidthPercent, bool Rss = false,
    AntiSpoofChecks AntiSpoof = AntiSpoofChecks.None, IReadOnlyList<ulong>? SourceMacs = null, IReadOnlyList<int>? Vlans = null, int VlanInsert = 0,
    long RateBitsPerSecond = 0);

/// <summary>Transmit anti-spoofing checks of a pool (as 82599/X710 switch them per pool): each is on or off on its own.</summary>
[Flags]
public enum AntiSpoofChecks
{
    /// <summary>No check: the pool may send with any source MAC, on any VLAN.</summary>
    None = 0,

    /// <summary>A frame whose source MAC is not one of the pool's (<see cref="PoolInfo.SourceMacs"/>) is dropped.</summary>
    Mac = 1,

    /// <summary>
    /// A frame whose C-VID, as the VM wrote it, is not one of the pool's VLANs (<see cref="PoolInfo.Vlans"/>) is dropped; an untagged or
    /// priority-tagged frame passes only on a pool with a <see cref="PoolInfo.VlanInsert"/> VLAN.
    /// </summary>
    Vlan = 2,
}

/// <summary>A traffic class declared in a rules file (<c>class</c>): how the NIC's transmit side shares the wire (IEEE 802.1Qaz).</summary>
/// <param name="Name">The class's name.</param>
/// <param name="TrafficClass">Its traffic class number 0..7 (among strict classes, the higher transmits first).</param>
/// <param name="Strict">True for the strict priority algorithm, false for ETS.</param>
/// <param name="BandwidthPercent">Its ETS bandwidth share in percent (0 for a strict class).</param>
/// <param name="PriorityMask">The 802.1p priorities mapped to it: bit P set for priority P.</param>
public sealed record TrafficClassInfo(string Name, int TrafficClass, bool Strict, int BandwidthPercent, int PriorityMask);

/// <summary>
/// What a generated dispatcher knows about its rules file: the NIC geometry and pools, plus
/// delegates to its classify methods. The emulator builds a NIC from it
/// (<c>TenantDispatcher.Info</c> in generated code).
/// </summary>
public sealed class DispatcherInfo
{
    private readonly Dictionary<int, PoolInfo> _poolsByIndex = new();
    private readonly L2ForwardingTable _l2 = L2ForwardingTable.Empty;

    /// <summary>Creates the description (generated code calls this once).</summary>
    public DispatcherInfo(
        string name, string rulesFile, int poolCount, int queuesPerPool, int ringSize, int defaultPool, int vxlanPort,
        IReadOnlyList<PoolInfo> pools, FrameClassifier classify, BatchClassifier classifyBatch, ReplicaResolver replicas,
        BatchClassifier? classifyBatchPadded = null)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentOutOfRangeException.ThrowIfLessThan(poolCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queuesPerPool, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ringSize, 1);
        if ((uint)defaultPool >= (uint)poolCount)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultPool), defaultPool, $"The default pool must be below the pool count {poolCount}.");
        }

        Name = name;
        RulesFile = rulesFile;
        PoolCount = poolCount;
        QueuesPerPool = queuesPerPool;
        RingSize = ringSize;
        DefaultPool = defaultPool;
        VxlanPort = vxlanPort;
        Pools = pools;
        Classify = classify ?? throw new ArgumentNullException(nameof(classify));
        ClassifyBatch = classifyBatch ?? throw new ArgumentNullException(nameof(classifyBatch));
        Replicas = replicas ?? throw new ArgumentNullException(nameof(replicas));
        ClassifyBatchPadded = classifyBatchPadded ?? classifyBatch;
        foreach (var pool in pools)
        {
            _poolsByIndex[pool.Index] = pool;
        }
    }

    /// <summary>The dispatcher's full type name.</summary>
    public string Name { get; }

    /// <summary>
    /// The dispatcher's <c>ClassifyBatchPadded</c>: the same verdicts as <see cref="ClassifyBatch"/> for frames with at least
    /// <see cref="FrameParser.PaddedFrameBytes"/> bytes of the buffer from their start (the emulator's buffers), loaded without
    /// clamps. <see cref="ClassifyBatch"/> when the dispatcher has no padded entry.
    /// </summary>
    public BatchClassifier ClassifyBatchPadded { get; }

    /// <summary>
    /// The RSS redirection tables its classify methods read (those of its <c>rss</c> pools), or null when it has no
    /// <c>rss</c> pool or does not expose them. Generated dispatchers with <c>rss</c> pools and runtime-loaded ones set it;
    /// a <see cref="Emulator.QueueBalancer"/> rewrites them through it, so a NIC built from this description spreads
    /// its pools' frames as the balancer decides.
    /// </summary>
    public Classification.RedirectionTables? Redirection { get; init; }

    /// <summary>
    /// The traffic classes its rules declare (<c>class</c> statements), by traffic class number; empty when they declare
    /// none. With classes, pool rates or pool bandwidth shares, an emulated NIC built from this description schedules its
    /// transmit side by them (strict priority, then ETS); otherwise round robin.
    /// </summary>
    public IReadOnlyList<TrafficClassInfo> TrafficClasses { get; init; } = Array.Empty<TrafficClassInfo>();

    /// <summary>How the NIC switches frames its VMs transmit (the rules file's <c>switch</c> statement; <see cref="SwitchMode.Veb"/> when not given).</summary>
    public SwitchMode Switching { get; init; }

    /// <summary>
    /// The L2 forwarding data the NIC's switch uses for transmitted frames (the <c>mac</c>, <c>mac ... vlan</c> and <c>vlan</c> rules
    /// and the pools' VLAN membership; with S-channels, each filter's and pool's channel and the channels' S-VIDs and modes). For a
    /// runtime-loaded dispatcher, that of the rules in force. <see cref="L2ForwardingTable.Empty"/> when not given: every transmitted
    /// frame then goes to the uplink.
    /// </summary>
    public L2ForwardingTable L2Forwarding
    {
        get => Runtime?.L2Forwarding ?? _l2;
        init => _l2 = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The runtime dispatcher this describes, or null for a generated one (whose rules are fixed at build time).</summary>
    internal RuntimeDispatcher? Runtime { get; init; }

    /// <summary>The rules file it was generated from (file name only).</summary>
    public string RulesFile { get; }

    /// <summary>Number of pools on the NIC (<c>nic pools</c>).</summary>
    public int PoolCount { get; }

    /// <summary>Queues per pool (<c>nic queues</c>).</summary>
    public int QueuesPerPool { get; }

    /// <summary>Descriptors per RX ring (<c>nic ring</c>).</summary>
    public int RingSize { get; }

    /// <summary>Where unmatched frames go.</summary>
    public int DefaultPool { get; }

    /// <summary>The UDP port that carries VXLAN.</summary>
    public int VxlanPort { get; }

    /// <summary>Declared pools, by index.</summary>
    public IReadOnlyList<PoolInfo> Pools { get; }

    /// <summary>The generated single-frame classifier.</summary>
    public FrameClassifier Classify { get; }

    /// <summary>The generated batch classifier.</summary>
    public BatchClassifier ClassifyBatch { get; }

    /// <summary>The generated replica-set lookup.</summary>
    public ReplicaResolver Replicas { get; }

    /// <summary>The declared pool at <paramref name="index"/>, or null for an undeclared (anonymous) pool.</summary>
    public PoolInfo? FindPool(int index) => _poolsByIndex.TryGetValue(index, out var pool) ? pool : null;

    /// <summary>A display name for pool <paramref name="index"/>: its declared name or <c>pool{index}</c>.</summary>
    public string PoolName(int index) => FindPool(index)?.Name ?? $"pool{index}";
}
