using System;
using System.Collections.Generic;

namespace Vmdq.Toolkit.Emulator;

/// <summary>How a <see cref="QueueBalancer"/> samples its pools and when it grows or shrinks their queue sets.</summary>
public sealed class QueueBalancerOptions
{
    /// <summary>How often the balancer samples ring occupancy, drops and congestion events (100 ms by default).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The least time between two decisions on one pool (1 s by default), and how long a pool must stay idle
    /// before it shrinks: a change has time to show its effect before the next one.
    /// </summary>
    public TimeSpan DwellTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A pool grows when one of its active rings holds at least this fraction of the ring (0.5 by default), or a ring
    /// of it dropped frames or became congested since the last sample.
    /// </summary>
    public double GrowOccupancy { get; init; } = 0.5;

    /// <summary>
    /// A pool is idle while every active ring holds at most this fraction of the ring (0.05 by default), with no drop
    /// and no congestion event. Below <see cref="GrowOccupancy"/>: the gap between the two is the hysteresis.
    /// </summary>
    public double ShrinkOccupancy { get; init; } = 0.05;

    /// <summary>
    /// A pool gives back a queue it was given only once the frames arriving for it fall to this fraction of the rate
    /// that made it grow (0.5 by default), so a load the queue set only just carries does not make it shrink and grow
    /// again. Queues the pool had before the balancer started are given back only when no frame arrives at all.
    /// </summary>
    public double ShrinkLoadRatio { get; init; } = 0.5;

    /// <summary>Queues added by one grow decision (1 by default).</summary>
    public int GrowStep { get; init; } = 1;

    /// <summary>The fewest queues a pool shrinks to (1 by default; at most the pool's allowed queues).</summary>
    public int MinQueues { get; init; } = 1;

    /// <summary>The pools to manage, by index; every <c>rss</c> pool of the dispatcher when null.</summary>
    public IReadOnlyList<int>? Pools { get; init; }

    internal void Validate()
    {
        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "The sampling interval must be positive.");
        }

        if (DwellTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DwellTime), DwellTime, "The dwell time must not be negative.");
        }

        if (!(ShrinkOccupancy >= 0 && ShrinkOccupancy < GrowOccupancy && GrowOccupancy <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(GrowOccupancy), $"{ShrinkOccupancy}/{GrowOccupancy}", "The thresholds must satisfy 0 <= ShrinkOccupancy < GrowOccupancy <= 1.");
        }

        if (!(ShrinkLoadRatio >= 0 && ShrinkLoadRatio < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ShrinkLoadRatio), ShrinkLoadRatio, "The shrink load ratio must be in [0, 1).");
        }

        if (GrowStep < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(GrowStep), GrowStep, "A grow decision adds at least one queue.");
        }

        if (MinQueues < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinQueues), MinQueues, "A pool keeps at least one queue.");
        }
    }
}
