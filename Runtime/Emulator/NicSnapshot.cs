using System.Collections.Generic;

namespace Vmdq.Toolkit.Emulator;

/// <summary>One RX queue's figures at a moment.</summary>
/// <param name="Pool">Pool index.</param>
/// <param name="Queue">Queue within the pool.</param>
/// <param name="Enqueued">Descriptors the receive path put on the ring.</param>
/// <param name="EnqueuedBytes">Their frame bytes.</param>
/// <param name="Dequeued">Descriptors consumers took off the ring (delivered).</param>
/// <param name="DequeuedBytes">Their frame bytes.</param>
/// <param name="Drops">Drops charged to this queue (only <see cref="DropReason.RingFull"/> is per queue).</param>
/// <param name="Occupancy">Descriptors in the ring.</param>
/// <param name="Capacity">The ring's size.</param>
/// <param name="IsCongested">True between a high-watermark crossing and the following clearing.</param>
/// <param name="IsBound">True when the pool's current queue set includes this queue (new traffic may arrive).</param>
public readonly record struct QueueSnapshot(
    int Pool, int Queue, long Enqueued, long EnqueuedBytes, long Dequeued, long DequeuedBytes, DropCounts Drops,
    int Occupancy, int Capacity, bool IsCongested, bool IsBound);

/// <summary>One pool's totals at a moment.</summary>
/// <param name="Index">Pool index.</param>
/// <param name="Name">Declared name or <c>pool{index}</c>.</param>
/// <param name="Vm">Name of the attached VM, or null.</param>
/// <param name="Queues">The pool's current queue set.</param>
/// <param name="Enqueued">Descriptors enqueued on its rings.</param>
/// <param name="EnqueuedBytes">Their frame bytes.</param>
/// <param name="Dequeued">Descriptors delivered from its rings.</param>
/// <param name="DequeuedBytes">Their frame bytes.</param>
/// <param name="Drops">Drops charged to its queues.</param>
/// <param name="Occupancy">Descriptors waiting in its rings.</param>
/// <param name="CongestedQueues">How many of its rings are congested.</param>
public sealed record PoolSnapshot(
    int Index, string Name, string? Vm, IReadOnlyList<int> Queues, long Enqueued, long EnqueuedBytes, long Dequeued,
    long DequeuedBytes, DropCounts Drops, int Occupancy, int CongestedQueues)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: queues {string.Join(",", Queues)}, {(Vm is null ? "no VM" : "VM " + Vm)}, enqueued {Enqueued} ({EnqueuedBytes} B), "
        + $"delivered {Dequeued} ({DequeuedBytes} B), in rings {Occupancy}, drops {Drops.Total}"
        + (CongestedQueues > 0 ? $", {CongestedQueues} congested" : string.Empty);
}

/// <summary>
/// The NIC's figures at a moment (<see cref="NicEmulator.Snapshot"/>): the port, every queue, every
/// pool, and the buffers. Each figure is read atomically; while traffic flows they are not taken at
/// one instant, so identities such as <see cref="IsBalanced"/> hold exactly only when the NIC is idle.
/// </summary>
/// <param name="Received">Frames that arrived at the port (every frame passed to a receive call).</param>
/// <param name="ReceivedBytes">Their bytes.</param>
/// <param name="ReplicaCopies">Extra descriptors made by replication (a frame to N pools adds N - 1).</param>
/// <param name="PortDrops">Drops charged to the port (no buffer, rule drop, runt, oversize, invalid verdict).</param>
/// <param name="Queues">Every queue, by pool then queue.</param>
/// <param name="Pools">Every pool, by index.</param>
/// <param name="Buffers">Where the buffers are.</param>
/// <param name="Transmit">The transmit side: TX queues, their drops, the wire.</param>
public sealed record NicSnapshot(
    long Received, long ReceivedBytes, long ReplicaCopies, DropCounts PortDrops, IReadOnlyList<QueueSnapshot> Queues,
    IReadOnlyList<PoolSnapshot> Pools, BufferAccounting Buffers, TransmitSnapshot Transmit)
{
    /// <summary>Descriptors enqueued on all rings.</summary>
    public long Enqueued => Sum(static q => q.Enqueued);

    /// <summary>Descriptors delivered from all rings.</summary>
    public long Dequeued => Sum(static q => q.Dequeued);

    /// <summary>Descriptors waiting in all rings.</summary>
    public long InRings => Sum(static q => q.Occupancy);

    /// <summary>All drops, port and queues.</summary>
    public DropCounts Drops
    {
        get
        {
            var total = PortDrops;
            foreach (var queue in Queues)
            {
                total += queue.Drops;
            }

            return total;
        }
    }

    /// <summary>
    /// True when every receive descriptor is accounted for: received + replica copies + the switch's local copies of transmitted
    /// frames (<see cref="TransmitSnapshot.LocalCopies"/>) = delivered + waiting in rings + dropped.
    /// </summary>
    public bool IsReceiveBalanced => Received + ReplicaCopies + Transmit.LocalCopies == Dequeued + InRings + Drops.Total;

    /// <summary>
    /// True when every frame in both directions is accounted for: offered (received + posted for transmit) plus replica
    /// copies = delivered + waiting in RX rings + on the wire (transmitted, in TX rings, in flight) + dropped by reason,
    /// each direction on its own (<see cref="IsReceiveBalanced"/>, <see cref="TransmitSnapshot.IsBalanced"/>), so an
    /// error in one cannot hide behind one in the other. Every buffer back is <see cref="BufferAccounting.IsConserved"/>
    /// with <c>Buffers.Free == Buffers.Total</c> once consumers released and completions were polled.
    /// </summary>
    public bool IsBalanced => IsReceiveBalanced && Transmit.IsBalanced;

    /// <summary>The snapshot of queue <paramref name="queue"/> of pool <paramref name="pool"/>.</summary>
    public QueueSnapshot Queue(int pool, int queue)
    {
        foreach (var q in Queues)
        {
            if (q.Pool == pool && q.Queue == queue)
            {
                return q;
            }
        }

        throw new System.ArgumentOutOfRangeException(nameof(queue), $"No queue {queue} in pool {pool} in this snapshot.");
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"received {Received} ({ReceivedBytes} B), replica copies {ReplicaCopies}, enqueued {Enqueued}, delivered {Dequeued}, in rings {InRings}, "
        + $"drops {Drops.Total} ({Drops}), buffers {Buffers.Free}/{Buffers.Total} free; transmit: {Transmit}";

    private long Sum(System.Func<QueueSnapshot, long> figure)
    {
        long total = 0;
        foreach (var queue in Queues)
        {
            total += figure(queue);
        }

        return total;
    }
}
