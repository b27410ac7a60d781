using System;
using System.Buffers.Binary;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

// The transmit side, from the VM's point of view: post frames on TX rings (zero copy), reap completions.
// The wire that drains the rings is NicEmulator.Wire.cs.
public sealed partial class NicEmulator
{
    private readonly TxQueue[] _txQueues;
    private TransmitPolicy _txPolicy;

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
    /// <see cref="TxDropReason.Oversize"/> (with the tag a <c>vlan-insert</c> pool adds), <see cref="TxDropReason.MacSpoof"/> or
    /// <see cref="TxDropReason.VlanSpoof"/> (the pool's anti-spoofing, which also raises <see cref="SpoofedFrames"/>),
    /// <see cref="TxDropReason.STagSpoof"/> (an S-tag the VM wrote, on a NIC with S-channels; also raises <see cref="SpoofedFrames"/>), or
    /// <see cref="TxDropReason.RingFull"/> once <see cref="RingSize"/> frames of the queue are posted and not yet completed.
    /// A posted frame of a <c>vlan-insert</c> pool is 4 bytes longer: the NIC inserted its C-tag in the buffer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When the pool or queue is out of range, or a frame's buffer index or length is (checked before anything is posted).</exception>
    /// <exception cref="InvalidOperationException">When a frame's buffer is not rented (checked before anything is posted).</exception>
    public int TransmitBurst(int pool, int queue, ReadOnlySpan<TxFrame> frames) => TransmitBurst(pool, queue, frames, null);

    /// <summary>Posts frames for <paramref name="vm"/> (null: the host, on behalf of the pool's VM).</summary>
    internal int TransmitBurst(int pool, int queue, ReadOnlySpan<TxFrame> frames, VmConsumer? vm)
    {
        CheckPool(pool);
        CheckQueue(queue);
        CheckTxFrames(frames);
        return Post(_txQueues[(pool * _info.QueuesPerPool) + queue], frames, vm);
    }

    /// <summary>
    /// Raised when anti-spoofing refuses frames a pool posts (<see cref="TxDropReason.MacSpoof"/>, <see cref="TxDropReason.VlanSpoof"/>,
    /// and, on a NIC with S-channels, <see cref="TxDropReason.STagSpoof"/>; <see cref="SpoofedFramesEventArgs.Reason"/> tells them apart):
    /// once per check per burst, on the posting thread, after the burst is posted. Names the VM that posted them. A handler must be
    /// quick; an exception from it propagates to the poster (the burst is posted and counted by then).
    /// </summary>
    public event EventHandler<SpoofedFramesEventArgs>? SpoofedFrames;

    /// <summary>The transmit attributes in force: for a runtime dispatcher, those of its current rules (its pools' MACs and VLANs follow them).</summary>
    private TransmitPolicy CurrentTransmitPolicy()
    {
        TransmitPolicy policy = Volatile.Read(ref _txPolicy);
        if (_info.Runtime is { } engine && engine.Version != policy.Version)
        {
            var (version, pools) = engine.CurrentPools();
            policy = TransmitPolicy.Of(_info.PoolCount, pools, version);
            Volatile.Write(ref _txPolicy, policy);
        }

        return policy;
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
            CheckRentedFrame(i, frames[i].BufferIndex, frames[i].Length, nameof(frames), "rent it (VmConsumer.TryRentTxBuffer or Buffers.TryRent)");
        }
    }

    private int Post(TxQueue queue, ReadOnlySpan<TxFrame> frames, VmConsumer? vm)
    {
        TransmitPolicy policy = CurrentTransmitPolicy();
        int pool = queue.Pool;
        AntiSpoofChecks checks = policy.Checks(pool);
        ushort insertTci = policy.InsertTci(pool);
        bool inspect = checks != AntiSpoofChecks.None || insertTci != 0;

        // Only a VM moved while posting competes for a queue, and only for one burst: wait it out.
        var spin = default(SpinWait);
        while (!queue.TryAcquirePoster())
        {
            spin.SpinOnce();
        }

        long runts = 0, oversize = 0, ringFull = 0;
        var macSpoof = default(SpoofTally);
        var vlanSpoof = default(SpoofTally);
        var sTagSpoof = default(SpoofTally);
        bool sChannels = _sChannels;
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

                    // With a tag to insert the frame grows by 4 bytes (a frame with its FCS loses the FCS, which the NIC recomputes).
                    int grown = insertTci != 0 ? payload + VlanTagBytes : frame.Length;
                    if (payload < EthernetHeaderLength)
                    {
                        runts++;
                        _buffers.ReleaseUnchecked(frame.BufferIndex);
                    }
                    else if (grown > _buffers.BufferSize)
                    {
                        oversize++;
                        _buffers.ReleaseUnchecked(frame.BufferIndex);
                    }
                    else if (sChannels && STagSpoofed(frame.BufferIndex, payload, ref sTagSpoof))
                    {
                        _buffers.ReleaseUnchecked(frame.BufferIndex);
                    }
                    else if (inspect && Spoofed(policy, pool, checks, insertTci, frame.BufferIndex, payload, ref macSpoof, ref vlanSpoof))
                    {
                        _buffers.ReleaseUnchecked(frame.BufferIndex);
                    }
                    else if (staged == room)
                    {
                        ringFull++;
                        _buffers.ReleaseUnchecked(frame.BufferIndex);
                    }
                    else
                    {
                        bool includesFcs = frame.IncludesFcs;
                        if (insertTci != 0)
                        {
                            InsertTag(frame.BufferIndex, payload, insertTci);
                            includesFcs = false;
                        }

                        long sequence = counters.Posted + staged;
                        stage[staged++] = new TxDescriptor(
                            sequence, frame.BufferIndex, grown, _buffers.GetGenerationUnchecked(frame.BufferIndex), queue.Pool, queue.Queue, includesFcs);
                        bytes += grown;
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
            Volatile.Write(ref counters.MacSpoofDrops, counters.MacSpoofDrops + macSpoof.Frames);
            Volatile.Write(ref counters.VlanSpoofDrops, counters.VlanSpoofDrops + vlanSpoof.Frames);
            if (sTagSpoof.Frames != 0)
            {
                Volatile.Write(ref counters.STagSpoofDrops, counters.STagSpoofDrops + sTagSpoof.Frames);
            }
        }
        finally
        {
            queue.ReleasePoster();
        }

        _metrics.TxDropped(queue, TxDropReason.Runt, runts);
        _metrics.TxDropped(queue, TxDropReason.Oversize, oversize);
        _metrics.TxDropped(queue, TxDropReason.RingFull, ringFull);
        _metrics.TxDropped(queue, TxDropReason.MacSpoof, macSpoof.Frames);
        _metrics.TxDropped(queue, TxDropReason.VlanSpoof, vlanSpoof.Frames);
        _metrics.TxDropped(queue, TxDropReason.STagSpoof, sTagSpoof.Frames);
        if (macSpoof.Frames != 0 || vlanSpoof.Frames != 0 || sTagSpoof.Frames != 0)
        {
            RaiseSpoofed(queue, vm, macSpoof, vlanSpoof, sTagSpoof);
        }

        return posted;
    }

    /// <summary>Bytes of an IEEE 802.1Q tag (TPID and TCI).</summary>
    private const int VlanTagBytes = 4;

    /// <summary>
    /// The anti-spoofing checks on a frame as the VM wrote it (before any tag is inserted): true, with the frame tallied, when one
    /// refuses it. MAC first: a frame that fails both counts once, as a MAC spoof.
    /// </summary>
    private bool Spoofed(TransmitPolicy policy, int pool, AntiSpoofChecks checks, ushort insertTci, int buffer, int payload, ref SpoofTally macSpoof, ref SpoofTally vlanSpoof)
    {
        ReadOnlySpan<byte> frame = _buffers.Memory.Slice(_buffers.OffsetOf(buffer), payload);
        ulong source = BinaryPrimitives.ReadUInt64BigEndian(frame.Slice(4)) & 0xFFFF_FFFF_FFFFUL;
        bool tagged = payload >= EthernetHeaderLength + VlanTagBytes && BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(12)) == TransmitPolicy.CTagTpid;
        int vid = tagged ? BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(14)) & 0xFFF : 0;
        if ((checks & AntiSpoofChecks.Mac) != 0 && !policy.OwnsMac(pool, source))
        {
            macSpoof.Add(source, tagged ? vid : -1);
            return true;
        }

        // An untagged or priority-tagged frame is on no VLAN of its own: it passes only where the NIC puts it on the pool's VLAN.
        bool onPoolVlan = vid != 0 ? policy.OnVlan(pool, vid) : insertTci != 0;
        if ((checks & AntiSpoofChecks.Vlan) != 0 && !onPoolVlan)
        {
            vlanSpoof.Add(source, tagged ? vid : -1);
            return true;
        }

        return false;
    }

    /// <summary>
    /// S-tag anti-spoofing, on a NIC with S-channels (IEEE 802.1Qbg-2012 clause 40: the S-component adds the S-tags, never a VSI): true,
    /// with the frame tallied, when the frame as the VM wrote it has the S-tag's TPID, 0x88A8, outermost (bytes 12..13). The tally
    /// keeps its source MAC and its S-VID (-1 when the frame ends inside the tag's TCI; the wire's padding would then make it S-VID 0).
    /// </summary>
    private bool STagSpoofed(int buffer, int payload, ref SpoofTally sTagSpoof)
    {
        ReadOnlySpan<byte> frame = _buffers.Memory.Slice(_buffers.OffsetOf(buffer), payload);
        if (BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(12)) != STagTpid)
        {
            return false;
        }

        ulong source = BinaryPrimitives.ReadUInt64BigEndian(frame.Slice(4)) & 0xFFFF_FFFF_FFFFUL;
        sTagSpoof.Add(source, SvidOf(frame));
        return true;
    }

    /// <summary>
    /// Inserts a C-tag (TPID 0x8100, <paramref name="tci"/>) after the source MAC of the frame in <paramref name="buffer"/>: everything after
    /// the MACs moves up 4 bytes in place (the frame starts at its buffer's start, so there is no headroom to move the MACs into).
    /// </summary>
    private void InsertTag(int buffer, int payload, ushort tci)
    {
        Span<byte> frame = _buffers.GetWritableBuffer(buffer);
        frame.Slice(12, payload - 12).CopyTo(frame.Slice(12 + VlanTagBytes));
        BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(12), TransmitPolicy.CTagTpid);
        BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(14), tci);
    }

    private void RaiseSpoofed(TxQueue queue, VmConsumer? vm, in SpoofTally macSpoof, in SpoofTally vlanSpoof, in SpoofTally sTagSpoof)
    {
        var handler = SpoofedFrames;
        if (handler is null)
        {
            return;
        }

        string? vmName = vm?.Name ?? Volatile.Read(ref _vmByPool[queue.Pool])?.Name;
        string poolName = _info.PoolName(queue.Pool);
        if (sTagSpoof.Frames != 0)
        {
            handler(this, new SpoofedFramesEventArgs(queue.Pool, poolName, queue.Queue, vmName, TxDropReason.STagSpoof, sTagSpoof.Frames, sTagSpoof.FirstSource, sTagSpoof.FirstVlan));
        }

        if (macSpoof.Frames != 0)
        {
            handler(this, new SpoofedFramesEventArgs(queue.Pool, poolName, queue.Queue, vmName, AntiSpoofChecks.Mac, macSpoof.Frames, macSpoof.FirstSource, macSpoof.FirstVlan));
        }

        if (vlanSpoof.Frames != 0)
        {
            handler(this, new SpoofedFramesEventArgs(queue.Pool, poolName, queue.Queue, vmName, AntiSpoofChecks.Vlan, vlanSpoof.Frames, vlanSpoof.FirstSource, vlanSpoof.FirstVlan));
        }
    }

    /// <summary>Frames of a burst one anti-spoofing check refused, and the first one's source MAC and VLAN (-1: untagged; the S-VID for the S-tag check).</summary>
    private struct SpoofTally
    {
        public long Frames;
        public ulong FirstSource;
        public int FirstVlan;

        public void Add(ulong source, int vlan)
        {
            if (Frames++ == 0)
            {
                FirstSource = source;
                FirstVlan = vlan;
            }
        }
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
