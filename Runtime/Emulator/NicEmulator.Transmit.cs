using System;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

// The transmit side, from the VM's point of view: post frames on TX rings (zero copy), reap completions.
// The wire that drains the rings is NicEmulator.Wire.cs.
public sealed partial class NicEmulator
{
    private readonly TxQueue[] _txQueues;

    // Frames posted by detached VMs (any thread, so interlocked).
    private long _txNotAttachedDrops;

    /// <summary>
    /// Posts frames on TX queue <paramref name="queue"/> of pool <paramref name="pool"/>, in order (the host
    /// transmitting for a pool; a VM uses <see cref="VmConsumer.TransmitBurst(int, ReadOnlySpan{TxFrame})"/>).
    /// Each frame is in a buffer rented from <see cref="Buffers"/>: nothing is copied, and the NIC takes over
    /// the caller's reference to every buffer, whether the frame is posted or dropped. A posted frame's
    /// buffer comes back when its completion is polled (<see cref="PollCompletions"/>) after the wire sent it;
    /// a dropped frame's buffer comes back at once. Name each rented buffer once.
    /// </summary>
    /// <returns>Frames posted. Every other frame is counted under a <see cref="TxDropReason"/>: <see cref="TxDropReason.Runt"/>,
    /// <see cref="TxDropReason.Oversize"/>, or <see cref="TxDropReason.RingFull"/> once <see cref="RingSize"/> frames of the
    /// queue are posted and not yet completed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the pool or queue is out of range, or a frame's buffer index or length is (checked before anything is posted).</exception>
    /// <exception cref="InvalidOperationException">When a frame's buffer is not rented (checked before anything is posted).</exception>
    public int TransmitBurst(int pool, int queue, ReadOnlySpan<TxFrame> frames)
    {
        CheckPool(pool);
        CheckQueue(queue);
        CheckTxFrames(frames);
        return Post(_txQueues[(pool * _info.QueuesPerPool) + queue], frames);
    }

    /// <summary>
    /// Takes up to <paramref name="completions"/>.Length completions of TX queue <paramref name="queue"/> of pool
    /// <paramref name="pool"/>, oldest first, and gives each completed frame's buffer back to the pool (the
    /// host reaping for a pool; a VM uses <see cref="VmConsumer.PollCompletions"/>). Any thread; 0 when there
    /// are none or another thread is reaping this queue at this moment.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">When the pool or queue is out of range.</exception>
    public int PollCompletions(int pool, int queue, Span<TxCompletion> completions)
    {
        CheckPool(pool);
        CheckQueue(queue);
        return ReapFrom(_txQueues[(pool * _info.QueuesPerPool) + queue], completions);
    }

    /// <summary>Polls the completions of every TX queue of <paramref name="pool"/>, starting after the queue the previous poll started at.</summary>
    internal int PollPoolCompletions(int pool, ref int cursor, Span<TxCompletion> completions)
    {
        int queuesPerPool = _info.QueuesPerPool;
        int start = cursor;
        cursor = start + 1 == queuesPerPool ? 0 : start + 1;
        int filled = 0;
        int first = pool * queuesPerPool;
        for (int k = 0; k < queuesPerPool && filled < completions.Length; k++)
        {
            int queue = start + k;
            queue -= queue >= queuesPerPool ? queuesPerPool : 0;
            filled += ReapFrom(_txQueues[first + queue], completions.Slice(filled));
        }

        return filled;
    }

    /// <summary>A detached VM's frames: validated like any, then dropped (<see cref="TxDropReason.NotAttached"/>) with their buffers freed.</summary>
    internal void DropDetached(ReadOnlySpan<TxFrame> frames)
    {
        CheckTxFrames(frames);
        foreach (var frame in frames)
        {
            _buffers.ReleaseUnchecked(frame.BufferIndex);
        }

        Interlocked.Add(ref _txNotAttachedDrops, frames.Length);
        _metrics.TxDropped(TxDropReason.NotAttached, frames.Length);
    }

    private void CheckTxFrames(ReadOnlySpan<TxFrame> frames)
    {
        for (int i = 0; i < frames.Length; i++)
        {
            var frame = frames[i];
            if ((uint)frame.BufferIndex >= (uint)_buffers.BufferCount)
            {
                throw new ArgumentOutOfRangeException(nameof(frames), frame.BufferIndex, $"Frame {i} names buffer {frame.BufferIndex}; a buffer index must be 0..{_buffers.BufferCount - 1}.");
            }

            if (frame.Length < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(frames), frame.Length, $"Frame {i} has a negative length; a length must be 0..{_buffers.BufferSize}.");
            }

            if (_buffers.GetRefCount(frame.BufferIndex) <= 0)
            {
                throw new InvalidOperationException($"Frame {i} names buffer {frame.BufferIndex}, which is free: rent it (VmConsumer.TryRentTxBuffer or Buffers.TryRent) before writing a frame into it.");
            }
        }
    }

    private int Post(TxQueue queue, ReadOnlySpan<TxFrame> frames)
    {
        // Only a VM moved while posting competes for a queue, and only for one burst: wait it out.
        var spin = default(SpinWait);
        while (!queue.TryAcquirePoster())
        {
            spin.SpinOnce();
        }

        long runts = 0, oversize = 0, ringFull = 0;
        int posted = 0;
        try
        {
            ref TxQueueCounters counters = ref queue.Counters;
            TxDescriptor[] stage = queue.Stage;
            while (!frames.IsEmpty)
            {
                int n = Math.Min(frames.Length, stage.Length);

                // A slot is free once its last frame's completion was polled: room = ring size - (posted - completed).
                long room = queue.Capacity - (counters.Posted - Volatile.Read(ref counters.Completed));
                int staged = 0;
                long bytes = 0;
                for (int i = 0; i < n; i++)
                {
                    var frame = frames[i];
                    int payload = frame.Length - (frame.IncludesFcs ? EthernetWire.FcsBytes : 0);
                    if (payload < EthernetHeaderLength)
                    {
                        runts++;
                        _buffers.ReleaseUnchecked(frame.BufferIndex);
                    }
                    else if (frame.Length > _buffers.BufferSize)
                    {
                        oversize++;
                        _buffers.ReleaseUnchecked(frame.BufferIndex);
                    }
                    else if (staged == room)
                    {
                        ringFull++;
                        _buffers.ReleaseUnchecked(frame.BufferIndex);
                    }
                    else
                    {
                        long sequence = counters.Posted + staged;
                        stage[staged++] = new TxDescriptor(
                            sequence, frame.BufferIndex, frame.Length, _buffers.GetGenerationUnchecked(frame.BufferIndex), queue.Pool, queue.Queue, frame.IncludesFcs);
                        bytes += frame.Length;
                    }
                }

                // Room was checked against posted - completed, so the ring takes the whole burst.
                queue.Pending.EnqueueBurst(stage.AsSpan(0, staged));
                Volatile.Write(ref counters.Posted, counters.Posted + staged);
                Volatile.Write(ref counters.PostedBytes, counters.PostedBytes + bytes);
                posted += staged;
                frames = frames.Slice(n);
            }

            Volatile.Write(ref counters.RuntDrops, counters.RuntDrops + runts);
            Volatile.Write(ref counters.OversizeDrops, counters.OversizeDrops + oversize);
            Volatile.Write(ref counters.RingFullDrops, counters.RingFullDrops + ringFull);
        }
        finally
        {
            queue.ReleasePoster();
        }

        _metrics.TxDropped(queue, TxDropReason.Runt, runts);
        _metrics.TxDropped(queue, TxDropReason.Oversize, oversize);
        _metrics.TxDropped(queue, TxDropReason.RingFull, ringFull);
        return posted;
    }

    private int ReapFrom(TxQueue queue, Span<TxCompletion> completions)
    {
        if (completions.IsEmpty || queue.Done.IsEmpty || !queue.TryAcquireReaper())
        {
            return 0;
        }

        try
        {
            int taken = queue.Done.DequeueBurst(completions);
            for (int i = 0; i < taken; i++)
            {
                _buffers.ReleaseUnchecked(completions[i].BufferIndex);
            }

            // After the buffers are back: the slots these frames held are free for the poster from here on.
            Volatile.Write(ref queue.Counters.Completed, queue.Counters.Completed + taken);
            return taken;
        }
        finally
        {
            queue.ReleaseReaper();
        }
    }
}
