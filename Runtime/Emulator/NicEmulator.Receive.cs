using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

// The receive path: land each frame in a buffer (the one copy, the "DMA"), classify the burst in
// place with the dispatcher's ClassifyBatch, and enqueue descriptors on the bound rings, one burst
// enqueue per ring. Runs on one thread; allocates nothing.
public sealed partial class NicEmulator
{
    private const int EthernetHeaderLength = 14;

    // Per-chunk scratch, preallocated (receive thread only).
    private readonly FrameSlice[] _slices;
    private readonly Verdict[] _verdicts;
    private readonly int[] _frameBuffers;
    private readonly long[] _frameSequences;
    private int _chunkCount;

    // Buffers rented for the frames to come, in one free-list exchange per burst (as a DPDK driver takes a burst of
    // mbufs from its per-core cache); _rented[_rentedNext.._rentedCount) are still unused and go back when the
    // receive call ends.
    private readonly int[] _rented;
    private int _rentedNext;
    private int _rentedCount;

    // Descriptors are staged straight into their rings' slots after each tail, unseen by consumers until Flush
    // publishes each ring's tail once (DescriptorRing.TryStage/Publish). Per ring: staged this burst, refused
    // (ring full: once one is refused the rest of the burst is too, so a ring takes a prefix), staged bytes.
    private readonly int[] _ringStaged;
    private readonly int[] _ringRefused;
    private readonly long[] _ringStagedBytes;
    private readonly int[] _touched;
    private int _touchedCount;
    private int _chunkEnqueued;

    // Per ring, side by side (a pool's rings share a cache line): bumped (interlocked) after every burst published
    // on the ring and every change of its congestion state. A poll that finds a ring's epoch where it was when it last saw
    // the ring empty knows it still is, without touching the ring (NicEmulator.Consumers.cs).
    private readonly long[] _ringEpochs;

    // Rings whose congestion state may change, checked once the chunk is done.
    private readonly int[] _pendingChecks;
    private readonly bool[] _pendingFlags;
    private int _pendingCount;

    // Port counters (written by the receive thread only, read with Volatile).
    // Pools with vlan-insert: their frames' C-tags are stripped on receive.
    private readonly bool[] _stripVlan;

    private readonly long[] _portDrops = new long[DropCounts.ReasonCount];
    private readonly long[] _burstDrops = new long[DropCounts.ReasonCount];
    private long _received;
    private long _receivedBytes;
    private long _replicaCopies;
    private long _nextSequence;
    private long _burstArrivals;
    private int _receiveGate;
    private int _receiveOwner;

    /// <summary>
    /// Receives a burst of frames: copies each into a pool buffer (once), classifies the burst with
    /// the dispatcher's batch classifier and queues a descriptor on the ring its verdict is bound to
    /// (one per pool for broadcast/multicast, sharing the buffer). Receive thread only.
    /// </summary>
    /// <param name="frames">The frames, whole Ethernet frames from the destination MAC on. The NIC keeps no reference to them.</param>
    /// <returns>Descriptors enqueued (a replicated frame counts once per ring that took it). Every other frame or replica is counted under a <see cref="DropReason"/>.</returns>
    /// <exception cref="InvalidOperationException">When another thread is in a receive call.</exception>
    public int ReceiveBurst(ReadOnlySpan<ReadOnlyMemory<byte>> frames)
    {
        EnterReceive();
        try
        {
            int enqueued = 0;
            while (!frames.IsEmpty)
            {
                int n = Math.Min(frames.Length, _maxBurst);
                for (int i = 0; i < n; i++)
                {
                    LandCopy(frames[i].Span, n - i);
                }

                enqueued += ClassifyAndEnqueue();
                frames = frames.Slice(n);
            }

            return enqueued;
        }
        finally
        {
            ExitReceive();
        }
    }

    /// <summary>Receives a burst of frames given as arrays; see <see cref="ReceiveBurst(ReadOnlySpan{ReadOnlyMemory{byte}})"/>.</summary>
    /// <exception cref="ArgumentNullException">When an element is null (checked before anything is received).</exception>
    /// <exception cref="InvalidOperationException">When another thread is in a receive call.</exception>
    public int ReceiveBurst(ReadOnlySpan<byte[]> frames)
    {
        for (int i = 0; i < frames.Length; i++)
        {
            if (frames[i] is null)
            {
                throw new ArgumentNullException(nameof(frames), $"Frame {i} of the burst is null.");
            }
        }

        EnterReceive();
        try
        {
            int enqueued = 0;
            while (!frames.IsEmpty)
            {
                int n = Math.Min(frames.Length, _maxBurst);
                for (int i = 0; i < n; i++)
                {
                    LandCopy(frames[i], n - i);
                }

                enqueued += ClassifyAndEnqueue();
                frames = frames.Slice(n);
            }

            return enqueued;
        }
        finally
        {
            ExitReceive();
        }
    }

    /// <summary>
    /// Receives frames already written into buffers rented from <see cref="Buffers"/> (zero copy:
    /// nothing is copied at all). The NIC takes over the caller's reference to each buffer, whether
    /// the frame is queued or dropped; name each rented buffer once. Receive thread only.
    /// </summary>
    /// <returns>Descriptors enqueued, as for <see cref="ReceiveBurst(ReadOnlySpan{ReadOnlyMemory{byte}})"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When a buffer index or length is out of range (checked before anything is received).</exception>
    /// <exception cref="InvalidOperationException">When a buffer is not rented, or another thread is in a receive call.</exception>
    public int ReceiveBurst(ReadOnlySpan<LandedFrame> frames)
    {
        for (int i = 0; i < frames.Length; i++)
        {
            CheckRentedFrame(i, frames[i].BufferIndex, frames[i].Length, nameof(frames), "rent it with Buffers.TryRent");
        }

        EnterReceive();
        try
        {
            int enqueued = 0;
            while (!frames.IsEmpty)
            {
                int n = Math.Min(frames.Length, _maxBurst);
                for (int i = 0; i < n; i++)
                {
                    LandInPlace(frames[i]);
                }

                enqueued += ClassifyAndEnqueue();
                frames = frames.Slice(n);
            }

            return enqueued;
        }
        finally
        {
            ExitReceive();
        }
    }

    /// <summary>
    /// Checks frame <paramref name="i"/> of a burst the caller wrote into the NIC's buffers (received in place or transmitted):
    /// its buffer exists and is rented, its length is not negative. Throws with a message naming the frame and the fix.
    /// </summary>
    private void CheckRentedFrame(int i, int bufferIndex, int length, string paramName, string rentHint)
    {
        if ((uint)bufferIndex >= (uint)_buffers.BufferCount)
        {
            throw new ArgumentOutOfRangeException(paramName, bufferIndex, $"Frame {i} names buffer {bufferIndex}; a buffer index must be 0..{_buffers.BufferCount - 1}.");
        }

        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, length, $"Frame {i} has a negative length; a length must be 0..{_buffers.BufferSize}.");
        }

        if (_buffers.GetRefCount(bufferIndex) <= 0)
        {
            throw new InvalidOperationException($"Frame {i} names buffer {bufferIndex}, which is free: {rentHint} before writing a frame into it.");
        }
    }

    /// <summary>Another NIC's wire starts delivering into this one: its thread is the receive thread until <see cref="EndWireReceive"/>.</summary>
    internal void BeginWireReceive() => EnterReceive();

    /// <summary>One frame from the wire (without its FCS): landed (copied), and the chunk classified once it is a full burst.</summary>
    internal void LandFromWire(ReadOnlySpan<byte> frame)
    {
        // The sender padded a short frame to the 64-byte minimum: it arrives as 60 bytes and an FCS.
        Span<byte> scratch = stackalloc byte[EthernetWire.MinimumFrameBytesWithoutFcs];
        LandCopy(EthernetWire.PadShort(frame, scratch), 1);

        if (_chunkCount == _maxBurst)
        {
            ClassifyAndEnqueue();
        }
    }

    /// <summary>Classifies the last partial burst and leaves the receive path.</summary>
    internal void EndWireReceive()
    {
        try
        {
            ClassifyAndEnqueue();
        }
        finally
        {
            ExitReceive();
        }
    }

    private void EnterReceive()
    {
        // A switch delivery (gate 2: the wire putting a locally switched frame on an RX ring, NicEmulator.Switch.cs) is
        // one frame long: wait for it. Another receive call (gate 1) is an error: the receive path is single-producer.
        var spin = default(SpinWait);
        int seen;
        while ((seen = Interlocked.CompareExchange(ref _receiveGate, 1, 0)) != 0)
        {
            if (seen != SwitchGate || Volatile.Read(ref _receiveOwner) == Environment.CurrentManagedThreadId)
            {
                throw new InvalidOperationException(
                    $"NIC '{Name}': a receive call is already running (on another thread, or an event handler called back into it). The receive path is single-producer: call ReceiveBurst from one thread.");
            }

            spin.SpinOnce();
        }

        Volatile.Write(ref _receiveOwner, Environment.CurrentManagedThreadId);
    }

    private void ExitReceive()
    {
        // Buffers rented for frames that turned out runts or oversize go back.
        if (_rentedNext < _rentedCount)
        {
            _buffers.ReturnUnpublished(_rented.AsSpan(_rentedNext, _rentedCount - _rentedNext));
        }

        _rentedNext = 0;
        _rentedCount = 0;

        // Metrics once per burst, from the burst's totals.
        _metrics.PortFrames(_burstArrivals);
        _burstArrivals = 0;
        for (int reason = 0; reason < _burstDrops.Length; reason++)
        {
            if (_burstDrops[reason] != 0)
            {
                _metrics.Dropped((DropReason)reason, _burstDrops[reason]);
                _burstDrops[reason] = 0;
            }
        }

        Volatile.Write(ref _receiveOwner, 0);
        Volatile.Write(ref _receiveGate, 0);
    }

    /// <summary>Counts an arriving frame and gives it its sequence number; false (counted as a drop) for runts and oversize frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Arrive(int length, out long sequence)
    {
        sequence = _nextSequence;
        Volatile.Write(ref _nextSequence, sequence + 1);
        Volatile.Write(ref _received, _received + 1);
        Volatile.Write(ref _receivedBytes, _receivedBytes + length);
        _burstArrivals++;
        if (length < EthernetHeaderLength)
        {
            CountPortDrop(DropReason.Runt, 1);
            return false;
        }

        if (length > _buffers.BufferSize)
        {
            CountPortDrop(DropReason.Oversize, 1);
            return false;
        }

        return true;
    }

    /// <summary>Lands one frame in a rented buffer; <paramref name="toCome"/> (this one included) sizes a burst rent when none is left.</summary>
    private void LandCopy(ReadOnlySpan<byte> frame, int toCome)
    {
        if (!Arrive(frame.Length, out long sequence))
        {
            return;
        }

        if (_rentedNext == _rentedCount)
        {
            // Only the frames this call still has, so no buffer is held back from anyone for long.
            _rentedNext = 0;
            _rentedCount = _buffers.TryRentMany(_rented.AsSpan(0, Math.Min(toCome, _rented.Length)));
            if (_rentedCount == 0)
            {
                CountPortDrop(DropReason.NoBuffer, 1);
                return;
            }
        }

        int buffer = _rented[_rentedNext++];

        // The one copy: the frame "DMAs" into its buffer and is never copied again.
        frame.CopyTo(_buffers.GetWritableBuffer(buffer));
        AddToChunk(buffer, frame.Length, sequence);
    }

    private void LandInPlace(LandedFrame frame)
    {
        if (!Arrive(frame.Length, out long sequence))
        {
            _buffers.ReleaseUnchecked(frame.BufferIndex);
            return;
        }

        AddToChunk(frame.BufferIndex, frame.Length, sequence);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddToChunk(int buffer, int length, long sequence)
    {
        int i = _chunkCount++;
        _slices[i] = new FrameSlice(_buffers.OffsetOf(buffer), length);
        _frameBuffers[i] = buffer;
        _frameSequences[i] = sequence;
    }

    private int ClassifyAndEnqueue()
    {
        int n = _chunkCount;
        _chunkCount = 0;
        if (n == 0)
        {
            return 0;
        }

        // Frames are classified where they landed: the whole pool is the batch's buffer. Each frame starts a
        // buffer of BufferSize bytes, so with buffers of at least FrameParser.PaddedFrameBytes (2 KB by default)
        // the padded entry applies: its loads need no clamps.
        Span<Verdict> verdicts = _verdicts.AsSpan(0, n);
        if (_buffers.BufferSize >= FrameParser.PaddedFrameBytes)
        {
            _info.ClassifyBatchPadded(_buffers.Memory, _slices.AsSpan(0, n), verdicts);
        }
        else
        {
            _info.ClassifyBatch(_buffers.Memory, _slices.AsSpan(0, n), verdicts);
        }

        // One read of the binding table per burst: every frame of it sees the same bindings.
        BindingTable table = Volatile.Read(ref _bindings);
        int poolCount = _info.PoolCount;
        for (int i = 0; i < n; i++)
        {
            Verdict verdict = verdicts[i];
            int buffer = _frameBuffers[i];
            if (verdict.IsDrop)
            {
                CountPortDrop(DropReason.RuleDrop, 1);
                _buffers.ReleaseUnchecked(buffer);
                continue;
            }

            // With S-channels a frame the rules let through is in a declared channel when it has an S-tag (unknown S-VIDs are dropped):
            // its pools get it without the S-tag (IEEE 802.1Qbg-2012 clause 40: the S-component removes it at the channel's port).
            if (_sChannels)
            {
                _slices[i] = _slices[i] with { Length = StripSTagInPlace(buffer, _slices[i].Length) };
            }

            if (verdict.IsReplicated)
            {
                ReadOnlySpan<int> replicas = _info.Replicas(verdict);
                if (!replicas.IsEmpty)
                {
                    StageReplicas(table, verdict, replicas, i, buffer);
                    continue;
                }
            }

            if ((uint)verdict.Pool >= (uint)poolCount)
            {
                CountPortDrop(DropReason.InvalidVerdict, 1);
                _buffers.ReleaseUnchecked(buffer);
                continue;
            }

            // A vlan-insert pool receives its frames without their C-tag: stripped after classification, as 82599 strips.
            bool stripped = false;
            ushort tci = 0;
            if (_stripVlan[verdict.Pool])
            {
                stripped = TryStripInPlace(buffer, _slices[i].Length, out tci);
            }

            Stage(table, verdict.Pool, verdict, i, buffer, stripped, tci);
        }

        Flush();
        int enqueued = _chunkEnqueued;
        _chunkEnqueued = 0;

        // Last, with the NIC's state consistent: a congestion handler runs here, and may throw.
        RunPendingCongestionChecks();
        return enqueued;
    }

    private void RunPendingCongestionChecks()
    {
        int pending = _pendingCount;
        _pendingCount = 0;
        for (int i = 0; i < pending; i++)
        {
            int ring = _pendingChecks[i];
            _pendingFlags[ring] = false;
            CheckCongestion(_queues[ring]);
        }
    }

    private void StageReplicas(BindingTable table, Verdict verdict, ReadOnlySpan<int> replicas, int frame, int buffer)
    {
        int poolCount = _info.PoolCount;
        int valid = 0;
        foreach (int pool in replicas)
        {
            valid += (uint)pool < (uint)poolCount ? 1 : 0;
        }

        Volatile.Write(ref _replicaCopies, _replicaCopies + replicas.Length - 1);
        if (valid != replicas.Length)
        {
            CountPortDrop(DropReason.InvalidVerdict, replicas.Length - valid);
        }

        if (valid == 0)
        {
            _buffers.ReleaseUnchecked(buffer);
            return;
        }

        // Replicas for vlan-insert pools get the frame without its C-tag, the others with it: when both kinds share a
        // tagged frame, the stripping ones get a stripped copy in a buffer of their own (82599 DMAs each replica anyway).
        int length = _slices[frame].Length;
        int stripping = 0;
        if (IsCTagged(buffer, length))
        {
            foreach (int pool in replicas)
            {
                stripping += (uint)pool < (uint)poolCount && _stripVlan[pool] ? 1 : 0;
            }
        }

        int keeping = valid - stripping;
        int strippedBuffer = -1;
        ushort tci = 0;
        if (stripping > 0 && keeping == 0)
        {
            TryStripInPlace(buffer, length, out tci);
            strippedBuffer = buffer;
        }
        else if (stripping > 0)
        {
            if (_buffers.TryRent(out int copy))
            {
                tci = CopyStripped(buffer, copy, length);
                _buffers.SetRefCount(copy, stripping);
                strippedBuffer = copy;
            }
            else
            {
                CountPortDrop(DropReason.NoBuffer, stripping);
            }
        }

        // One reference per replica, set before any is published: each replica's consumer (or its
        // ring-full drop) gives one back, and whoever gives back the last frees the buffer.
        // (Unless every replica strips in place, some keep the tag: keeping > 0.)
        _buffers.SetRefCount(buffer, strippedBuffer == buffer ? valid : keeping);

        foreach (int pool in replicas)
        {
            if ((uint)pool >= (uint)poolCount)
            {
                continue;
            }

            if (stripping > 0 && _stripVlan[pool])
            {
                if (strippedBuffer >= 0)
                {
                    Stage(table, pool, verdict, frame, strippedBuffer, true, tci);
                }
            }
            else
            {
                Stage(table, pool, verdict, frame, buffer);
            }
        }
    }

    /// <summary>Bytes of an IEEE 802.1Q C-tag.</summary>
    private const int CTagBytes = 4;

    /// <summary>True when the frame in <paramref name="buffer"/> has an outer C-tag (TPID 0x8100) and something after it.</summary>
    private bool IsCTagged(int buffer, int length) =>
        length >= EthernetHeaderLength + CTagBytes
        && BinaryPrimitives.ReadUInt16BigEndian(_buffers.Memory.Slice(_buffers.OffsetOf(buffer) + 12)) == TransmitPolicy.CTagTpid;

    /// <summary>
    /// Strips the outer C-tag of the frame in <paramref name="buffer"/> in place: the 12 bytes of MACs move up over the tag (the one
    /// memmove; the payload stays put), so the frame starts 4 bytes into its buffer. False, with nothing changed, for a frame without one.
    /// </summary>
    private bool TryStripInPlace(int buffer, int length, out ushort tci)
    {
        tci = 0;
        if (!IsCTagged(buffer, length))
        {
            return false;
        }

        Span<byte> frame = _buffers.GetWritableBuffer(buffer);
        tci = BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(14));
        frame.Slice(0, 12).CopyTo(frame.Slice(CTagBytes));
        return true;
    }

    /// <summary>Copies the C-tagged frame in <paramref name="from"/> into <paramref name="to"/> without its tag, laid out as a strip in place leaves it; returns the tag's TCI.</summary>
    private ushort CopyStripped(int from, int to, int length)
    {
        ReadOnlySpan<byte> source = _buffers.Memory.Slice(_buffers.OffsetOf(from), length);
        Span<byte> target = _buffers.GetWritableBuffer(to);
        source.Slice(0, 12).CopyTo(target.Slice(CTagBytes));
        source.Slice(12 + CTagBytes).CopyTo(target.Slice(12 + CTagBytes));
        return BinaryPrimitives.ReadUInt16BigEndian(source.Slice(14));
    }

    private void Stage(BindingTable table, int pool, Verdict verdict, int frame, int buffer, bool stripped = false, ushort tci = 0) =>
        Stage(table, pool, verdict, _frameSequences[frame], _slices[frame].Length - (stripped ? CTagBytes : 0), buffer, stripped, tci);

    private void Stage(BindingTable table, int pool, Verdict verdict, long sequence, int length, int buffer, bool stripped = false, ushort tci = 0)
    {
        int queue = table.QueueMap[(pool * BindingTable.VerdictQueues) + verdict.Queue];
        int ring = (pool * _info.QueuesPerPool) + queue;
        int staged = _ringStaged[ring];
        int refused = _ringRefused[ring];
        if ((staged | refused) == 0)
        {
            _touched[_touchedCount++] = ring;
        }

        if (refused == 0
            && _queues[ring].Ring.TryStage(staged, new RxDescriptor(sequence, verdict, buffer, length, _buffers.GetGenerationUnchecked(buffer), pool, queue, tci, stripped)))
        {
            _ringStaged[ring] = staged + 1;
            _ringStagedBytes[ring] += length;
            return;
        }

        // Ring full: a ring-full drop (counted when the ring's burst is published), and the descriptor's buffer reference goes back.
        _ringRefused[ring] = refused + 1;
        _buffers.ReleaseUnchecked(buffer);
    }

    /// <summary>Publishes the staged descriptors, one tail store per ring, and counts each ring's burst and ring-full drops.</summary>
    private void Flush()
    {
        int touched = _touchedCount;
        for (int t = 0; t < touched; t++)
        {
            int ring = _touched[t];
            int accepted = _ringStaged[ring];
            int refused = _ringRefused[ring];
            long bytes = _ringStagedBytes[ring];
            _ringStaged[ring] = 0;
            _ringRefused[ring] = 0;
            _ringStagedBytes[ring] = 0;

            RxQueue queue = _queues[ring];
            ref QueueCounters counters = ref queue.Counters;
            if (accepted > 0)
            {
                queue.Ring.Publish(accepted);

                // After the ring's new tail is published: a poll that reads the new epoch sees the frames.
                Interlocked.Increment(ref _ringEpochs[ring]);
                Volatile.Write(ref counters.Enqueued, counters.Enqueued + accepted);
                Volatile.Write(ref counters.EnqueuedBytes, counters.EnqueuedBytes + bytes);
                _metrics.Enqueued(queue, accepted, bytes);
                _chunkEnqueued += accepted;
            }

            if (refused > 0)
            {
                Volatile.Write(ref counters.RingFullDrops, counters.RingFullDrops + refused);
                _metrics.RingFull(queue, refused);
            }

            if (MayChangeCongestion(queue) && !_pendingFlags[ring])
            {
                _pendingFlags[ring] = true;
                _pendingChecks[_pendingCount++] = ring;
            }
        }

        _touchedCount = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountPortDrop(DropReason reason, long frames)
    {
        ref long total = ref _portDrops[(int)reason];
        Volatile.Write(ref total, total + frames);
        _burstDrops[(int)reason] += frames;
    }
}
