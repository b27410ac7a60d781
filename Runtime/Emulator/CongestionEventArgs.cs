using System;

namespace Vmdq.Toolkit.Emulator;

/// <summary>A ring crossed its high watermark (became congested) or fell to its low watermark (cleared).</summary>
public sealed class CongestionEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public CongestionEventArgs(int pool, string poolName, int queue, bool isCongested, int occupancy, int capacity, long transition)
    {
        Pool = pool;
        PoolName = poolName;
        Queue = queue;
        IsCongested = isCongested;
        Occupancy = occupancy;
        Capacity = capacity;
        Transition = transition;
    }

    /// <summary>The ring's pool index.</summary>
    public int Pool { get; }

    /// <summary>The pool's declared name (or <c>pool{index}</c>).</summary>
    public string PoolName { get; }

    /// <summary>The ring's queue within the pool.</summary>
    public int Queue { get; }

    /// <summary>True: the ring became congested; false: it cleared.</summary>
    public bool IsCongested { get; }

    /// <summary>Descriptors in the ring when the change was seen.</summary>
    public int Occupancy { get; }

    /// <summary>The ring's size.</summary>
    public int Capacity { get; }

    /// <summary>1 for the ring's first change, 2 for the next, ...: odd numbers are congestions, even ones clearings.</summary>
    public long Transition { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{PoolName} queue {Queue} {(IsCongested ? "congested" : "cleared")} at {Occupancy}/{Capacity} (transition {Transition})";
}
