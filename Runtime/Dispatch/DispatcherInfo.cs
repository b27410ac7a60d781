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
/// <param name="Priority">Priority 0..7.</param>
/// <param name="BandwidthPercent">Bandwidth share in percent (0 when not given).</param>
/// <param name="Rss">True for an <c>rss</c> pool: frames its rules send without a queue are spread over its queues by the RSS hash.</param>
public sealed record PoolInfo(string Name, int Index, int FirstQueue, int LastQueue, string? Tenant, int Priority, int BandwidthPercent, bool Rss = false);

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

    /// <summary>How the NIC switches frames its VMs transmit (the rules file's <c>switch</c> statement; <see cref="SwitchMode.Veb"/> when not given).</summary>
    public SwitchMode Switching { get; init; }

    /// <summary>
    /// The L2 forwarding data the NIC's switch uses for transmitted frames (the <c>mac</c>, <c>mac ... vlan</c> and <c>vlan</c> rules
    /// and the pools' VLAN membership). For a runtime-loaded dispatcher, that of the rules in force. <see cref="L2ForwardingTable.Empty"/>
    /// when not given: every transmitted frame then goes to the uplink.
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
