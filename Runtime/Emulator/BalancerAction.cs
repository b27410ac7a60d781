namespace Vmdq.Toolkit.Emulator;

/// <summary>What a <see cref="QueueBalancer"/> did to a pool's queue set.</summary>
public enum BalancerAction
{
    /// <summary>Added queues: the pool was overloaded (ring-full drops, congestion, or a ring at the grow threshold).</summary>
    Grow,

    /// <summary>Gave a queue back: the pool stayed idle for the dwell time.</summary>
    Shrink,
}
