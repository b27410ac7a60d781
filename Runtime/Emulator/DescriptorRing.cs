using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// A lock-free single-producer/single-consumer ring of descriptors (the model is DPDK's
/// <c>rte_ring</c> in SP/SC mode). Slots are a power-of-two array indexed by monotonic head and tail
/// counters on separate cache lines.
/// </summary>
/// <typeparam name="T">The descriptor type (a small struct such as <see cref="RxDescriptor"/>).</typeparam>
/// <remarks>
/// <para><b>Threading.</b> At most one thread enqueues and at most one thread dequeues at a time (they
/// may be different threads, and may change over time if the handover is ordered, e.g. by a lock or an
/// interlocked lease as <see cref="NicEmulator"/> does). <see cref="Count"/> and the other read-only
/// properties may be read from any thread; from a third thread they are a moment's approximation.</para>
/// <para><b>Burst and bulk.</b> As in <c>rte_ring</c>: <see cref="EnqueueBurst"/> and
/// <see cref="DequeueBurst"/> move as many items as fit (or are there), from the front of the span,
/// and return how many; <see cref="EnqueueBulk"/> and <see cref="DequeueBulk"/> move all of them or
/// none. Either way the items keep their order, and a burst is published with one release store.</para>
/// <para><see cref="Capacity"/> may be any positive number; the slot array is rounded up to a power of
/// two and the ring never holds more than <see cref="Capacity"/> items.</para>
/// </remarks>
public sealed class DescriptorRing<T>
    where T : struct
{
    private readonly T[] _slots;
    private readonly long _mask;
    private readonly int _capacity;
    private RingIndices _indices;

    /// <summary>Creates an empty ring.</summary>
    /// <param name="capacity">Most items it holds, 1..2^30.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="capacity"/> is outside 1..2^30.</exception>
    public DescriptorRing(int capacity)
    {
        if (capacity < 1 || capacity > (1 << 30))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A ring's capacity must be 1..1073741824.");
        }

        int slots = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new T[slots];
        _mask = slots - 1;
        _capacity = capacity;
    }

    /// <summary>Most items the ring holds.</summary>
    public int Capacity => _capacity;

    /// <summary>Items in the ring now (exact on the producer or consumer thread when the other side is idle).</summary>
    public int Count
    {
        get
        {
            // Head first: read the other way, a dequeue in between could make the count negative.
            long head = Volatile.Read(ref _indices.Head);
            long tail = Volatile.Read(ref _indices.Tail);
            long count = tail - head;
            return count < 0 ? 0 : count > _capacity ? _capacity : (int)count;
        }
    }

    /// <summary>Free descriptors now.</summary>
    public int FreeSpace => _capacity - Count;

    /// <summary>True when the ring holds nothing.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>True when the ring holds <see cref="Capacity"/> items.</summary>
    public bool IsFull => Count == _capacity;

    /// <summary>Producer: enqueues one item; false (and nothing changes) when the ring is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(in T item)
    {
        if (!TryStage(0, item))
        {
            return false;
        }

        Publish(1);
        return true;
    }

    /// <summary>
    /// Producer, two-phase enqueue (the NIC's receive burst): writes <paramref name="item"/> into the slot
    /// <paramref name="staged"/> places after the tail, where no consumer sees it until <see cref="Publish"/>.
    /// False, writing nothing, when the ring has no room for it beside the items already staged.
    /// </summary>
    /// <param name="staged">Items staged since the last <see cref="Publish"/> (0 for the first).</param>
    /// <param name="item">The item.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryStage(int staged, in T item)
    {
        long at = _indices.Tail + staged;
        if (at - _indices.CachedHead >= _capacity)
        {
            _indices.CachedHead = Volatile.Read(ref _indices.Head);
            if (at - _indices.CachedHead >= _capacity)
            {
                return false;
            }
        }

        _slots[at & _mask] = item;
        return true;
    }

    /// <summary>Producer: makes the <paramref name="staged"/> items written by <see cref="TryStage"/> visible, oldest first, with one release store.</summary>
    internal void Publish(int staged) => Volatile.Write(ref _indices.Tail, _indices.Tail + staged);

    /// <summary>
    /// Producer, burst semantics: enqueues the longest prefix of <paramref name="items"/> that fits
    /// and returns its length (0 when the ring is full). The caller still owns the rest.
    /// </summary>
    public int EnqueueBurst(ReadOnlySpan<T> items) => Enqueue(items, allOrNothing: false);

    /// <summary>Producer, bulk semantics: enqueues all of <paramref name="items"/>, or nothing when they do not all fit.</summary>
    /// <returns>True when all were enqueued (always for an empty span).</returns>
    public bool EnqueueBulk(ReadOnlySpan<T> items) => Enqueue(items, allOrNothing: true) == items.Length;

    /// <summary>Consumer: dequeues one item; false when the ring is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue(out T item)
    {
        long head = _indices.Head;
        if (head == _indices.CachedTail)
        {
            _indices.CachedTail = Volatile.Read(ref _indices.Tail);
            if (head == _indices.CachedTail)
            {
                item = default;
                return false;
            }
        }

        ref T slot = ref _slots[head & _mask];
        item = slot;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            slot = default;
        }

        Volatile.Write(ref _indices.Head, head + 1);
        return true;
    }

    /// <summary>
    /// Consumer, burst semantics: dequeues up to <paramref name="destination"/>.Length items, oldest
    /// first, into the front of it and returns how many (0 when the ring is empty).
    /// </summary>
    public int DequeueBurst(Span<T> destination) => Dequeue(destination, allOrNothing: false);

    /// <summary>Consumer, bulk semantics: fills all of <paramref name="destination"/>, or takes nothing when fewer items are there.</summary>
    /// <returns>True when <paramref name="destination"/> was filled (always for an empty span).</returns>
    public bool DequeueBulk(Span<T> destination) => Dequeue(destination, allOrNothing: true) == destination.Length;

    /// <summary>
    /// Copies the items now in the ring, oldest first, into <paramref name="destination"/> without
    /// dequeuing them; returns how many were copied. From a thread other than the consumer's, the
    /// result is a best-effort look (slots may be reused while it reads); for diagnostics only.
    /// </summary>
    public int Peek(Span<T> destination)
    {
        long head = Volatile.Read(ref _indices.Head);
        long tail = Volatile.Read(ref _indices.Tail);
        long available = tail - head;
        if (available <= 0)
        {
            return 0;
        }

        int n = (int)Math.Min(Math.Min(available, destination.Length), _capacity);
        CopyOut(head, destination.Slice(0, n), clear: false);
        return n;
    }

    private int Enqueue(ReadOnlySpan<T> items, bool allOrNothing)
    {
        if (items.IsEmpty)
        {
            return 0;
        }

        long tail = _indices.Tail;
        long free = _capacity - (tail - _indices.CachedHead);
        if (free < items.Length)
        {
            _indices.CachedHead = Volatile.Read(ref _indices.Head);
            free = _capacity - (tail - _indices.CachedHead);
        }

        int n = (int)Math.Min(free, items.Length);
        if (n <= 0 || (allOrNothing && n < items.Length))
        {
            return 0;
        }

        // At most two copies: up to the end of the array, then from its start.
        int start = (int)(tail & _mask);
        int first = Math.Min(n, _slots.Length - start);
        items.Slice(0, first).CopyTo(_slots.AsSpan(start, first));
        if (first < n)
        {
            items.Slice(first, n - first).CopyTo(_slots.AsSpan(0, n - first));
        }

        // Release: the slot writes above are visible before the new tail is.
        Volatile.Write(ref _indices.Tail, tail + n);
        return n;
    }

    private int Dequeue(Span<T> destination, bool allOrNothing)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        long head = _indices.Head;
        long available = _indices.CachedTail - head;
        if (available < destination.Length)
        {
            // Acquire: slot contents written before this tail are visible below.
            _indices.CachedTail = Volatile.Read(ref _indices.Tail);
            available = _indices.CachedTail - head;
        }

        int n = (int)Math.Min(available, destination.Length);
        if (n <= 0 || (allOrNothing && n < destination.Length))
        {
            return 0;
        }

        CopyOut(head, destination.Slice(0, n), clear: RuntimeHelpers.IsReferenceOrContainsReferences<T>());

        // Release: the slot reads above complete before the producer may reuse the slots.
        Volatile.Write(ref _indices.Head, head + n);
        return n;
    }

    private void CopyOut(long head, Span<T> destination, bool clear)
    {
        int n = destination.Length;
        int start = (int)(head & _mask);
        int first = Math.Min(n, _slots.Length - start);
        _slots.AsSpan(start, first).CopyTo(destination);
        if (first < n)
        {
            _slots.AsSpan(0, n - first).CopyTo(destination.Slice(first));
        }

        if (clear)
        {
            _slots.AsSpan(start, first).Clear();
            _slots.AsSpan(0, n - first).Clear();
        }
    }
}
