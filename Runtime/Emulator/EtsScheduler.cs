using System;
using System.Collections.Generic;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// Transmission selection as IEEE 802.1Qaz defines it for a DCB port (802.1Q-2011 clause 8.6.8, with the ETS
/// algorithm of clause 37.3), over the pools of an emulated VMDq NIC, plus a token-bucket rate limit per pool.
/// </summary>
/// <remarks>
/// <para><b>Classes.</b> Each pool's priority (<see cref="PoolInfo.Priority"/>, 0 for an undeclared pool) selects its
/// traffic class through the classes' priority masks (the priority-to-TC table). Strict priority classes go first, the
/// higher traffic class first (8.6.8.1); then the ETS classes (37.3), by deficit round robin over wire bytes
/// (<see cref="EthernetWire.WireBytes"/>) with a quantum of <see cref="QuantumPerPercent"/> bytes per percent of share,
/// as Linux's <c>sch_ets</c> runs ETS bands; then the pools no class takes. Every level is work-conserving: a class
/// with nothing eligible to send is skipped and its deficit cleared, so what it leaves goes to the others in
/// proportion to their shares. Without classes every pool is in one ETS class of 100%.</para>
/// <para><b>Pools within a class</b> share it by weight: a pool's weight is its <see cref="PoolInfo.BandwidthPercent"/>
/// (percent of its class); the pools of the class without one share what those leave equally, and get nothing but
/// idle time when they leave nothing. Among the backlogged pools the scheduler sends from the one with the least
/// service per unit of weight (bytes sent / weight; a pool that falls idle rejoins at the class's current level, so
/// idling earns no credit: start-time fair queuing). Within a pool, its backlogged queues take turns frame by frame.</para>
/// <para><b>Rate limit.</b> A pool with a <see cref="PoolInfo.RateBitsPerSecond"/> R runs a token bucket on the
/// simulated clock (a generic cell rate algorithm): it fills at R bits of wire time per second up to R x
/// <see cref="BurstTolerancePicoseconds"/> (100 us), and the pool may start a frame whenever the bucket is not in
/// debt; the frame's wire bits are then taken from it (so it may go into debt by one frame). Over any interval T a pool
/// sends at most R x (T + 100 us) plus one frame. A pool in debt is not eligible: its class skips it, and when only such
/// pools are backlogged the wire idles until the first of them is eligible again (returned as <c>eligibleAt</c>).</para>
/// </remarks>
internal sealed class EtsScheduler : ITransmitScheduler
{
    /// <summary>DRR quantum per percent of an ETS class's share: 1,024 wire bytes (a 40% class adds 40,960 bytes a round).</summary>
    public const long QuantumPerPercent = 1024;

    /// <summary>The rate limiter's burst tolerance: 100 us of the pool's rate (the bucket's depth).</summary>
    public const long BurstTolerancePicoseconds = 100_000_000;

    /// <summary>A whole class in weight units (a weight is thousandths of a percent of the class).</summary>
    private const long WholeClass = 100_000;

    private readonly int _queuesPerPool;
    private readonly Group[] _strict;
    private readonly Group[] _ets;
    private readonly Group _unclassified;
    private readonly Group?[] _groupOf;
    private readonly long[] _weight;
    private readonly long[] _service;
    private readonly bool[] _eligible;
    private readonly int[] _cursor;
    private readonly long[] _rate;
    private readonly long[] _tat;
    private readonly long[] _tatRemainder;
    private readonly TxDescriptor[] _head = new TxDescriptor[1];
    private int _drr;
    private bool _granted;

    /// <summary>Builds the classes and the pools' weights and limits from <paramref name="info"/>.</summary>
    public EtsScheduler(DispatcherInfo info)
    {
        int pools = info.PoolCount;
        _queuesPerPool = info.QueuesPerPool;
        _groupOf = new Group?[pools];
        _weight = new long[pools];
        _service = new long[pools];
        _eligible = new bool[pools];
        _cursor = new int[pools];
        _rate = new long[pools];
        _tat = new long[pools];
        _tatRemainder = new long[pools];

        var classes = info.TrafficClasses.Count > 0
            ? info.TrafficClasses
            : new[] { new TrafficClassInfo("default", 0, Strict: false, BandwidthPercent: 100, PriorityMask: 0xFF) };
        var groups = new List<Group>();
        foreach (var c in classes)
        {
            groups.Add(new Group(c.Name, c.TrafficClass, c.Strict, Math.Max(1, c.BandwidthPercent) * QuantumPerPercent, c.PriorityMask));
        }

        _unclassified = new Group("(no class)", -1, false, QuantumPerPercent, 0);
        var members = new Dictionary<Group, List<int>>();
        for (int pool = 0; pool < pools; pool++)
        {
            var declared = info.FindPool(pool);
            int priority = declared?.Priority ?? 0;
            _rate[pool] = declared?.RateBitsPerSecond ?? 0;
            Group? group = groups.Find(g => (g.PriorityMask & (1 << priority)) != 0);
            _groupOf[pool] = group;
            group ??= _unclassified;
            if (!members.TryGetValue(group, out var list))
            {
                members[group] = list = new List<int>();
            }

            list.Add(pool);
        }

        foreach (var group in groups)
        {
            group.Pools = members.TryGetValue(group, out var list) ? list.ToArray() : Array.Empty<int>();
            AssignWeights(info, group.Pools);
        }

        _unclassified.Pools = members.TryGetValue(_unclassified, out var rest) ? rest.ToArray() : Array.Empty<int>();
        AssignWeights(info, _unclassified.Pools);

        _strict = groups.FindAll(g => g.Strict).ToArray();
        Array.Sort(_strict, (a, b) => b.TrafficClass.CompareTo(a.TrafficClass));
        _ets = groups.FindAll(g => !g.Strict).ToArray();
        Array.Sort(_ets, (a, b) => a.TrafficClass.CompareTo(b.TrafficClass));
    }

    /// <summary>True when <paramref name="info"/> says anything about transmit: classes, a pool share or a pool rate.</summary>
    public static bool Applies(DispatcherInfo info)
    {
        if (info.TrafficClasses.Count > 0)
        {
            return true;
        }

        foreach (var pool in info.Pools)
        {
            if (pool.BandwidthPercent > 0 || pool.RateBitsPerSecond > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The traffic class pool <paramref name="pool"/> transmits in, or -1 when it is in none.</summary>
    public int TrafficClassOf(int pool) => _groupOf[pool]?.TrafficClass ?? -1;

    /// <summary>Pool <paramref name="pool"/>'s weight within its class, in thousandths of a percent of the class (0: idle time only).</summary>
    public long WeightOf(int pool) => _weight[pool];

    public int Next(TxQueue[] queues, long now, out long eligibleAt)
    {
        eligibleAt = long.MaxValue;
        int pools = _eligible.Length;
        for (int pool = 0; pool < pools; pool++)
        {
            bool backlogged = false;
            int first = pool * _queuesPerPool;
            for (int q = 0; q < _queuesPerPool && !backlogged; q++)
            {
                backlogged = !queues[first + q].Pending.IsEmpty;
            }

            bool eligible = backlogged;
            if (backlogged && _rate[pool] != 0 && _tat[pool] - BurstTolerancePicoseconds > now)
            {
                eligible = false;
                eligibleAt = Math.Min(eligibleAt, _tat[pool] - BurstTolerancePicoseconds);
            }

            if (eligible && !_eligible[pool])
            {
                // Back from idle (or from its rate limit): level with its class, no credit for the time away.
                var group = _groupOf[pool] ?? _unclassified;
                _service[pool] = Math.Max(_service[pool], group.VirtualTime);
            }

            _eligible[pool] = eligible;
        }

        foreach (var group in _strict)
        {
            int pool = Pick(group);
            if (pool >= 0)
            {
                return Commit(group, pool, queues, now);
            }
        }

        if (AnyEligible(_ets))
        {
            // Deficit round robin (Shreedhar and Varghese): each visit to a class with something to send adds its quantum;
            // it sends while its head frame fits its deficit, and the turn passes on. A class with nothing eligible loses its deficit.
            while (true)
            {
                var group = _ets[_drr];
                int pool = Pick(group);
                if (pool < 0)
                {
                    group.Deficit = 0;
                    PassTurn();
                    continue;
                }

                if (!_granted)
                {
                    group.Deficit += group.Quantum;
                    _granted = true;
                }

                int cost = HeadCost(pool, queues, out _);
                if (cost <= group.Deficit)
                {
                    group.Deficit -= cost;
                    return Commit(group, pool, queues, now);
                }

                PassTurn();
            }
        }

        int rest = Pick(_unclassified);
        return rest >= 0 ? Commit(_unclassified, rest, queues, now) : -1;
    }

    private void PassTurn()
    {
        _drr = _drr + 1 == _ets.Length ? 0 : _drr + 1;
        _granted = false;
    }

    private bool AnyEligible(Group[] groups)
    {
        foreach (var group in groups)
        {
            foreach (int pool in group.Pools)
            {
                if (_eligible[pool])
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The eligible pool of <paramref name="group"/> with the least service per weight (pools with weight 0 only when no other is eligible), or -1.</summary>
    private int Pick(Group group)
    {
        int best = -1, idle = -1;
        foreach (int pool in group.Pools)
        {
            if (!_eligible[pool])
            {
                continue;
            }

            if (_weight[pool] > 0)
            {
                if (best < 0 || _service[pool] < _service[best])
                {
                    best = pool;
                }
            }
            else if (idle < 0 || _service[pool] < _service[idle])
            {
                idle = pool;
            }
        }

        return best >= 0 ? best : idle;
    }

    /// <summary>Wire bytes of the frame the pool would send next (its next backlogged queue's head, in turn).</summary>
    private int HeadCost(int pool, TxQueue[] queues, out int index)
    {
        int first = pool * _queuesPerPool;
        for (int k = 0; k < _queuesPerPool; k++)
        {
            int q = _cursor[pool] + k;
            q -= q >= _queuesPerPool ? _queuesPerPool : 0;
            if (queues[first + q].Pending.Peek(_head) == 1)
            {
                index = first + q;
                return EthernetWire.WireBytes(_head[0].Length, _head[0].IncludesFcs);
            }
        }

        // Unreachable: the pool is eligible only when one of its queues is backlogged, and only the wire dequeues.
        throw new InvalidOperationException($"Pool {pool} was picked with every TX queue empty.");
    }

    /// <summary>Charges the pool for its head frame (service, rate bucket, queue turn) and returns that frame's queue.</summary>
    private int Commit(Group group, int pool, TxQueue[] queues, long now)
    {
        int cost = HeadCost(pool, queues, out int index);
        group.VirtualTime = _service[pool];
        _service[pool] += cost * WholeClass / Math.Max(1, _weight[pool]);
        int next = index - (pool * _queuesPerPool) + 1;
        _cursor[pool] = next == _queuesPerPool ? 0 : next;
        long rate = _rate[pool];
        if (rate != 0)
        {
            // GCRA: the theoretical arrival time moves on by the frame's wire time at the pool's rate (the remainder is carried).
            long numerator = (cost * 8L * EthernetWire.PicosecondsPerSecond) + _tatRemainder[pool];
            _tat[pool] = Math.Max(_tat[pool], now) + (numerator / rate);
            _tatRemainder[pool] = numerator % rate;
        }

        return index;
    }

    /// <summary>Weights within a class: declared shares, the rest split equally among the pools without one.</summary>
    private void AssignWeights(DispatcherInfo info, int[] pools)
    {
        long given = 0;
        int without = 0;
        foreach (int pool in pools)
        {
            int share = info.FindPool(pool)?.BandwidthPercent ?? 0;
            given += share * (WholeClass / 100);
            without += share > 0 ? 0 : 1;
        }

        long rest = without == 0 ? 0 : Math.Max(0, WholeClass - given) / without;
        foreach (int pool in pools)
        {
            int share = info.FindPool(pool)?.BandwidthPercent ?? 0;
            _weight[pool] = share > 0 ? share * (WholeClass / 100) : rest;
        }
    }

    private sealed class Group
    {
        public Group(string name, int trafficClass, bool strict, long quantum, int priorityMask)
        {
            Name = name;
            TrafficClass = trafficClass;
            Strict = strict;
            Quantum = quantum;
            PriorityMask = priorityMask;
        }

        public string Name { get; }

        public int TrafficClass { get; }

        public bool Strict { get; }

        public long Quantum { get; }

        public int PriorityMask { get; }

        public int[] Pools { get; set; } = Array.Empty<int>();

        public long Deficit { get; set; }

        /// <summary>The service level of the pool served last: where a pool coming back from idle starts.</summary>
        public long VirtualTime { get; set; }
    }
}
