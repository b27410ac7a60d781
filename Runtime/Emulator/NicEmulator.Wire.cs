using System;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

// The wire: drains the TX rings at the line rate on a simulated clock that the caller advances, one frame
// at a time in the scheduler's order, and hands each frame to the sink as its last bit leaves.
public sealed partial class NicEmulator
{
    private readonly ITransmitScheduler _scheduler;
    private readonly long _lineRate;
    private ITransmitSink? _wireSink;
    private int _wireGate;

    // The simulated clock and the wire's state, in picoseconds (written by the wire thread only).
    private long _wireClock;
    private long _wireFreeAt;
    private long _wireRemainder;
    private long _wireStartedTime;

    // The frame on the wire: started, its last FCS bit not yet out (-1 when none).
    private int _inFlightQueue = -1;
    private int _inFlightBuffer = -1;
    private TxDescriptor _inFlight;
    private long _inFlightStart;
    private long _inFlightEnd;
    private int _inFlightWireBytes;
    private int _inFlightSvid;

    // Per TX queue, what this run of the wire sent (metrics are added once per run per queue).
    private readonly long[] _runFrames;
    private readonly long[] _runBytes;

    /// <summary>The transmit scheduler the rules call for: <see cref="EtsScheduler"/> when they declare traffic classes, pool shares or rates, else round robin.</summary>
    private static ITransmitScheduler SchedulerFor(DispatcherInfo info) =>
        EtsScheduler.Applies(info) ? new EtsScheduler(info) : new RoundRobinScheduler();

    /// <summary>The transmit scheduler (tests look at it).</summary>
    internal ITransmitScheduler Scheduler => _scheduler;

    /// <summary>The wire's line rate (<see cref="NicOptions.LineRateBitsPerSecond"/>).</summary>
    public long LineRateBitsPerSecond => _lineRate;

    /// <summary>The wire's simulated clock, in picoseconds since the NIC was made. It moves only in <see cref="AdvanceWire"/> and <see cref="DrainWire"/>.</summary>
    public long WireClockPicoseconds => Volatile.Read(ref _wireClock);

    /// <summary>The wire's simulated clock since the NIC was made (<see cref="WireClockPicoseconds"/> rounded down to 100 ns ticks).</summary>
    public TimeSpan WireClock => EthernetWire.FromPicoseconds(WireClockPicoseconds);

    /// <summary>
    /// Where frames leaving on the wire go: a <see cref="TransmitCounter"/>, a <see cref="PcapNgTransmitSink"/>,
    /// another NIC's receive path (<see cref="AsTransmitSink"/>), or null (the default) for a wire that leads
    /// nowhere (frames still leave, and are counted). Read once per <see cref="AdvanceWire"/> or <see cref="DrainWire"/>.
    /// </summary>
    public ITransmitSink? WireSink
    {
        get => Volatile.Read(ref _wireSink);
        set => Volatile.Write(ref _wireSink, value);
    }

    /// <summary>
    /// Runs the wire for <paramref name="duration"/> of simulated time. Whenever the wire is idle it starts the
    /// next frame the scheduler picks (round robin over the TX queues of every pool; or, when the rules declare traffic
    /// classes, pool shares or pool rates, strict priority then ETS per IEEE 802.1Qaz with each pool's rate limit: a wire
    /// whose only backlogged queues are held back by their rate idles until the first may send), at the line rate: each frame
    /// takes <see cref="EthernetWire.WireBytes"/> bytes of wire time (preamble and SFD, the frame padded to 64
    /// bytes with its FCS, the inter-frame gap). A frame whose last FCS bit leaves by the end of the interval goes
    /// to <see cref="WireSink"/> and its completion to its queue; a frame started but not finished stays in flight
    /// for the next call. Frames posted between calls are available from the clock's current value on.
    /// One thread at a time.
    /// </summary>
    /// <returns>Frames that left the NIC during the call.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="duration"/> is negative, or would take the clock past about 106 days.</exception>
    /// <exception cref="InvalidOperationException">When another thread is running the wire (or a sink called back into it).</exception>
    public int AdvanceWire(TimeSpan duration)
    {
        long clock = WireClockPicoseconds;
        const long PicosecondsPerTick = EthernetWire.PicosecondsPerSecond / TimeSpan.TicksPerSecond;
        if (duration < TimeSpan.Zero || duration.Ticks > (long.MaxValue - clock) / PicosecondsPerTick)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "The wire advances by zero or more, and its clock (picoseconds in a long) must not overflow.");
        }

        return RunWire(clock + (duration.Ticks * PicosecondsPerTick), drain: false);
    }

    /// <summary>
    /// Runs the wire until every TX ring is empty and the last frame's inter-frame gap has passed (frames posted
    /// meanwhile by other threads are sent too), and leaves the clock there (unchanged if nothing was sent). Rate-limited
    /// queues are drained at their rate: the clock moves on through the idle time they need.
    /// One thread at a time.
    /// </summary>
    /// <returns>Frames that left the NIC during the call.</returns>
    /// <exception cref="InvalidOperationException">When another thread is running the wire (or a sink called back into it).</exception>
    public int DrainWire() => RunWire(long.MaxValue, drain: true);

    private int RunWire(long until, bool drain)
    {
        if (Interlocked.CompareExchange(ref _wireGate, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                $"NIC '{Name}': the wire is already running (on another thread, or a sink called back into it). Advance the wire from one thread.");
        }

        ITransmitSink? sink = WireSink;
        L2ForwardingTable l2 = _info.L2Forwarding;
        int sent = 0;

        // When only rate-limited queues are backlogged the wire idles until the first may send (the scheduler says when).
        long idleUntil = 0;
        try
        {
            while (true)
            {
                if (_inFlightQueue >= 0)
                {
                    if (!drain && _inFlightEnd > until)
                    {
                        break;
                    }

                    sent++;
                    Depart(sink);
                }

                long start = Math.Max(Math.Max(_wireFreeAt, _wireClock), idleUntil);
                if (!drain && start >= until)
                {
                    break;
                }

                int q = _scheduler.Next(_txQueues, start, out long eligibleAt);
                if (q < 0)
                {
                    if (eligibleAt == long.MaxValue)
                    {
                        break;
                    }

                    idleUntil = eligibleAt;
                    continue;
                }

                TxQueue queue = _txQueues[q];
                queue.Pending.TryDequeue(out TxDescriptor frame);

                // The forwarding decision, made as the frame leaves its TX ring (NicEmulator.Switch.cs): VEB/VEPA
                // switching (IEEE 802.1Qbg) decides whether the frame goes to local pools' RX rings (taking no wire
                // time), is dropped, or goes to the uplink (a flooded frame does both).
                // With S-channels each pool's frames are switched within its channel only, and leave with its S-tag.
                int channel = _sChannels ? l2.ChannelOfPool(frame.Pool) : 0;
                if (!SwitchLocally(q, frame, start, l2, channel))
                {
                    StartOnUplink(q, frame, start, channel == 0 ? 0 : l2.SvidOf(channel));
                }
            }

            Volatile.Write(ref _wireClock, drain ? Math.Max(_wireClock, _wireFreeAt) : until);
            return sent;
        }
        finally
        {
            PublishWireMetrics();
            try
            {
                sink?.Flush();
            }
            finally
            {
                Volatile.Write(ref _wireGate, 0);
            }
        }
    }

    /// <summary>Puts a frame on the wire at <paramref name="start"/>: it is in flight until its last FCS bit, and the wire is busy until its inter-frame gap ends.</summary>
    private void StartOnUplink(int queue, in TxDescriptor frame, long start, int svid)
    {
        // A frame of a declared S-channel leaves with its S-tag pushed (4 bytes more) and a new FCS.
        int wireBytes = svid == 0
            ? EthernetWire.WireBytes(frame.Length, frame.IncludesFcs)
            : EthernetWire.WireBytes(frame.Length - (frame.IncludesFcs ? EthernetWire.FcsBytes : 0) + STagBytes, includesFcs: false);

        // Exact over any run of back-to-back frames: the fraction of a picosecond each frame leaves over is
        // carried to the next (after an idle gap the wire restarts on a whole picosecond).
        long remainder = start > _wireFreeAt ? 0 : _wireRemainder;
        long numerator = (wireBytes * 8L * EthernetWire.PicosecondsPerSecond) + remainder;
        long duration = numerator / _lineRate;
        _wireRemainder = numerator % _lineRate;
        long toFcsEnd = (wireBytes - EthernetWire.InterFrameGapBytes) * 8L * EthernetWire.PicosecondsPerSecond / _lineRate;

        _inFlight = frame;
        _inFlightStart = start;
        _inFlightEnd = start + toFcsEnd;
        _inFlightWireBytes = wireBytes;
        _inFlightQueue = queue;
        _inFlightSvid = svid;
        Volatile.Write(ref _inFlightBuffer, frame.BufferIndex);
        Volatile.Write(ref _wireFreeAt, start + duration);
        Volatile.Write(ref _wireStartedTime, _wireStartedTime + duration);
    }

    /// <summary>The frame in flight has left: the sink sees it in its buffer (no copy), then its completion is posted.</summary>
    private void Depart(ITransmitSink? sink)
    {
        TxQueue queue = _txQueues[_inFlightQueue];
        TxDescriptor frame = _inFlight;
        try
        {
            if (sink is not null)
            {
                ReadOnlySpan<byte> data = _buffers.Memory.Slice(_buffers.OffsetOf(frame.BufferIndex), frame.Length);
                if (_inFlightSvid == 0)
                {
                    sink.Deliver(new TransmittedFrame(data, frame, _inFlightWireBytes, _inFlightStart, _inFlightEnd));
                }
                else
                {
                    // The S-tagged copy the wire carries (the VM's buffer keeps the frame as it was posted).
                    var tagged = PushSTag(frame.IncludesFcs ? data[..^EthernetWire.FcsBytes] : data, _inFlightSvid);
                    var descriptor = new TxDescriptor(frame.Sequence, frame.BufferIndex, tagged.Length, frame.Generation, frame.Pool, frame.Queue, includesFcs: false);
                    sink.Deliver(new TransmittedFrame(tagged, descriptor, _inFlightWireBytes, _inFlightStart, _inFlightEnd));
                }
            }
        }
        finally
        {
            // Whatever the sink did, the frame has left: count it and complete it (the completion ring has room:
            // at most RingSize frames of a queue are posted and not yet reaped).
            int q = _inFlightQueue;
            _inFlightQueue = -1;
            Volatile.Write(ref _inFlightBuffer, -1);
            ref TxQueueCounters counters = ref queue.Counters;
            Volatile.Write(ref counters.Transmitted, counters.Transmitted + 1);
            Volatile.Write(ref counters.TransmittedBytes, counters.TransmittedBytes + frame.Length);
            Volatile.Write(ref counters.WireBytes, counters.WireBytes + _inFlightWireBytes);
            _runFrames[q]++;
            _runBytes[q] += frame.Length;
            queue.Done.TryEnqueue(new TxCompletion(frame.Sequence, frame.BufferIndex, frame.Length, frame.Pool, frame.Queue, _inFlightStart, _inFlightEnd));
        }
    }

    private void PublishWireMetrics()
    {
        for (int q = 0; q < _runFrames.Length; q++)
        {
            if ((_runSwitched[q] | _runRuleDrops[q] | _runToSender[q]) != 0)
            {
                PublishSwitchMetrics(q);
            }

            if (_runFrames[q] != 0)
            {
                _metrics.Transmitted(_txQueues[q], _runFrames[q], _runBytes[q]);
                _runFrames[q] = 0;
                _runBytes[q] = 0;
            }
        }
    }

    /// <summary>Wire time spent sending (frames and their gaps) up to the clock, in picoseconds.</summary>
    private long WireBusyPicoseconds()
    {
        long clock = Volatile.Read(ref _wireClock);
        long started = Volatile.Read(ref _wireStartedTime);

        // Frames are back to back within a busy period, so only the current one can reach past the clock.
        return started - Math.Max(0, Volatile.Read(ref _wireFreeAt) - clock);
    }

    /// <summary>The share of the wire's time so far spent sending, 0..1.</summary>
    private double WireUtilization()
    {
        long clock = Volatile.Read(ref _wireClock);
        return clock == 0 ? 0 : Math.Clamp((double)WireBusyPicoseconds() / clock, 0, 1);
    }
}
