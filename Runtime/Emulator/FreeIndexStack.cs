using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// The buffer pool's free list: a lock-free stack of buffer indices (Treiber's stack over an array
/// of next-links). Consumers on any thread push released buffers; the receive thread (or anyone
/// renting) pops them. Allocation-free.
/// </summary>
/// <remarks>
/// <para>The head is one 64-bit word: the top index in the low half and a tag in the high half that
/// every successful push or pop increments, so a pop that read a stale next-link (the ABA problem)
/// fails its compare-exchange and retries.</para>
/// <para>Why not a bounded MPMC queue (Vyukov's): there a releasing thread preempted between
/// claiming a slot and publishing it hides every buffer released after it, and the receive path
/// would report <see cref="DropReason.NoBuffer"/> with buffers free. A pop here fails only when the
/// stack is empty at that instant. LIFO also hands out the most recently used (cache-warm) buffer,
/// as DPDK's per-core mempool caches do.</para>
/// </remarks>
internal sealed class FreeIndexStack
{
    private const uint Empty = uint.MaxValue;

    private readonly int[] _next;
    private Words _words;

    /// <summary>Creates an empty stack for indices 0..<paramref name="capacity"/>-1.</summary>
    public FreeIndexStack(int capacity)
    {
        _next = new int[capacity];
        _words.Head = Empty;
    }

    /// <summary>Indices on the stack now (exact when no push or pop is running).</summary>
    public int Count
    {
        get
        {
            int count = Volatile.Read(ref _words.Count);
            return count < 0 ? 0 : count;
        }
    }

    /// <summary>Pushes an index that is not on the stack.</summary>
    public void Push(int index)
    {
        while (true)
        {
            long seen = Volatile.Read(ref _words.Head);
            _next[index] = (int)(uint)seen;
            long updated = (long)(((((ulong)seen) >> 32) + 1) << 32 | (uint)index);
            if (Interlocked.CompareExchange(ref _words.Head, updated, seen) == seen)
            {
                Interlocked.Increment(ref _words.Count);
                return;
            }
        }
    }

    /// <summary>Pops an index; false when the stack is empty.</summary>
    public bool TryPop(out int index)
    {
        while (true)
        {
            long seen = Volatile.Read(ref _words.Head);
            uint top = (uint)seen;
            if (top == Empty)
            {
                index = -1;
                return false;
            }

            // May be stale if another thread pops `top` meanwhile; the tag then fails the exchange.
            int next = Volatile.Read(ref _next[top]);
            long updated = (long)(((((ulong)seen) >> 32) + 1) << 32 | (uint)next);
            if (Interlocked.CompareExchange(ref _words.Head, updated, seen) == seen)
            {
                Interlocked.Decrement(ref _words.Count);
                index = (int)top;
                return true;
            }
        }
    }

    /// <summary>
    /// Pops up to <paramref name="indices"/>.Length indices with one compare-exchange (the receive path's burst
    /// rent); returns how many, 0 when the stack is empty. The chain is walked from the head read, and the
    /// exchange succeeds only if that head (tag included) is still there, so a chain another thread changed
    /// meanwhile is never taken.
    /// </summary>
    public int TryPopMany(Span<int> indices)
    {
        if (indices.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            long seen = Volatile.Read(ref _words.Head);
            uint top = (uint)seen;
            int taken = 0;
            uint at = top;
            bool stale = false;
            while (taken < indices.Length && at != Empty)
            {
                if (at >= (uint)_next.Length)
                {
                    // Only a link read while another thread changed the chain: the exchange below would fail.
                    stale = true;
                    break;
                }

                indices[taken++] = (int)at;
                at = (uint)Volatile.Read(ref _next[at]);
            }

            if (stale)
            {
                continue;
            }

            if (taken == 0)
            {
                return 0;
            }

            long updated = (long)(((((ulong)seen) >> 32) + 1) << 32 | at);
            if (Interlocked.CompareExchange(ref _words.Head, updated, seen) == seen)
            {
                Interlocked.Add(ref _words.Count, -taken);
                return taken;
            }
        }
    }

    /// <summary>Pushes every index of <paramref name="indices"/> with one compare-exchange (a consumer's burst release); the first ends on top.</summary>
    public void PushMany(ReadOnlySpan<int> indices)
    {
        if (indices.IsEmpty)
        {
            return;
        }

        // Link the burst into a chain first: its nodes are the caller's alone until the exchange publishes them.
        for (int i = 0; i < indices.Length - 1; i++)
        {
            _next[indices[i]] = indices[i + 1];
        }

        int last = indices[^1];
        while (true)
        {
            long seen = Volatile.Read(ref _words.Head);
            Volatile.Write(ref _next[last], (int)(uint)seen);
            long updated = (long)(((((ulong)seen) >> 32) + 1) << 32 | (uint)indices[0]);
            if (Interlocked.CompareExchange(ref _words.Head, updated, seen) == seen)
            {
                Interlocked.Add(ref _words.Count, indices.Length);
                return;
            }
        }
    }

    [StructLayout(LayoutKind.Explicit, Size = 3 * RingIndices.CacheLine)]
    private struct Words
    {
        [FieldOffset(RingIndices.CacheLine)]
        public long Head;

        [FieldOffset(2 * RingIndices.CacheLine)]
        public int Count;
    }
}
