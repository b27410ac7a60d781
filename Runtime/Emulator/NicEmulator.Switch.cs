using System;
using System.Buffers.Binary;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

// The NIC's switch (IEEE 802.1Qbg edge relay): what happens to a transmitted frame as it leaves its TX ring, in VEB or
// VEPA mode, and how frames the adjacent bridge reflects back (VEPA) reach the pools. Forwarding is by destination MAC
// and VLAN only (DispatcherInfo.L2Forwarding), never by VNI/VSID or a tunnel's inner header. docs/rules-language.md,
// "Switching", is the specification.
public sealed partial class NicEmulator
{
    private const ulong GroupBit = 0x0100_0000_0000UL;

    /// <summary>The receive gate's value while a switch delivery holds the receive path (a receive call holds it with 1).</summary>
    private const int SwitchGate = 2;

    /// <summary>How long a switch delivery waits for the receive path before it gives up (see <see cref="EnterSwitchReceive"/>).</summary>
    private static readonly TimeSpan SwitchWaitLimit = TimeSpan.FromSeconds(10);

    private readonly SwitchMode _switchMode;
    private readonly int[] _floodPools;

    /// <summary>True when the rules declare S-channels (IEEE 802.1Qbg-2012 clause 40): the switch keeps them apart and tags the uplink.</summary>
    private readonly bool _sChannels;

    /// <summary>Where a frame of a declared S-channel gets its S-tag pushed on its way to the uplink (wire thread only).</summary>
    private readonly byte[] _sTagScratch;

    // Per TX queue, what the switch did this run of the wire (metrics are added once per run per queue).
    private readonly long[] _runSwitched;
    private readonly long[] _runRuleDrops;
    private readonly long[] _runToSender;

    /// <summary>How this NIC switches what its VMs transmit (<see cref="DispatcherInfo.Switching"/>).</summary>
    public SwitchMode Switching => _switchMode;

    /// <summary>
    /// The forwarding decision for a frame leaving TX queue <paramref name="q"/> (wire thread). True when the switch took it
    /// (delivered to local pools only, or dropped; its completion is posted); false when it goes to the uplink, after any
    /// local copies of a flooded frame were delivered.
    /// </summary>
    private bool SwitchLocally(int q, in TxDescriptor frame, long start, L2ForwardingTable l2, int channel)
    {
        ReadOnlySpan<byte> data = _buffers.Memory.Slice(_buffers.OffsetOf(frame.BufferIndex), frame.Length);
        if (frame.IncludesFcs)
        {
            data = data[..^EthernetWire.FcsBytes];
        }

        ulong dst = BinaryPrimitives.ReadUInt64BigEndian(data) >> 16;
        int vlan = VlanOf(data);
        L2Filter? hit = l2.Lookup(dst, vlan, channel);
        TxQueue queue = _txQueues[q];
        if (hit is { IsDrop: true })
        {
            CompleteInPlace(queue, frame, start, ref queue.Counters.RuleDrops);
            _runRuleDrops[q]++;
            return true;
        }

        if (l2.ModeOf(channel, _switchMode) != SwitchMode.Veb)
        {
            // VEPA: everything goes to the uplink; the adjacent bridge reflects what is for local stations. A vsi channel (one VSI, no
            // edge relay) sends everything to the uplink too.
            return false;
        }

        int sender = frame.Pool;
        if ((dst & GroupBit) != 0)
        {
            // Broadcast and multicast: a copy to every local member of the frame's VLAN but the sender, and the uplink.
            int members = FloodSet(l2, vlan, sender, channel);
            if (members > 0)
            {
                Verdict verdict = GroupVerdict(dst);
                DeliverLocally(_floodPools.AsSpan(0, members), verdict, useFirstQueue: true, frame.BufferIndex, data.Length, queue, completion: null);
            }

            return false;
        }

        if (hit is not { } target || (uint)target.Pool >= (uint)_info.PoolCount)
        {
            // Unknown unicast: no local station has that address, so it is for the network (as 82599/X710 loopback).
            return false;
        }

        if (target.Pool == sender)
        {
            CompleteInPlace(queue, frame, start, ref queue.Counters.ToSenderDrops);
            _runToSender[q]++;
            return true;
        }

        _floodPools[0] = target.Pool;
        var unicast = Verdict.Create(target.Pool, target.Queue, false, target.RuleLine, KindOf(target.Kind));
        DeliverLocally(_floodPools.AsSpan(0, 1), unicast, useFirstQueue: false, frame.BufferIndex, data.Length, queue, completion: (frame, start));
        _runSwitched[q]++;
        return true;
    }

    /// <summary>
    /// Delivers a copy of a transmitted frame (its buffer shared, no copy) to each of <paramref name="pools"/>, through the
    /// receive path's staging and ring enqueue (ring-full drops, congestion, metrics). With a <paramref name="completion"/>,
    /// the frame was switched only: it is counted as switched and completed.
    /// </summary>
    private void DeliverLocally(
        ReadOnlySpan<int> pools, Verdict verdict, bool useFirstQueue, int buffer, int length, TxQueue from, (TxDescriptor Frame, long Start)? completion)
    {
        bool nested = EnterSwitchReceive();
        try
        {
            // vlan-insert pools receive a C-tagged frame without its tag: a stripped copy in a buffer of its own (the transmitted
            // buffer stays as it is: a flooded frame also goes to the uplink). No buffer: those copies are NoBuffer drops.
            int stripping = CountStripping(pools, buffer, length);
            int strippedBuffer = -1;
            ushort tci = 0;
            if (stripping > 0)
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

            // One reference per copy, added before any is published: each copy's consumer (or its ring-full drop) gives one back.
            _buffers.AddReferences(buffer, pools.Length - stripping);
            BindingTable table = Volatile.Read(ref _bindings);
            int savedEnqueued = _chunkEnqueued;
            foreach (int pool in pools)
            {
                Verdict v = useFirstQueue ? Verdict.Create(pool, FirstQueueOf(pool), false, verdict.RuleLine, verdict.Kind) : verdict;
                long sequence = _nextSequence;
                Volatile.Write(ref _nextSequence, sequence + 1);
                if (stripping > 0 && _stripVlan[pool])
                {
                    if (strippedBuffer >= 0)
                    {
                        Stage(table, pool, v, sequence, length - CTagBytes, strippedBuffer, stripped: true, tci);
                    }
                }
                else
                {
                    Stage(table, pool, v, sequence, length, buffer);
                }
            }

            Flush();
            _chunkEnqueued = savedEnqueued;
            ref TxQueueCounters counters = ref from.Counters;
            Volatile.Write(ref counters.LocalCopies, counters.LocalCopies + pools.Length);
            if (completion is { } done)
            {
                Volatile.Write(ref counters.Switched, counters.Switched + 1);
                from.Done.TryEnqueue(new TxCompletion(done.Frame.Sequence, done.Frame.BufferIndex, done.Frame.Length, done.Frame.Pool, done.Frame.Queue, done.Start, done.Start));
            }

            RunPendingCongestionChecks();
        }
        finally
        {
            if (!nested)
            {
                ExitReceive();
            }
        }
    }

    /// <summary>A frame the switch dropped: counted under <paramref name="counter"/>, its completion posted at once (it never took wire time).</summary>
    private static void CompleteInPlace(TxQueue queue, in TxDescriptor frame, long start, ref long counter)
    {
        Volatile.Write(ref counter, counter + 1);
        queue.Done.TryEnqueue(new TxCompletion(frame.Sequence, frame.BufferIndex, frame.Length, frame.Pool, frame.Queue, start, start));
    }

    /// <summary>
    /// A frame the adjacent bridge reflected back (VEPA reflective relay), without its FCS: landed in a buffer of this NIC (the
    /// one copy) and forwarded by the station's own L2 lookup, never to the pool that sent it (found by its source MAC). Called
    /// by <see cref="ReflectiveRelayBridge"/> on this NIC's wire thread.
    /// </summary>
    internal void ReceiveReflected(ReadOnlySpan<byte> frame)
    {
        // The sender padded a short frame to the 64-byte minimum: it arrives as 60 bytes and an FCS.
        Span<byte> scratch = stackalloc byte[EthernetWire.MinimumFrameBytesWithoutFcs];
        ReceiveReflectedPadded(EthernetWire.PadShort(frame, scratch));
    }

    private void ReceiveReflectedPadded(ReadOnlySpan<byte> frame)
    {
        bool nested = EnterSwitchReceive();
        try
        {
            if (!Arrive(frame.Length, out long sequence))
            {
                return;
            }

            // With S-channels the S-tag says which channel's edge relay the frame comes back to; the pools get it without the tag.
            L2ForwardingTable l2 = _info.L2Forwarding;
            int channel = 0;
            int svid = _sChannels ? SvidOf(frame) : -1;
            if (svid >= 0)
            {
                channel = l2.ChannelOfSvid(svid);
                if (channel < 0)
                {
                    CountPortDrop(DropReason.Reflected, 1);
                    return;
                }
            }

            if (!_buffers.TryRent(out int buffer))
            {
                CountPortDrop(DropReason.NoBuffer, 1);
                return;
            }

            Span<byte> target = _buffers.GetWritableBuffer(buffer);
            if (svid >= 0)
            {
                frame[..12].CopyTo(target);
                frame[(12 + STagBytes)..].CopyTo(target[12..]);
                frame = target[..(frame.Length - STagBytes)];
            }
            else
            {
                frame.CopyTo(target);
            }

            int savedEnqueued = _chunkEnqueued;
            ForwardReflected(frame, buffer, sequence, l2, channel);
            Flush();
            _chunkEnqueued = savedEnqueued;
            RunPendingCongestionChecks();
        }
        finally
        {
            if (!nested)
            {
                ExitReceive();
            }
        }
    }

    private void ForwardReflected(ReadOnlySpan<byte> frame, int buffer, long sequence, L2ForwardingTable l2, int channel)
    {
        ulong dst = BinaryPrimitives.ReadUInt64BigEndian(frame) >> 16;
        ulong src = BinaryPrimitives.ReadUInt64BigEndian(frame[4..]) & 0xFFFF_FFFF_FFFFUL;
        int vlan = VlanOf(frame);
        L2Filter? hit = l2.Lookup(dst, vlan, channel);
        BindingTable table = Volatile.Read(ref _bindings);
        if (hit is { IsDrop: true })
        {
            CountPortDrop(DropReason.RuleDrop, 1);
            _buffers.ReleaseUnchecked(buffer);
            return;
        }

        if ((dst & GroupBit) != 0)
        {
            int members = FloodSet(l2, vlan, sender: -1, channel, station: src);
            if (members == 0)
            {
                CountPortDrop(DropReason.Reflected, 1);
                _buffers.ReleaseUnchecked(buffer);
                return;
            }

            Verdict group = GroupVerdict(dst);
            Volatile.Write(ref _replicaCopies, _replicaCopies + members - 1);

            // As for replicas from the wire: the vlan-insert pools get the frame without its C-tag (stripped in place when every
            // copy strips, else a stripped copy in a buffer of its own; no buffer: those copies are NoBuffer drops).
            int stripping = CountStripping(_floodPools.AsSpan(0, members), buffer, frame.Length);
            int keeping = members - stripping;
            int strippedBuffer = -1;
            ushort tci = 0;
            if (stripping > 0 && keeping == 0)
            {
                TryStripInPlace(buffer, frame.Length, out tci);
                strippedBuffer = buffer;
            }
            else if (stripping > 0)
            {
                if (_buffers.TryRent(out int copy))
                {
                    tci = CopyStripped(buffer, copy, frame.Length);
                    _buffers.SetRefCount(copy, stripping);
                    strippedBuffer = copy;
                }
                else
                {
                    CountPortDrop(DropReason.NoBuffer, stripping);
                }
            }

            _buffers.SetRefCount(buffer, strippedBuffer == buffer ? members : keeping);
            for (int i = 0; i < members; i++)
            {
                int pool = _floodPools[i];
                var v = Verdict.Create(pool, FirstQueueOf(pool), false, 0, group.Kind);
                if (stripping > 0 && _stripVlan[pool])
                {
                    if (strippedBuffer >= 0)
                    {
                        Stage(table, pool, v, sequence, frame.Length - CTagBytes, strippedBuffer, stripped: true, tci);
                    }
                }
                else
                {
                    Stage(table, pool, v, sequence, frame.Length, buffer);
                }
            }

            return;
        }

        if (hit is not { } target || (uint)target.Pool >= (uint)_info.PoolCount || l2.IsStation(src, target.Pool))
        {
            CountPortDrop(DropReason.Reflected, 1);
            _buffers.ReleaseUnchecked(buffer);
            return;
        }

        var unicast = Verdict.Create(target.Pool, target.Queue, false, target.RuleLine, KindOf(target.Kind));
        if (_stripVlan[target.Pool] && TryStripInPlace(buffer, frame.Length, out ushort strippedTci))
        {
            Stage(table, target.Pool, unicast, sequence, frame.Length - CTagBytes, buffer, stripped: true, strippedTci);
        }
        else
        {
            Stage(table, target.Pool, unicast, sequence, frame.Length, buffer);
        }
    }

    /// <summary>How many of <paramref name="pools"/> strip the frame in <paramref name="buffer"/>: the vlan-insert pools, when the frame has an outer C-tag.</summary>
    private int CountStripping(ReadOnlySpan<int> pools, int buffer, int length)
    {
        if (!IsCTagged(buffer, length))
        {
            return 0;
        }

        int stripping = 0;
        foreach (int pool in pools)
        {
            stripping += _stripVlan[pool] ? 1 : 0;
        }

        return stripping;
    }

    /// <summary>
    /// Fills <see cref="_floodPools"/> with the pools of S-channel <paramref name="channel"/> that are members of <paramref name="vlan"/>,
    /// but <paramref name="sender"/> and (a reflected frame) every pool whose station address <paramref name="station"/> is; returns how many.
    /// </summary>
    private int FloodSet(L2ForwardingTable l2, int vlan, int sender, int channel, ulong? station = null)
    {
        int n = 0;
        for (int pool = 0; pool < _info.PoolCount; pool++)
        {
            if (pool != sender && l2.IsMember(pool, vlan) && !(station is { } mac && l2.IsStation(mac, pool))
                && (!_sChannels || l2.ChannelOfPool(pool) == channel))
            {
                _floodPools[n++] = pool;
            }
        }

        return n;
    }

    /// <summary>
    /// Takes the receive path for a switch delivery (the wire thread, or the thread already inside it: then nested, true).
    /// Unlike a second <c>ReceiveBurst</c>, which is refused, this waits for a receive call on another thread, and a receive
    /// call waits for it (<see cref="SwitchGate"/>): each holds the path for one burst or one frame. The one long hold is
    /// another NIC's wire delivering here (<see cref="AsTransmitSink"/>) for the length of its run; after
    /// <see cref="SwitchWaitLimit"/> of waiting (two NICs cabled to each other, their wires run on two threads, each holding
    /// the other's receive path while switching locally) this gives up with an exception rather than deadlock.
    /// </summary>
    /// <exception cref="InvalidOperationException">When the receive path stays taken for <see cref="SwitchWaitLimit"/>.</exception>
    private bool EnterSwitchReceive()
    {
        int me = Environment.CurrentManagedThreadId;
        if (Volatile.Read(ref _receiveOwner) == me)
        {
            return true;
        }

        var spin = default(SpinWait);
        long started = 0;
        while (Interlocked.CompareExchange(ref _receiveGate, SwitchGate, 0) != 0)
        {
            if (spin.NextSpinWillYield)
            {
                started = started == 0 ? Environment.TickCount64 : started;
                if (Environment.TickCount64 - started > SwitchWaitLimit.TotalMilliseconds)
                {
                    throw new InvalidOperationException(
                        $"NIC '{Name}': the wire could not deliver a locally switched frame: the receive path stayed taken for {SwitchWaitLimit.TotalSeconds} s "
                        + "(another NIC's wire delivering here for its whole run, on another thread?). Run the wires of NICs cabled to each other from one thread.");
                }
            }

            spin.SpinOnce();
        }

        Volatile.Write(ref _receiveOwner, me);
        return false;
    }

    /// <summary>Bytes of an IEEE 802.1ad S-tag (TPID 0x88A8 and TCI).</summary>
    private const int STagBytes = 4;

    /// <summary>The S-tag's TPID (IEEE 802.1ad).</summary>
    private const ushort STagTpid = 0x88A8;

    /// <summary>The S-VID of the frame's outer S-tag (TPID 0x88A8 at offset 12, its whole TCI there), or -1 when it has none.</summary>
    private static int SvidOf(ReadOnlySpan<byte> frame) =>
        frame.Length >= 12 + STagBytes && BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == STagTpid
            ? BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) & 0x0FFF
            : -1;

    /// <summary>
    /// Removes the outer S-tag of the frame in <paramref name="buffer"/> in place, when it has one: what follows the tag moves down 4
    /// bytes, so the frame still starts at its buffer's start (a C-tag after it is then the outer tag, for a <c>vlan-insert</c> pool's
    /// strip). Returns the frame's length afterwards. Frames delivered to the pools of a declared S-channel lose their S-tag this way.
    /// </summary>
    private int StripSTagInPlace(int buffer, int length)
    {
        Span<byte> frame = _buffers.GetWritableBuffer(buffer);
        if (SvidOf(frame[..length]) < 0)
        {
            return length;
        }

        frame[(12 + STagBytes)..length].CopyTo(frame[12..]);
        return length - STagBytes;
    }

    /// <summary>
    /// The frame in <paramref name="data"/> with the S-tag of <paramref name="svid"/> pushed outermost (after the source MAC: TPID
    /// 0x88A8, PCP 0, DEI 0, VID <paramref name="svid"/>), written to <see cref="_sTagScratch"/>, without an FCS.
    /// </summary>
    private ReadOnlySpan<byte> PushSTag(ReadOnlySpan<byte> data, int svid)
    {
        Span<byte> tagged = _sTagScratch;
        data[..12].CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged[12..], STagTpid);
        BinaryPrimitives.WriteUInt16BigEndian(tagged[14..], (ushort)svid);
        data[12..].CopyTo(tagged[(12 + STagBytes)..]);
        return tagged[..(data.Length + STagBytes)];
    }

    /// <summary>The frame's C-VID, or <see cref="L2ForwardingTable.Untagged"/> (the tags as "Frame parsing" step 2 reads them: an optional S-tag, then an optional C-tag).</summary>
    private static int VlanOf(ReadOnlySpan<byte> frame)
    {
        int at = 12;
        if (frame.Length >= at + 4 && BinaryPrimitives.ReadUInt16BigEndian(frame[at..]) == 0x88A8)
        {
            at += 4;
        }

        return frame.Length >= at + 4 && BinaryPrimitives.ReadUInt16BigEndian(frame[at..]) == 0x8100
            ? BinaryPrimitives.ReadUInt16BigEndian(frame[(at + 2)..]) & 0x0FFF
            : L2ForwardingTable.Untagged;
    }

    private int FirstQueueOf(int pool) => _info.FindPool(pool)?.FirstQueue ?? 0;

    private static Verdict GroupVerdict(ulong dst) =>
        Verdict.Create(0, 0, false, 0, dst == 0xFFFF_FFFF_FFFFUL ? RuleKind.Broadcast : RuleKind.Multicast);

    private static RuleKind KindOf(L2FilterKind kind) => kind switch
    {
        L2FilterKind.MacVlan => RuleKind.MacVlan,
        L2FilterKind.Mac => RuleKind.Mac,
        _ => RuleKind.Vlan,
    };

    private void PublishSwitchMetrics(int q)
    {
        TxQueue queue = _txQueues[q];
        _metrics.TxSwitched(queue, _runSwitched[q]);
        _metrics.TxDropped(queue, TxDropReason.RuleDrop, _runRuleDrops[q]);
        _metrics.TxDropped(queue, TxDropReason.ToSender, _runToSender[q]);
        _runSwitched[q] = 0;
        _runRuleDrops[q] = 0;
        _runToSender[q] = 0;
    }

    /// <summary>Checks that the L2 forwarding data names pools and queues this NIC has (the constructor calls it).</summary>
    private static void CheckL2(DispatcherInfo info)
    {
        foreach (var filter in info.L2Forwarding.Filters)
        {
            if (!filter.IsDrop && ((uint)filter.Pool >= (uint)info.PoolCount || (uint)filter.Queue >= (uint)info.QueuesPerPool))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(info), $"{filter.Pool}:{filter.Queue}", $"The L2 filter of rule line {filter.RuleLine} names pool {filter.Pool} queue {filter.Queue}; the NIC has {info.PoolCount} pools of {info.QueuesPerPool} queues.");
            }
        }

        foreach (var member in info.L2Forwarding.Members)
        {
            if ((uint)member.Pool >= (uint)info.PoolCount)
            {
                throw new ArgumentOutOfRangeException(nameof(info), member.Pool, $"A VLAN membership names pool {member.Pool}; the NIC has {info.PoolCount} pools.");
            }
        }
    }
}
