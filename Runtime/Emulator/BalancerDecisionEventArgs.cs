using System;
using System.Collections.Generic;
using System.Globalization;

namespace Vmdq.Toolkit.Emulator;

/// <summary>A <see cref="QueueBalancer"/> decision: which pool, its queue sets before and after, and the figures that caused it.</summary>
public sealed class BalancerDecisionEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public BalancerDecisionEventArgs(
        DateTimeOffset time, int pool, string poolName, BalancerAction action, IReadOnlyList<int> oldQueues, IReadOnlyList<int> newQueues,
        int peakQueue, int peakOccupancy, int capacity, long ringFullDrops, int congestionEvents, long arrivedFrames, TimeSpan sampled, double growRate)
    {
        Time = time;
        Pool = pool;
        PoolName = poolName;
        Action = action;
        OldQueues = oldQueues;
        NewQueues = newQueues;
        PeakQueue = peakQueue;
        PeakOccupancy = peakOccupancy;
        Capacity = capacity;
        RingFullDrops = ringFullDrops;
        CongestionEvents = congestionEvents;
        ArrivedFrames = arrivedFrames;
        Sampled = sampled;
        GrowRate = growRate;
    }

    /// <summary>When it was decided (the balancer's clock).</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The pool's index.</summary>
    public int Pool { get; }

    /// <summary>The pool's declared name (or <c>pool{index}</c>).</summary>
    public string PoolName { get; }

    /// <summary>Grown or shrunk.</summary>
    public BalancerAction Action { get; }

    /// <summary>The pool's active queues before, ascending.</summary>
    public IReadOnlyList<int> OldQueues { get; }

    /// <summary>The pool's active queues after (its queue set and the queues its redirection table names), ascending.</summary>
    public IReadOnlyList<int> NewQueues { get; }

    /// <summary>The active queue whose ring held the most descriptors at the sample.</summary>
    public int PeakQueue { get; }

    /// <summary>Descriptors in that ring at the sample.</summary>
    public int PeakOccupancy { get; }

    /// <summary>The ring size.</summary>
    public int Capacity { get; }

    /// <summary>Ring-full drops on the pool's rings since the previous sample.</summary>
    public long RingFullDrops { get; }

    /// <summary>Congestion events (high-watermark crossings) on the pool's active rings since the previous sample.</summary>
    public int CongestionEvents { get; }

    /// <summary>Frames that arrived for the pool's rings (enqueued or dropped for a full ring) since the previous sample.</summary>
    public long ArrivedFrames { get; }

    /// <summary>The time since the previous sample, over which <see cref="ArrivedFrames"/>, <see cref="RingFullDrops"/> and <see cref="CongestionEvents"/> count.</summary>
    public TimeSpan Sampled { get; }

    /// <summary>Frames per second that arrived for the pool over the sample.</summary>
    public double ArrivalRate => Sampled > TimeSpan.Zero ? ArrivedFrames / Sampled.TotalSeconds : 0;

    /// <summary>
    /// For a shrink, the arrival rate (frames per second) at which the pool grew to the queue count it gives up, or 0
    /// when it had those queues before the balancer started; for a grow, 0.
    /// </summary>
    public double GrowRate { get; }

    /// <summary>Why, in words: the figures that decided it.</summary>
    public string Reason
    {
        get
        {
            var c = CultureInfo.InvariantCulture;
            string window = string.Create(c, $"in {Sampled.TotalMilliseconds:0.#} ms");
            string rate = string.Create(c, $"{ArrivalRate:N0} frames/s");
            return Action == BalancerAction.Grow
                ? string.Create(c, $"queue {PeakQueue} at {PeakOccupancy}/{Capacity}, {RingFullDrops} ring-full drops and {CongestionEvents} congestion events {window} ({rate})")
                : string.Create(c, $"idle: peak ring {PeakOccupancy}/{Capacity}, no drops, {rate}")
                    + (GrowRate > 0 ? string.Create(c, $", below {GrowRate:N0} frames/s at which it grew") : string.Empty);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{PoolName}: {NicMetrics.DecisionName(Action)} queues {string.Join(",", OldQueues)} -> {string.Join(",", NewQueues)} ({Reason})";
}
