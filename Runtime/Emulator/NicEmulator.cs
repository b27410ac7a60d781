using System;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// An emulated VMDq NIC built from a generated dispatcher's <see cref="DispatcherInfo"/>: one RX and one TX
/// descriptor ring per queue (<c>PoolCount x QueuesPerPool</c> of each, <c>RingSize</c> descriptors), a pool
/// of preallocated buffers, a receive path that lands, classifies and queues bursts of frames, VM consumers
/// that poll their pool's rings and post frames to send, a wire that drains the TX rings at the line rate on
/// a simulated clock, a host control plane that moves traffic while it flows, and counters published
/// through the <c>Vmdq.Nic</c> meter.
/// </summary>
/// <remarks>
/// <para><b>Threading</b> (see also Runtime/Emulator/README.md):</para>
/// <list type="bullet">
/// <item><description>Receive path (<c>ReceiveBurst</c>): one thread at a time, the "wire". A second
/// thread entering while one is inside gets an <see cref="InvalidOperationException"/>. The switch's local
/// deliveries (the wire thread putting a transmitted frame on an RX ring, <see cref="Switching"/>) and a
/// receive call wait for each other instead, one frame or one burst at a time.</description></item>
/// <item><description>Consumers (<see cref="VmConsumer.Poll"/>, <see cref="ReceiveFromQueue"/>): any thread,
/// typically one per VM. Each ring has at most one consumer at a time (an interlocked lease per burst);
/// a ring that another thread is draining is skipped, never waited for.</description></item>
/// <item><description>Transmit (<see cref="VmConsumer.TransmitBurst(int, ReadOnlySpan{TxFrame})"/>, <see cref="VmConsumer.PollCompletions"/>):
/// any thread, typically the VM's. The wire (<see cref="AdvanceWire"/>, <see cref="DrainWire"/>): one thread at a time;
/// a second gets an <see cref="InvalidOperationException"/>.</description></item>
/// <item><description>Releasing buffers, reading frames: any thread.</description></item>
/// <item><description>Control plane (attach, detach, move, rebind, resize): any thread, serialized by a
/// lock; each change is published as one immutable table, atomically for the receive path.</description></item>
/// <item><description>Snapshots, <see cref="CheckBuffers"/>, metrics: any thread; figures are exact when
/// the NIC is idle.</description></item>
/// <item><description><see cref="CongestionChanged"/> is raised on the receive thread or a consumer thread,
/// one event at a time, in transition order.</description></item>
/// </list>
/// </remarks>
public sealed partial class NicEmulator : IDisposable
{
    private readonly DispatcherInfo _info;
    private readonly BufferPool _buffers;
    private readonly RxQueue[] _queues;
    private readonly NicInstruments _metrics;
    private readonly int _maxBurst;

    /// <summary>Creates the NIC: every ring empty, every buffer free, each pool bound to its declared queues, no VM attached.</summary>
    /// <param name="info">The dispatcher's description (geometry, pools, classify delegates).</param>
    /// <param name="options">Buffer and watermark settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">When an option or a declared pool is out of range.</exception>
    public NicEmulator(DispatcherInfo info, NicOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        options ??= new NicOptions();
        _info = info;
        Options = options;
        Name = options.Name ?? info.Name;

        if (info.QueuesPerPool > BindingTable.VerdictQueues)
        {
            throw new ArgumentOutOfRangeException(nameof(info), info.QueuesPerPool, $"A pool has 1..{BindingTable.VerdictQueues} queues (a verdict's queue field has 4 bits).");
        }

        if (options.MaxBurst < 1 || options.MaxBurst > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBurst, "NicOptions.MaxBurst must be 1..4096.");
        }

        if (!(options.LowWatermark >= 0 && options.LowWatermark < options.HighWatermark && options.HighWatermark <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{options.LowWatermark}/{options.HighWatermark}", "Watermarks must satisfy 0 <= LowWatermark < HighWatermark <= 1.");
        }

        if (options.LineRateBitsPerSecond < 1000 || options.LineRateBitsPerSecond > NicOptions.MaxLineRateBitsPerSecond)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LineRateBitsPerSecond, $"NicOptions.LineRateBitsPerSecond must be 1000..{NicOptions.MaxLineRateBitsPerSecond}.");
        }

        int ringCount = info.PoolCount * info.QueuesPerPool;
        long defaultCount = Math.Min((2L * ringCount * info.RingSize) + options.MaxBurst, NicOptions.DefaultBufferCountCap);
        _buffers = new BufferPool(options.BufferCount ?? (int)defaultCount, options.BufferSize);
        _maxBurst = options.MaxBurst;

        int high = Math.Max(1, (int)Math.Ceiling(info.RingSize * options.HighWatermark));
        int low = Math.Min(high - 1, (int)Math.Floor(info.RingSize * options.LowWatermark));
        _lineRate = options.LineRateBitsPerSecond;
        _scheduler = SchedulerFor(info);
        _queues = new RxQueue[ringCount];
        _txQueues = new TxQueue[ringCount];
        _runFrames = new long[ringCount];
        _runBytes = new long[ringCount];
        _runSwitched = new long[ringCount];
        _runRuleDrops = new long[ringCount];
        _runToSender = new long[ringCount];
        var sets = new int[info.PoolCount][];
        for (int pool = 0; pool < info.PoolCount; pool++)
        {
            string poolName = info.PoolName(pool);
            for (int queue = 0; queue < info.QueuesPerPool; queue++)
            {
                _queues[(pool * info.QueuesPerPool) + queue] = new RxQueue(pool, queue, poolName, info.RingSize, high, low);
                _txQueues[(pool * info.QueuesPerPool) + queue] = new TxQueue(pool, queue, poolName, info.RingSize, _maxBurst);
            }

            sets[pool] = DeclaredQueues(info, pool);
        }

        _bindings = new BindingTable(sets);
        _txPolicy = TransmitPolicy.Of(info);
        _stripVlan = new bool[info.PoolCount];
        foreach (var pool in info.Pools)
        {
            if ((uint)pool.Index < (uint)info.PoolCount)
            {
                _stripVlan[pool.Index] = pool.VlanInsert != 0;
            }
        }
        CheckL2(info);
        _switchMode = info.Switching;
        _sChannels = info.L2Forwarding.HasChannels;
        _sTagScratch = _sChannels ? new byte[_buffers.BufferSize + STagBytes] : Array.Empty<byte>();
        _floodPools = new int[info.PoolCount];
        _vmByPool = new VmConsumer?[info.PoolCount];

        _slices = new FrameSlice[_maxBurst];
        _verdicts = new Verdict[_maxBurst];
        _frameBuffers = new int[_maxBurst];
        _frameSequences = new long[_maxBurst];
        _rented = new int[_maxBurst];
        _ringStaged = new int[ringCount];
        _ringRefused = new int[ringCount];
        _ringStagedBytes = new long[ringCount];
        _touched = new int[ringCount];
        _pendingChecks = new int[ringCount];
        _pendingFlags = new bool[ringCount];
        _ringEpochs = new long[ringCount];

        _metrics = new NicInstruments(Name, _queues, _txQueues, _buffers, WireUtilization, PoolQueueCounts);
    }

    /// <summary>The dispatcher this NIC classifies with.</summary>
    public DispatcherInfo Info => _info;

    /// <summary>The options it was built with.</summary>
    public NicOptions Options { get; }

    /// <summary>Its name in metrics.</summary>
    public string Name { get; }

    /// <summary>Number of pools.</summary>
    public int PoolCount => _info.PoolCount;

    /// <summary>Queues (rings) per pool.</summary>
    public int QueuesPerPool => _info.QueuesPerPool;

    /// <summary>Descriptors per ring.</summary>
    public int RingSize => _info.RingSize;

    /// <summary>The buffer pool frames land in.</summary>
    public BufferPool Buffers => _buffers;

    /// <summary>
    /// This NIC's receive path as a wire sink: set it as another NIC's <see cref="WireSink"/> and the frames that NIC
    /// transmits are received, classified and delivered here, as if the two ports were cabled back to back.
    /// </summary>
    public ITransmitSink AsTransmitSink() => new NicReceiveSink(this);

    /// <summary>Stops publishing metrics (disposes the meter). Rings and buffers stay usable.</summary>
    public void Dispose() => _metrics.Dispose();

    /// <summary>Reads a frame in place from its buffer (no copy); valid until the descriptor is released.</summary>
    /// <exception cref="InvalidOperationException">When the descriptor was already released and its buffer reused.</exception>
    public ReadOnlySpan<byte> GetFrame(in RxDescriptor descriptor) => _buffers.GetFrame(descriptor);

    /// <summary>Releases a descriptor's buffer reference (any thread). Each descriptor is released exactly once.</summary>
    /// <exception cref="InvalidOperationException">On a double release or a stale descriptor.</exception>
    public void Release(in RxDescriptor descriptor) => _buffers.Release(descriptor);

    /// <summary>Releases every descriptor in <paramref name="descriptors"/>.</summary>
    /// <exception cref="InvalidOperationException">On a double release or a stale descriptor (those before it are released).</exception>
    public void Release(ReadOnlySpan<RxDescriptor> descriptors) => _buffers.Release(descriptors);

    private void CheckPool(int pool, string paramName = "pool")
    {
        if ((uint)pool >= (uint)_info.PoolCount)
        {
            throw new ArgumentOutOfRangeException(paramName, pool, $"A pool index must be 0..{_info.PoolCount - 1}.");
        }
    }

    private void CheckQueue(int queue, string paramName = "queue")
    {
        if ((uint)queue >= (uint)_info.QueuesPerPool)
        {
            throw new ArgumentOutOfRangeException(paramName, queue, $"A queue index must be 0..{_info.QueuesPerPool - 1}.");
        }
    }

    private static int[] DeclaredQueues(DispatcherInfo info, int pool)
    {
        var declared = info.FindPool(pool);
        if (declared is null)
        {
            return Range(0, info.QueuesPerPool);
        }

        if (declared.FirstQueue < 0 || declared.LastQueue < declared.FirstQueue || declared.LastQueue >= info.QueuesPerPool)
        {
            throw new ArgumentOutOfRangeException(
                nameof(info),
                $"{declared.FirstQueue}..{declared.LastQueue}",
                $"Pool {pool} ('{declared.Name}') declares queues {declared.FirstQueue}..{declared.LastQueue}; they must lie in 0..{info.QueuesPerPool - 1}.");
        }

        return Range(declared.FirstQueue, declared.LastQueue - declared.FirstQueue + 1);
    }

    private static int[] Range(int first, int count)
    {
        var queues = new int[count];
        for (int i = 0; i < count; i++)
        {
            queues[i] = first + i;
        }

        return queues;
    }

    private string Describe(int pool) => $"pool {pool} ('{_info.PoolName(pool)}')";
}
