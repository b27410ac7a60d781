using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// One TX queue of a pool: the descriptors posted and waiting for the wire (<see cref="Pending"/>), the
/// completions of frames that left (<see cref="Done"/>), counters, leases and metric tags.
/// </summary>
/// <remarks>
/// As on a real NIC, a descriptor holds its ring slot from posting until software reaps its completion:
/// at most <see cref="Capacity"/> frames are posted and not yet completed, so neither ring can overflow.
/// <see cref="Pending"/>: producer = the poster (under <see cref="TryAcquirePoster"/>), consumer = the wire.
/// <see cref="Done"/>: producer = the wire, consumer = the reaper (under <see cref="TryAcquireReaper"/>).
/// </remarks>
internal sealed class TxQueue
{
    public readonly DescriptorRing<TxDescriptor> Pending;
    public readonly DescriptorRing<TxCompletion> Done;
    public readonly int Pool;
    public readonly int Queue;
    public readonly int Capacity;

    // Boxed once, so Counter<long>.Add with these tags allocates nothing.
    public readonly KeyValuePair<string, object?> PoolTag;
    public readonly KeyValuePair<string, object?> QueueTag;
    public readonly KeyValuePair<string, object?>[] Tags;

    /// <summary>The poster's staging area (one burst), used under the poster lease.</summary>
    public readonly TxDescriptor[] Stage;

    public TxQueueCounters Counters;

    public TxQueue(int pool, int queue, string poolName, int ringSize, int maxBurst)
    {
        Pending = new DescriptorRing<TxDescriptor>(ringSize);
        Done = new DescriptorRing<TxCompletion>(ringSize);
        Pool = pool;
        Queue = queue;
        Capacity = ringSize;
        PoolTag = new KeyValuePair<string, object?>(NicMetrics.PoolTag, poolName);
        QueueTag = new KeyValuePair<string, object?>(NicMetrics.QueueTag, queue);
        Tags = [PoolTag, QueueTag];
        Stage = new TxDescriptor[maxBurst];
    }

    /// <summary>
    /// Takes the producer side of <see cref="Pending"/>. A VM that was moved may still be posting on its old
    /// pool while that pool's next VM (or the host) posts, so each burst holds this lease.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAcquirePoster() => Interlocked.CompareExchange(ref Counters.PosterLease, 1, 0) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReleasePoster() => Volatile.Write(ref Counters.PosterLease, 0);

    /// <summary>Takes the consumer side of <see cref="Done"/> for one poll of completions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAcquireReaper() => Interlocked.CompareExchange(ref Counters.ReaperLease, 1, 0) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReleaseReaper() => Volatile.Write(ref Counters.ReaperLease, 0);
}

/// <summary>
/// A TX queue's counters: the poster's, the wire's and the reaper's each on their own cache line. Each
/// field has one writer at a time; readers use Volatile.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 5 * RingIndices.CacheLine)]
internal struct TxQueueCounters
{
    // Written by the poster (lease holder) only.
    [FieldOffset(RingIndices.CacheLine)]
    public long Posted;

    [FieldOffset(RingIndices.CacheLine + 8)]
    public long PostedBytes;

    [FieldOffset(RingIndices.CacheLine + 16)]
    public long RingFullDrops;

    [FieldOffset(RingIndices.CacheLine + 24)]
    public long RuntDrops;

    [FieldOffset(RingIndices.CacheLine + 32)]
    public long OversizeDrops;

    [FieldOffset(RingIndices.CacheLine + 40)]
    public int PosterLease;

    [FieldOffset(RingIndices.CacheLine + 48)]
    public long MacSpoofDrops;

    [FieldOffset(RingIndices.CacheLine + 56)]
    public long VlanSpoofDrops;


    // Written by the wire only.
    [FieldOffset(2 * RingIndices.CacheLine)]
    public long Transmitted;

    [FieldOffset(2 * RingIndices.CacheLine + 8)]
    public long TransmittedBytes;

    [FieldOffset(2 * RingIndices.CacheLine + 16)]
    public long WireBytes;

    // Frames the switch delivered locally and never put on the wire, the RX-ring copies it made (flooded frames too),
    // and the frames its lookup dropped (rule drop, to sender).
    [FieldOffset(2 * RingIndices.CacheLine + 24)]
    public long Switched;

    [FieldOffset(2 * RingIndices.CacheLine + 32)]
    public long LocalCopies;

    [FieldOffset(2 * RingIndices.CacheLine + 40)]
    public long RuleDrops;

    [FieldOffset(2 * RingIndices.CacheLine + 48)]
    public long ToSenderDrops;

    // Written by the reaper (lease holder) only.
    [FieldOffset(3 * RingIndices.CacheLine)]
    public long Completed;

    [FieldOffset(3 * RingIndices.CacheLine + 8)]
    public int ReaperLease;

    // Written by the poster (lease holder) only, and only for a burst that had some: its first line is full. A line of its own, so
    // the poster never writes the reaper's.
    [FieldOffset(4 * RingIndices.CacheLine)]
    public long STagSpoofDrops;
}
