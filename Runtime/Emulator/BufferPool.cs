using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// Preallocated fixed-size frame buffers: one pinned array cut into <see cref="BufferCount"/> slices
/// of <see cref="BufferSize"/> bytes (the model is DPDK's <c>rte_mempool</c> of <c>rte_mbuf</c>s).
/// Each buffer has a reference count: one per descriptor that names it, so a replicated
/// broadcast/multicast frame is one buffer with N references, freed when the last is released.
/// </summary>
/// <remarks>
/// <para><b>Threading.</b> Every member may be called from any thread. The free list is a lock-free
/// stack (tagged head); reference counts change with compare-exchange loops.</para>
/// <para><b>Conservation.</b> A buffer is free (reference count 0, on the free list) or in use
/// (count &gt; 0: named by descriptors in rings and/or held by consumers or by a producer that rented
/// it). <see cref="NicEmulator.CheckBuffers"/> checks this against the rings.</para>
/// <para><b>Generations.</b> Renting a buffer bumps its generation; descriptors carry the generation they
/// were made with, so a release or read through a descriptor whose buffer was already recycled is
/// reported instead of corrupting another frame.</para>
/// </remarks>
public sealed class BufferPool
{
    /// <summary>The default buffer size: a 1518-byte Ethernet frame plus headroom, as DPDK's default mbuf.</summary>
    public const int DefaultBufferSize = 2048;

    /// <summary>A buffer size for jumbo frames (9000-byte MTU plus headers).</summary>
    public const int JumboBufferSize = 9216;

    /// <summary>Buffers a burst release gathers before it puts them on the free list.</summary>
    private const int FreeBurst = 64;

    private readonly byte[] _memory;
    private readonly int[] _refCounts;
    private readonly int[] _generations;
    private readonly FreeIndexStack _free;

    /// <summary>Creates a pool with every buffer free.</summary>
    /// <param name="bufferCount">Number of buffers, at least 1.</param>
    /// <param name="bufferSize">Bytes per buffer, 64..65536 (<see cref="DefaultBufferSize"/>, <see cref="JumboBufferSize"/>, ...).</param>
    /// <exception cref="ArgumentOutOfRangeException">When a size is out of range or the pool would exceed 2 GB.</exception>
    public BufferPool(int bufferCount, int bufferSize = DefaultBufferSize)
    {
        if (bufferSize < 64 || bufferSize > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "A buffer size must be 64..65536 bytes.");
        }

        int stride = StrideOf(bufferSize);
        long maxCount = Array.MaxLength / stride;
        if (bufferCount < 1 || bufferCount > maxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferCount), bufferCount, $"A pool of {bufferSize}-byte buffers holds 1..{maxCount} buffers (one array of at most 2 GB).");
        }

        BufferCount = bufferCount;
        BufferSize = bufferSize;
        Stride = stride;
        // Pinned, like DMA memory: frame addresses stay put for the pool's lifetime.
        _memory = GC.AllocateArray<byte>(bufferCount * stride, pinned: true);
        _refCounts = new int[bufferCount];
        _generations = new int[bufferCount];
        _free = new FreeIndexStack(bufferCount);
        for (int i = bufferCount - 1; i >= 0; i--)
        {
            _free.Push(i);
        }
    }

    /// <summary>Number of buffers.</summary>
    public int BufferCount { get; }

    /// <summary>
    /// Bytes from one buffer's start to the next: <see cref="BufferSize"/> rounded up to whole 64-byte lines, plus a line
    /// when that makes an even number of lines. With a power-of-two stride (2048) every frame's first line falls in the
    /// same two sets of a 64-set L1 cache, and a burst of frame headers evicts itself; an odd number of lines spreads
    /// them over every set (DPDK's mbufs are 2176 bytes apart, and its mempool spreads objects the same way).
    /// </summary>
    internal int Stride { get; }

    /// <summary>Where buffer <paramref name="bufferIndex"/> starts in <see cref="Memory"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int OffsetOf(int bufferIndex) => bufferIndex * Stride;

    /// <summary>The stride for buffers of <paramref name="bufferSize"/> bytes (see <see cref="Stride"/>).</summary>
    internal static int StrideOf(int bufferSize)
    {
        int lines = (bufferSize + 63) / 64;
        return (lines | 1) * 64;
    }

    /// <summary>Bytes per buffer: the largest frame the NIC accepts.</summary>
    public int BufferSize { get; }

    /// <summary>Buffers on the free list now (approximate while others rent or release).</summary>
    public int FreeCount => _free.Count;

    /// <summary>The whole pool memory (all buffers back to back); batch classification reads frames in place from it.</summary>
    internal ReadOnlySpan<byte> Memory => _memory;

    /// <summary>
    /// Takes a free buffer with one reference (the caller's). Write the frame with
    /// <see cref="GetWritableBuffer"/>, then hand it to <see cref="NicEmulator.ReceiveBurst(ReadOnlySpan{LandedFrame})"/>
    /// or give it back with <see cref="Release(int)"/>.
    /// </summary>
    /// <returns>False when no buffer is free.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRent(out int bufferIndex)
    {
        if (!_free.TryPop(out bufferIndex))
        {
            return false;
        }

        Claim(bufferIndex);
        return true;
    }

    /// <summary>A buffer just taken off the free list: a new generation, one reference. It is the taker's alone until published (enqueued), so plain writes suffice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Claim(int bufferIndex)
    {
        _generations[bufferIndex]++;
        _refCounts[bufferIndex] = 1;
    }

    /// <summary>All <see cref="BufferSize"/> bytes of a buffer, for whoever holds it to write a frame into.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="bufferIndex"/> is not a buffer of this pool.</exception>
    public Span<byte> GetWritableBuffer(int bufferIndex)
    {
        CheckIndex(bufferIndex);
        return _memory.AsSpan(OffsetOf(bufferIndex), BufferSize);
    }

    /// <summary>The first <paramref name="length"/> bytes of a buffer, read in place (no copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the index or length is out of range.</exception>
    public ReadOnlySpan<byte> GetBuffer(int bufferIndex, int length)
    {
        CheckIndex(bufferIndex);
        if ((uint)length > (uint)BufferSize)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A frame length must be 0..{BufferSize} (the buffer size).");
        }

        return new ReadOnlySpan<byte>(_memory, OffsetOf(bufferIndex), length);
    }

    /// <summary>The frame a descriptor names, read in place from its buffer (no copy).</summary>
    /// <exception cref="InvalidOperationException">When the descriptor is stale: its buffer was released and reused.</exception>
    public ReadOnlySpan<byte> GetFrame(in RxDescriptor descriptor)
    {
        int index = descriptor.BufferIndex;
        CheckIndex(index);
        if (Volatile.Read(ref _refCounts[index]) <= 0 || Volatile.Read(ref _generations[index]) != descriptor.Generation)
        {
            throw StaleDescriptor(descriptor);
        }

        if ((uint)(descriptor.FrameOffset + descriptor.Length) > (uint)BufferSize)
        {
            throw new ArgumentOutOfRangeException(nameof(descriptor), descriptor.Length, $"The descriptor's frame ({descriptor.Length} bytes at offset {descriptor.FrameOffset}) does not fit a buffer of {BufferSize} bytes.");
        }

        return new ReadOnlySpan<byte>(_memory, OffsetOf(index) + descriptor.FrameOffset, descriptor.Length);
    }

    /// <summary>References to a buffer now (0 when free).</summary>
    public int GetRefCount(int bufferIndex)
    {
        CheckIndex(bufferIndex);
        return Volatile.Read(ref _refCounts[bufferIndex]);
    }

    /// <summary>The buffer's generation (bumped each time it is rented).</summary>
    public int GetGeneration(int bufferIndex)
    {
        CheckIndex(bufferIndex);
        return Volatile.Read(ref _generations[bufferIndex]);
    }

    /// <summary>Adds <paramref name="count"/> references to a buffer the caller holds (to hand it to more consumers).</summary>
    /// <exception cref="InvalidOperationException">When the buffer is free (nobody holds it).</exception>
    public void AddReferences(int bufferIndex, int count = 1)
    {
        CheckIndex(bufferIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ref int refCount = ref _refCounts[bufferIndex];
        int seen = Volatile.Read(ref refCount);
        while (true)
        {
            if (seen <= 0)
            {
                throw new InvalidOperationException($"Buffer {bufferIndex} is free; only a holder of a buffer can add references to it.");
            }

            int previous = Interlocked.CompareExchange(ref refCount, seen + count, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    /// <summary>Drops one reference; the last one returns the buffer to the free list.</summary>
    /// <exception cref="InvalidOperationException">When the buffer is already free (a double release).</exception>
    public void Release(int bufferIndex)
    {
        CheckIndex(bufferIndex);
        ReleaseUnchecked(bufferIndex);
    }

    /// <summary>
    /// Drops the reference each descriptor holds, in order; the buffers whose last reference goes return to the free
    /// list together (one compare-exchange per 64, not one per buffer).
    /// </summary>
    /// <exception cref="InvalidOperationException">When a descriptor is stale or its buffer already free (a double release); those before it are released.</exception>
    public void Release(ReadOnlySpan<RxDescriptor> descriptors)
    {
        Span<int> freed = stackalloc int[FreeBurst];
        int count = 0;
        try
        {
            foreach (ref readonly RxDescriptor descriptor in descriptors)
            {
                int index = CheckCurrent(descriptor);
                if (DropReference(index))
                {
                    freed[count++] = index;
                    if (count == freed.Length)
                    {
                        _free.PushMany(freed);
                        count = 0;
                    }
                }
            }
        }
        finally
        {
            _free.PushMany(freed.Slice(0, count));
        }
    }

    /// <summary>
    /// Rents up to <paramref name="buffers"/>.Length buffers, each with one reference, with one compare-exchange
    /// (the receive path's burst rent); returns how many (fewer when the free list runs out).
    /// </summary>
    internal int TryRentMany(Span<int> buffers)
    {
        int rented = _free.TryPopMany(buffers);
        foreach (int index in buffers.Slice(0, rented))
        {
            Claim(index);
        }

        return rented;
    }

    /// <summary>Gives back buffers rented with <see cref="TryRentMany"/> and never published (nothing else holds them).</summary>
    internal void ReturnUnpublished(ReadOnlySpan<int> buffers)
    {
        foreach (int index in buffers)
        {
            Volatile.Write(ref _refCounts[index], 0);
        }

        _free.PushMany(buffers);
    }

    /// <summary>Drops the reference a descriptor holds; the last one returns the buffer to the free list.</summary>
    /// <exception cref="InvalidOperationException">When the descriptor is stale or its buffer already free (a double release).</exception>
    public void Release(in RxDescriptor descriptor) => ReleaseUnchecked(CheckCurrent(descriptor));

    /// <summary>The descriptor's buffer index, once it is checked to be a buffer of this pool still in the generation the descriptor names.</summary>
    private int CheckCurrent(in RxDescriptor descriptor)
    {
        int index = descriptor.BufferIndex;
        CheckIndex(index);
        if (Volatile.Read(ref _generations[index]) != descriptor.Generation)
        {
            throw StaleDescriptor(descriptor);
        }

        return index;
    }

    /// <summary>Sets the reference count of a buffer that only the caller can see yet (the receive path, before enqueuing replicas).</summary>
    internal void SetRefCount(int bufferIndex, int count) => _refCounts[bufferIndex] = count;

    /// <summary>The generation of a buffer the caller holds (no range check).</summary>
    internal int GetGenerationUnchecked(int bufferIndex) => _generations[bufferIndex];

    /// <summary>Copies every reference count (for the conservation check).</summary>
    internal void CopyRefCounts(Span<int> destination)
    {
        for (int i = 0; i < _refCounts.Length; i++)
        {
            destination[i] = Volatile.Read(ref _refCounts[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ReleaseUnchecked(int bufferIndex)
    {
        if (DropReference(bufferIndex))
        {
            _free.Push(bufferIndex);
        }
    }

    /// <summary>Drops one reference; true when it was the last (the caller then puts the buffer on the free list).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool DropReference(int bufferIndex)
    {
        // A compare-exchange loop, not a decrement: a double release must never take the count
        // below zero, even for a moment, or a concurrent renter could be handed a live buffer.
        ref int refCount = ref _refCounts[bufferIndex];
        int seen = Volatile.Read(ref refCount);
        while (true)
        {
            if (seen <= 0)
            {
                throw new InvalidOperationException($"Buffer {bufferIndex} was released more times than it was referenced (double release); it is already free.");
            }

            int previous = Interlocked.CompareExchange(ref refCount, seen - 1, seen);
            if (previous == seen)
            {
                break;
            }

            seen = previous;
        }

        return seen == 1;
    }

    private void CheckIndex(int bufferIndex)
    {
        if ((uint)bufferIndex >= (uint)BufferCount)
        {
            ThrowIndex(bufferIndex);
        }
    }

    private void ThrowIndex(int bufferIndex) =>
        throw new ArgumentOutOfRangeException(nameof(bufferIndex), bufferIndex, $"A buffer index must be 0..{BufferCount - 1}.");

    private InvalidOperationException StaleDescriptor(in RxDescriptor descriptor) => new(
        $"The descriptor for frame #{descriptor.Sequence} names buffer {descriptor.BufferIndex} generation {descriptor.Generation}, "
        + $"but that buffer is now generation {Volatile.Read(ref _generations[descriptor.BufferIndex])} with {Volatile.Read(ref _refCounts[descriptor.BufferIndex])} references: "
        + "it was already released (stale descriptor or double release).");
}
