using System;
using System.Collections.Generic;
using System.Threading;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// The host as manager of its <c>rss</c> pools (opt-in): samples ring occupancy, ring-full drops and congestion events,
/// and grows an overloaded pool's active queue set within the pool's allowed queues, shrinking it again once idle.
/// Each change rewrites the pool's RSS redirection table (so the pool's flows really spread over the new set: more
/// queues the hash does not name would only add ring space) and rebinds the pool to the set on the NIC. Every decision
/// is raised as <see cref="Decided"/> with its figures and counted in the NIC's <c>Vmdq.Nic</c> meter
/// (<see cref="NicMetrics.BalancerDecisions"/>).
/// </summary>
/// <remarks>
/// <para><b>Rules.</b> At each sample (every <see cref="QueueBalancerOptions.Interval"/>, or <see cref="Evaluate"/>), a pool is
/// <i>overloaded</i> when a ring of it dropped a frame for being full or became congested since the previous sample, or an
/// active ring holds at least <see cref="QueueBalancerOptions.GrowOccupancy"/> of its size; it is <i>idle</i> when every active
/// ring holds at most <see cref="QueueBalancerOptions.ShrinkOccupancy"/>, with no drop and no congestion. An overloaded pool
/// grows by <see cref="QueueBalancerOptions.GrowStep"/> queues (the lowest allowed ones it lacks). A pool idle for the whole
/// dwell time shrinks by one queue (its highest) once the frames arriving for it have fallen to
/// <see cref="QueueBalancerOptions.ShrinkLoadRatio"/> of the rate that made it grow to its size (queues it had before the
/// balancer started go back only when nothing arrives), never below <see cref="QueueBalancerOptions.MinQueues"/>. Two
/// decisions on one pool are at least <see cref="QueueBalancerOptions.DwellTime"/> apart.</para>
/// <para><b>Ownership.</b> A managed pool's redirection table and queue set are the balancer's: it starts from the queues
/// the table names and overwrites hand changes at its next decision. Frames already in a ring the pool leaves stay
/// deliverable (consumers poll every ring of their pool).</para>
/// <para><b>Threading.</b> The timer fires on the <see cref="TimeProvider"/>'s timer thread; <see cref="Evaluate"/> may be
/// called from any thread. Samples are serialized; <see cref="Decided"/> is raised inside the sample, in decision order,
/// and its handlers must not throw (on the timer thread an exception would end the process).</para>
/// </remarks>
public sealed class QueueBalancer : IDisposable
{
    private readonly NicEmulator _nic;
    private readonly RedirectionTables _reta;
    private readonly TimeProvider _time;
    private readonly QueueBalancerOptions _options;
    private readonly ManagedPool[] _pools;
    private readonly ManagedPool?[] _byIndex;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private bool _disposed;

    /// <summary>Creates a balancer for the <c>rss</c> pools of <paramref name="nic"/>'s dispatcher; it samples once started (<see cref="Start"/>) or when asked (<see cref="Evaluate"/>).</summary>
    /// <param name="nic">The NIC; its <see cref="DispatcherInfo.Redirection"/> must be set (a generated dispatcher with <c>rss</c> pools, or a runtime-loaded one).</param>
    /// <param name="options">Thresholds, dwell time, pools; defaults when null.</param>
    /// <param name="timeProvider">The clock and timers (<see cref="TimeProvider.System"/> when null).</param>
    /// <exception cref="InvalidOperationException">The NIC's dispatcher exposes no redirection tables.</exception>
    /// <exception cref="ArgumentException">A pool in <see cref="QueueBalancerOptions.Pools"/> is not an <c>rss</c> pool, or is listed twice; or there is no pool to manage.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public QueueBalancer(NicEmulator nic, QueueBalancerOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(nic);
        options ??= new QueueBalancerOptions();
        options.Validate();
        _nic = nic;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _reta = nic.Info.Redirection ?? throw new InvalidOperationException(
            $"The dispatcher '{nic.Info.Name}' exposes no RSS redirection tables (DispatcherInfo.Redirection): declare a pool with 'rss', or set Redirection on a hand-built DispatcherInfo.");

        var rssPools = new Dictionary<int, RssPool>();
        foreach (var pool in _reta.Pools)
        {
            rssPools[pool.Pool] = pool;
        }

        var chosen = options.Pools ?? [.. rssPools.Keys];
        if (chosen.Count == 0)
        {
            throw new ArgumentException("There is no rss pool to balance.", nameof(options));
        }

        long now = _time.GetTimestamp();
        _byIndex = new ManagedPool?[nic.PoolCount];
        _pools = new ManagedPool[chosen.Count];
        for (int i = 0; i < chosen.Count; i++)
        {
            int index = chosen[i];
            if (!rssPools.TryGetValue(index, out var rss) || (uint)index >= (uint)nic.PoolCount)
            {
                throw new ArgumentException($"Pool {index} is not an rss pool of '{nic.Info.Name}': only rss pools have a redirection table to balance.", nameof(options));
            }

            if (_byIndex[index] is not null)
            {
                throw new ArgumentException($"Pool {index} is listed twice.", nameof(options));
            }

            var managed = new ManagedPool(index, nic.Info.PoolName(index), rss.FirstQueue, rss.LastQueue, ActiveOf(_reta.Get(index)), now);
            managed.MinQueues = Math.Min(options.MinQueues, rss.LastQueue - rss.FirstQueue + 1);
            Baseline(managed);
            _byIndex[index] = managed;
            _pools[i] = managed;
        }

        _nic.CongestionChanged += OnCongestion;
    }

    /// <summary>Raised for every decision, inside the sample that made it (see the remarks on threading).</summary>
    public event EventHandler<BalancerDecisionEventArgs>? Decided;

    /// <summary>The NIC it manages.</summary>
    public NicEmulator Nic => _nic;

    /// <summary>The options it runs with.</summary>
    public QueueBalancerOptions Options => _options;

    /// <summary>The pools it manages, by index.</summary>
    public IReadOnlyList<int> Pools
    {
        get
        {
            var pools = new int[_pools.Length];
            for (int i = 0; i < pools.Length; i++)
            {
                pools[i] = _pools[i].Index;
            }

            return pools;
        }
    }

    /// <summary>Starts sampling every <see cref="QueueBalancerOptions.Interval"/> on the balancer's clock; does nothing when started already.</summary>
    /// <exception cref="ObjectDisposedException">When disposed.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _timer ??= _time.CreateTimer(static state => ((QueueBalancer)state!).Evaluate(), this, _options.Interval, _options.Interval);
        }
    }

    /// <summary>Stops sampling (a sample in progress finishes). The pools keep their current queue sets.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>The active queues of a managed pool, ascending (a copy).</summary>
    /// <exception cref="ArgumentException">When the balancer does not manage <paramref name="pool"/>.</exception>
    public int[] ActiveQueues(int pool)
    {
        var managed = (uint)pool < (uint)_byIndex.Length ? _byIndex[pool] : null;
        if (managed is null)
        {
            throw new ArgumentException($"The balancer does not manage pool {pool}.", nameof(pool));
        }

        lock (_gate)
        {
            return (int[])managed.Active.Clone();
        }
    }

    /// <summary>Samples every managed pool now and makes the decisions due (what the timer does each interval).</summary>
    /// <returns>The decisions made, in the order they were raised; empty when none was due or once disposed.</returns>
    public IReadOnlyList<BalancerDecisionEventArgs> Evaluate()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return [];
            }

            List<BalancerDecisionEventArgs>? decisions = null;
            long now = _time.GetTimestamp();
            foreach (var pool in _pools)
            {
                var decision = Sample(pool, now);
                if (decision is not null)
                {
                    (decisions ??= []).Add(decision);
                    _nic.CountBalancerDecision(pool.Index, decision.Action);
                    Decided?.Invoke(this, decision);
                }
            }

            return decisions is null ? [] : decisions;
        }
    }

    /// <summary>Stops sampling and stops listening to the NIC's congestion events. The pools keep their current queue sets.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }

        _nic.CongestionChanged -= OnCongestion;
    }

    private BalancerDecisionEventArgs? Sample(ManagedPool pool, long now)
    {
        int queuesPerPool = _nic.QueuesPerPool;
        int capacity = _nic.RingSize;
        long arrived = 0, drops = 0;
        int peak = -1, peakQueue = pool.Active[0];
        for (int queue = 0; queue < queuesPerPool; queue++)
        {
            _nic.ReadQueueLoad(pool.Index, queue, out int occupancy, out long queueArrived, out long queueDrops);
            arrived += queueArrived - pool.Arrived[queue];
            drops += queueDrops - pool.Drops[queue];
            pool.Arrived[queue] = queueArrived;
            pool.Drops[queue] = queueDrops;
            if (occupancy > peak && Array.IndexOf(pool.Active, queue) >= 0)
            {
                peak = occupancy;
                peakQueue = queue;
            }
        }

        int congestions = Interlocked.Exchange(ref pool.Congestions, 0);
        TimeSpan sampled = _time.GetElapsedTime(pool.LastSample, now);
        pool.LastSample = now;

        // Idle: calm rings, and the load fallen well below what made the pool grow to its size (to nothing, for the
        // queues it had before the balancer started). The gap between the two conditions is the hysteresis.
        double rate = sampled > TimeSpan.Zero ? arrived / sampled.TotalSeconds : 0;
        int[] old = pool.Active;
        bool overloaded = drops > 0 || congestions > 0 || peak >= capacity * _options.GrowOccupancy;
        bool calm = !overloaded && peak <= capacity * _options.ShrinkOccupancy;
        double growRate = pool.GrowRates.TryPeek(out double top) ? top : 0;
        bool light = growRate > 0 ? rate <= growRate * _options.ShrinkLoadRatio : arrived == 0;
        bool idle = calm && light && old.Length > pool.MinQueues;
        pool.IdleSince = idle ? pool.IdleSince ?? now : null;
        if (pool.LastDecision is { } last && _time.GetElapsedTime(last, now) < _options.DwellTime)
        {
            return null;
        }

        int[] next;
        BalancerAction action;
        if (overloaded && old.Length < pool.LastQueue - pool.FirstQueue + 1)
        {
            action = BalancerAction.Grow;
            next = Grown(pool, old, _options.GrowStep);
            for (int added = old.Length; added < next.Length; added++)
            {
                pool.GrowRates.Push(rate);
            }

            growRate = 0;
        }
        else if (idle && _time.GetElapsedTime(pool.IdleSince!.Value, now) >= _options.DwellTime)
        {
            action = BalancerAction.Shrink;
            next = old[..^1];
            pool.GrowRates.TryPop(out _);
        }
        else
        {
            return null;
        }

        Apply(pool.Index, old, next);
        pool.Active = next;
        pool.LastDecision = now;
        pool.IdleSince = null;
        return new BalancerDecisionEventArgs(
            _time.GetUtcNow(), pool.Index, pool.Name, action, old, next, peakQueue, Math.Max(peak, 0), capacity, drops, congestions, arrived, sampled, growRate);
    }

    /// <summary>
    /// Growing, the NIC binds the new queues before the table names them; shrinking, the table stops naming the queue
    /// before the NIC unbinds it: a burst between the two writes lands on a bound queue either way.
    /// </summary>
    private void Apply(int pool, int[] old, int[] next)
    {
        var table = new byte[Verdict.RetaSize];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = (byte)next[i % next.Length];
        }

        if (next.Length > old.Length)
        {
            _nic.RebindQueues(pool, next);
            _reta.Set(pool, table);
        }
        else
        {
            _reta.Set(pool, table);
            _nic.RebindQueues(pool, next);
        }
    }

    private static int[] Grown(ManagedPool pool, int[] old, int step)
    {
        var next = new List<int>(old);
        for (int queue = pool.FirstQueue; queue <= pool.LastQueue && step > 0; queue++)
        {
            if (Array.IndexOf(old, queue) < 0)
            {
                next.Add(queue);
                step--;
            }
        }

        next.Sort();
        return [.. next];
    }

    private static int[] ActiveOf(byte[] table)
    {
        var set = new SortedSet<int>();
        foreach (byte queue in table)
        {
            set.Add(queue);
        }

        return [.. set];
    }

    private void Baseline(ManagedPool pool)
    {
        for (int queue = 0; queue < _nic.QueuesPerPool; queue++)
        {
            _nic.ReadQueueLoad(pool.Index, queue, out _, out pool.Arrived[queue], out pool.Drops[queue]);
        }
    }

    private void OnCongestion(object? sender, CongestionEventArgs e)
    {
        var pool = (uint)e.Pool < (uint)_byIndex.Length ? _byIndex[e.Pool] : null;
        if (pool is not null && e.IsCongested && Array.IndexOf(Volatile.Read(ref pool.Active), e.Queue) >= 0)
        {
            Interlocked.Increment(ref pool.Congestions);
        }
    }

    /// <summary>A pool under management: its allowed range, active set and the figures of its last sample.</summary>
    private sealed class ManagedPool(int index, string name, int firstQueue, int lastQueue, int[] active, long started)
    {
        public readonly int Index = index;
        public readonly string Name = name;
        public readonly int FirstQueue = firstQueue;
        public readonly int LastQueue = lastQueue;
        public readonly long[] Arrived = new long[BindingTable.VerdictQueues];
        public readonly long[] Drops = new long[BindingTable.VerdictQueues];

        /// <summary>Per grow decision still in force, the arrival rate that caused it (the last one on top).</summary>
        public readonly Stack<double> GrowRates = new();
        public int[] Active = active;
        public int MinQueues = 1;
        public int Congestions;
        public long LastSample = started;
        public long? LastDecision;
        public long? IdleSince;
    }
}
