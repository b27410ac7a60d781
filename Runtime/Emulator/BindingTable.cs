using System;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// Which queues each pool's traffic goes to: an immutable table. The control plane builds a new one
/// and publishes it with one reference write; the receive path reads the reference once per burst,
/// so a burst sees either the old table or the new one, never a mix.
/// </summary>
internal sealed class BindingTable
{
    /// <summary>Verdict queues a table maps (a verdict's queue field has 4 bits).</summary>
    public const int VerdictQueues = 16;

    /// <summary>Per pool, the queue (within the pool) for each verdict queue 0..15: <c>QueueMap[pool * 16 + verdictQueue]</c>.</summary>
    public readonly byte[] QueueMap;

    /// <summary>Per pool, its queue set in the order given.</summary>
    public readonly int[][] QueueSets;

    public BindingTable(int[][] queueSets)
    {
        QueueSets = queueSets;
        QueueMap = new byte[queueSets.Length * VerdictQueues];
        for (int pool = 0; pool < queueSets.Length; pool++)
        {
            int[] set = queueSets[pool];
            for (int q = 0; q < VerdictQueues; q++)
            {
                QueueMap[(pool * VerdictQueues) + q] = (byte)Map(set, q);
            }
        }
    }

    /// <summary>A table equal to this one except for <paramref name="pool"/>'s queue set.</summary>
    public BindingTable With(int pool, int[] queues)
    {
        var sets = (int[][])QueueSets.Clone();
        sets[pool] = queues;
        return new BindingTable(sets);
    }

    /// <summary>
    /// The remapping rule: a verdict queue that is in the set keeps its queue; any other goes to
    /// <c>set[q mod set.Length]</c>. Deterministic, and the identity while the set is the pool's
    /// declared range.
    /// </summary>
    public static int Map(int[] set, int verdictQueue) =>
        Array.IndexOf(set, verdictQueue) >= 0 ? verdictQueue : set[verdictQueue % set.Length];
}
