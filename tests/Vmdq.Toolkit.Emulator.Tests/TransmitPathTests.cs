using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>The transmit path: posting, the wire on its simulated clock, completions, drops, sinks, conservation.</summary>
public class TransmitPathTests
{
    private const long Ps = 1;
    private const long Ns = 1_000 * Ps;
    private const long Us = 1_000 * Ns;

    /// <summary>Rents a buffer, writes a frame into it, and returns the descriptor content (nothing posted yet).</summary>
    internal static TxFrame Write(VmConsumer vm, byte dstLow, long sequence = 0, byte source = 0, int length = 64, bool includesFcs = false)
    {
        Assert.True(vm.TryRentTxBuffer(out int buffer));
        var bytes = vm.GetTxBuffer(buffer).Slice(0, Math.Min(length, vm.Nic.Buffers.BufferSize));
        if (length >= TestNic.PayloadOffset)
        {
            TestNic.Write(bytes, dstLow, sequence, source);
        }
        else
        {
            bytes.Fill(0xAB);   // shorter than a header: a runt
        }

        return new TxFrame(buffer, length, includesFcs);
    }

    internal static int Send(VmConsumer vm, int queue, int count, byte dstLow = 0, int length = 64, long firstSequence = 0)
    {
        int posted = 0;
        var burst = new TxFrame[32];
        for (int done = 0; done < count;)
        {
            int n = Math.Min(burst.Length, count - done);
            for (int i = 0; i < n; i++)
            {
                burst[i] = Write(vm, dstLow, firstSequence + done + i, length: length);
            }

            posted += vm.TransmitBurst(queue, burst.AsSpan(0, n));
            done += n;
        }

        return posted;
    }

    private static List<TxCompletion> PollAll(VmConsumer vm)
    {
        var all = new List<TxCompletion>();
        var burst = new TxCompletion[16];
        int n;
        while ((n = vm.PollCompletions(burst)) > 0)
        {
            all.AddRange(burst.AsSpan(0, n).ToArray());
        }

        return all;
    }

    [Theory]
    [InlineData(60, false, 84)]
    [InlineData(64, true, 84)]
    [InlineData(14, false, 84)]
    [InlineData(64, false, 88)]
    [InlineData(1514, false, 1538)]
    [InlineData(1518, true, 1538)]
    public void A_frame_costs_preamble_padded_frame_fcs_and_gap_on_the_wire(int length, bool includesFcs, int wireBytes) =>
        Assert.Equal(wireBytes, EthernetWire.WireBytes(length, includesFcs));

    [Fact]
    public void A_thousand_minimum_frames_at_10_Gbps_take_exactly_67_2_microseconds()
    {
        using var nic = TestNic.Create(pools: 1, queues: 1, ring: 1024);
        var counter = new TransmitCounter();
        nic.WireSink = counter;
        var vm = nic.AttachVm("vm", 0);
        Assert.Equal(1000, Send(vm, 0, 1000, length: 60));
        Assert.Equal(10_000_000_000, nic.LineRateBitsPerSecond);

        Assert.Equal(1000, nic.DrainWire());

        // 84 bytes (8 preamble + 60 + 4 FCS + 12 gap) = 672 bits = 67.2 ns each.
        Assert.Equal(67_200 * Ns, nic.WireClockPicoseconds);
        Assert.Equal(TimeSpan.FromMicroseconds(67.2), nic.WireClock);
        Assert.Equal((1000L, 60_000L, 84_000L), (counter.Frames, counter.Bytes, counter.WireBytes));
        Assert.Equal(0, counter.FirstStartPicoseconds);
        Assert.Equal((67_200 * Ns) - 9_600, counter.LastEndPicoseconds);   // the last gap (12 bytes = 9.6 ns) follows its FCS
        var transmit = nic.Snapshot().Transmit;
        Assert.Equal(1.0, transmit.Utilization);
        Assert.Equal(67_200 * Ns, transmit.BusyPicoseconds);
    }

    [Fact]
    public void Advancing_the_clock_sends_the_frames_whose_last_bit_leaves_in_time_and_keeps_one_in_flight()
    {
        using var nic = TestNic.Create(pools: 1, queues: 1, ring: 1024);
        var counter = new TransmitCounter();
        nic.WireSink = counter;
        var vm = nic.AttachVm("vm", 0);
        Send(vm, 0, 1000, length: 60);

        // Frame k (from 0) starts at k x 67.2 ns and its FCS ends 57.6 ns later: by 67.1 us, frames 0..997 are out
        // and frame 998 (started at 67.0656 us) is on the wire.
        Assert.Equal(998, nic.AdvanceWire(TimeSpan.FromMicroseconds(67.1)));
        Assert.Equal(67_100 * Ns, nic.WireClockPicoseconds);
        var snapshot = nic.Snapshot();
        Assert.Equal((998L, 1, 1L), (snapshot.Transmit.Transmitted, snapshot.Transmit.InFlight, snapshot.Transmit.InRings));
        Assert.True(snapshot.IsBalanced);

        // Busy the whole time: the frame in flight counts up to the clock, not beyond.
        Assert.Equal(67_100 * Ns, snapshot.Transmit.BusyPicoseconds);

        Assert.Equal(2, nic.AdvanceWire(TimeSpan.FromMicroseconds(0.1)));
        Assert.Equal(1000, counter.Frames);
        Assert.Equal(0, nic.Snapshot().Transmit.InFlight);
        Assert.Equal(1.0, nic.Snapshot().Transmit.Utilization);
    }

    [Fact]
    public void Back_to_back_frames_carry_fractions_of_a_picosecond_so_long_runs_stay_exact()
    {
        const long Rate = 1_000_000_007;   // 671,999.9952 ps a frame: without the carried fraction the run would end 995 ps early
        using var nic = TestNic.Create(pools: 1, queues: 1, ring: 1024, options: new NicOptions { LineRateBitsPerSecond = Rate });
        var vm = nic.AttachVm("vm", 0);
        Send(vm, 0, 1000, length: 60);
        nic.DrainWire();
        Assert.Equal((long)(1000 * 672 * (System.Numerics.BigInteger)1_000_000_000_000 / Rate), nic.WireClockPicoseconds);
    }

    [Fact]
    public void An_idle_wire_starts_a_frame_posted_later_at_the_clock_not_when_it_fell_idle()
    {
        using var nic = TestNic.Create(pools: 1, queues: 1);
        var vm = nic.AttachVm("vm", 0);
        Send(vm, 0, 1, length: 1514);
        Assert.Equal(1, nic.AdvanceWire(TimeSpan.FromMicroseconds(5)));
        Send(vm, 0, 1, length: 60);
        Assert.Equal(1, nic.DrainWire());

        var completions = PollAll(vm);
        Assert.Equal(2, completions.Count);
        Assert.Equal((0L, (8 + 1518) * 800L), (completions[0].StartPicoseconds, completions[0].EndPicoseconds));
        Assert.Equal((5 * Us, (5 * Us) + (72 * 800)), (completions[1].StartPicoseconds, completions[1].EndPicoseconds));
        Assert.Equal((5 * Us) + (84 * 800), nic.WireClockPicoseconds);

        // Busy 1538 + 84 bytes of 5.0672 us.
        Assert.Equal((1538 + 84) * 800L, nic.Snapshot().Transmit.BusyPicoseconds);
    }

    [Fact]
    public void Completions_come_back_in_order_after_the_frame_leaves_and_return_its_buffer()
    {
        using var nic = TestNic.Create(pools: 2, queues: 2, ring: 16);
        var vm = nic.AttachVm("vm", 1);
        var frames = new[] { Write(vm, 7, 0, length: 100), Write(vm, 7, 1, length: 200), Write(vm, 7, 2, length: 300) };
        Assert.Equal(3, vm.TransmitBurst(1, frames));
        Assert.Equal(nic.Buffers.BufferCount - 3, nic.Buffers.FreeCount);

        // Not sent yet: no completion.
        var burst = new TxCompletion[8];
        Assert.Equal(0, vm.PollCompletions(burst));

        nic.DrainWire();
        Assert.Equal(nic.Buffers.BufferCount - 3, nic.Buffers.FreeCount);   // sent, still the NIC's until polled
        var snapshot = nic.Snapshot();
        Assert.Equal((3L, 3L, 0L), (snapshot.Transmit.Queue(1, 1).Transmitted, snapshot.Transmit.AwaitingCompletion, snapshot.Transmit.Completed));
        Assert.Equal(3, snapshot.Buffers.InRing);
        Assert.True(snapshot.Buffers.IsConserved);

        Assert.Equal(3, vm.PollCompletions(burst));
        Assert.Equal([0L, 1L, 2L], burst.Take(3).Select(c => c.Sequence));
        Assert.Equal(frames.Select(f => f.BufferIndex), burst.Take(3).Select(c => c.BufferIndex));
        Assert.Equal([100, 200, 300], burst.Take(3).Select(c => c.Length));
        Assert.All(burst.Take(3), c => Assert.Equal(((short)1, (short)1), (c.Pool, c.Queue)));
        Assert.True(burst[0].EndPicoseconds < burst[1].StartPicoseconds);
        Assert.Equal(nic.Buffers.BufferCount, nic.Buffers.FreeCount);
        Assert.Equal(3L, nic.Snapshot().Transmit.Queue(1, 1).Completed);
        Assert.Equal(0, vm.PollCompletions(burst));
    }

    [Fact]
    public void A_full_tx_ring_takes_what_fits_and_counts_the_rest_and_its_slots_free_only_when_completions_are_polled()
    {
        using var nic = TestNic.Create(pools: 2, queues: 2, ring: 8);
        var vm = nic.AttachVm("vm", 0);
        Assert.Equal(8, Send(vm, 1, 10));
        var snapshot = nic.Snapshot();
        Assert.Equal(2, snapshot.Transmit.Queue(0, 1).Drops.RingFull);
        Assert.Equal(8, snapshot.Transmit.Queue(0, 1).Occupancy);
        Assert.Equal(nic.Buffers.BufferCount - 8, snapshot.Buffers.Free);   // dropped frames' buffers are back at once

        // Another queue of the pool has its own ring.
        Assert.Equal(1, Send(vm, 0, 1));

        // Sent, but the slots are held until the VM polls the completions (as a real TX ring's are until cleaned).
        Assert.Equal(9, nic.DrainWire());
        Assert.Equal(0, Send(vm, 1, 1));
        Assert.Equal(3, nic.Snapshot().Transmit.Queue(0, 1).Drops.RingFull);

        var completions = new TxCompletion[4];
        Assert.Equal(4, vm.PollCompletions(completions));
        Assert.Equal(3, Send(vm, 1, 3));   // the poll took queue 0's one and three of queue 1's: room for three

        snapshot = nic.Snapshot();
        Assert.Equal(3, snapshot.Transmit.Drops[TxDropReason.RingFull]);
        Assert.True(snapshot.IsBalanced, snapshot.ToString());
    }

    [Fact]
    public void Runts_and_oversize_frames_are_dropped_per_queue_and_their_buffers_freed()
    {
        using var nic = TestNic.Create(pools: 1, queues: 2, options: new NicOptions { BufferCount = 16 });
        var vm = nic.AttachVm("vm", 0);
        var frames = new[]
        {
            Write(vm, 1, length: 13),
            Write(vm, 1, length: 17, includesFcs: true),   // 13 bytes without its FCS
            new TxFrame(Write(vm, 1, length: 64).BufferIndex, nic.Buffers.BufferSize + 1),
            Write(vm, 1, length: 14),
            Write(vm, 1, length: 18, includesFcs: true),
        };

        Assert.Equal(2, vm.TransmitBurst(1, frames));
        var drops = nic.Snapshot().Transmit.Queue(0, 1).Drops;
        Assert.Equal(new TxDropCounts(ringFull: 0, runt: 2, oversize: 1, notAttached: 0), drops);
        Assert.Equal(14, nic.Buffers.FreeCount);

        var counter = new TransmitCounter();
        nic.WireSink = counter;
        nic.DrainWire();
        Assert.Equal((2L, 2 * 84L), (counter.Frames, counter.WireBytes));   // both padded to 64 bytes
    }

    [Fact]
    public void A_detached_vm_transmits_nothing_its_frames_are_counted_at_the_port_and_the_pool_keeps_sending()
    {
        using var nic = TestNic.Create(pools: 2, queues: 1);
        var vm = nic.AttachVm("vm", 1);
        Assert.Equal(2, Send(vm, 0, 2));
        var late = new[] { Write(vm, 1), Write(vm, 1), Write(vm, 1) };
        nic.DetachVm("vm");
        Assert.Equal(0, vm.TransmitBurst(late));
        Assert.Equal(0, vm.PollCompletions(new TxCompletion[4]));

        Assert.Equal(2, nic.DrainWire());
        var snapshot = nic.Snapshot();
        Assert.Equal(3, snapshot.Transmit.PortDrops.NotAttached);
        Assert.Equal(3, snapshot.Transmit.Drops.Total);
        Assert.True(snapshot.IsBalanced);

        // The pool's completions wait for whoever reaps next: the host here.
        Assert.Equal(2, nic.PollCompletions(1, 0, new TxCompletion[4]));
        Assert.Equal(nic.Buffers.BufferCount, nic.Buffers.FreeCount);
    }

    [Fact]
    public void Posting_a_buffer_that_is_not_rented_or_out_of_range_throws_and_posts_nothing()
    {
        using var nic = TestNic.Create(pools: 1, queues: 1);
        var vm = nic.AttachVm("vm", 0);
        var good = Write(vm, 1);
        int freeBuffer = good.BufferIndex + 1;
        Assert.Throws<InvalidOperationException>(() => vm.TransmitBurst([good, new TxFrame(freeBuffer, 64)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => vm.TransmitBurst([good, new TxFrame(nic.Buffers.BufferCount, 64)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => vm.TransmitBurst([good, new TxFrame(good.BufferIndex, -1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => vm.TransmitBurst(1, [good]));
        Assert.Equal(0, nic.Snapshot().Transmit.Offered);
        Assert.Equal(1, vm.TransmitBurst([good]));
        Assert.Throws<ArgumentOutOfRangeException>(() => nic.AdvanceWire(TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void The_sink_reads_the_frame_in_the_vms_own_buffer()
    {
        using var nic = TestNic.Create(pools: 1, queues: 1);
        var vm = nic.AttachVm("vm", 0);
        var frame = Write(vm, 9, sequence: 42, length: 128);
        var sink = new RecordingSink(nic);
        nic.WireSink = sink;
        vm.TransmitBurst([frame]);
        nic.DrainWire();

        var seen = Assert.Single(sink.Frames);
        Assert.True(seen.SameMemory, "the sink saw a copy, not the VM's buffer");
        Assert.Equal(frame.BufferIndex, seen.BufferIndex);
        Assert.Equal(42, TestNic.SequenceOf(seen.Bytes));
        Assert.Equal(128, seen.Bytes.Length);
        Assert.Equal(1, sink.Flushes);
    }

    [Fact]
    public void The_wire_serves_backlogged_queues_of_every_pool_in_round_robin()
    {
        using var nic = TestNic.Create(pools: 3, queues: 2);
        var a = nic.AttachVm("a", 0);
        var c = nic.AttachVm("c", 2);
        Send(a, 0, 3);
        Send(a, 1, 1);
        Send(c, 1, 2);
        var sink = new RecordingSink(nic);
        nic.WireSink = sink;
        nic.DrainWire();
        Assert.Equal(
            [(0, 0), (0, 1), (2, 1), (0, 0), (2, 1), (0, 0)],
            sink.Frames.Select(f => (f.Pool, f.Queue)));
    }

    [Fact]
    public void Two_nics_back_to_back_classify_and_deliver_what_the_other_sends()
    {
        using var left = TestNic.Create(pools: 4, queues: 4, ring: 64);
        using var right = TestNic.Create(pools: 4, queues: 4, ring: 64);
        left.WireSink = right.AsTransmitSink();
        right.WireSink = left.AsTransmitSink();
        var sender = left.AttachVm("sender", 0);
        var receiver = right.AttachVm("receiver", 2);
        var echo = left.AttachVm("echo", 3);

        // 40 frames (more than one 32-frame receive burst) to pool 2 queue 1 on the right, one short (42 bytes) and
        // one that carries its own FCS; and one broadcast.
        var frames = new List<TxFrame>();
        for (int i = 0; i < 38; i++)
        {
            frames.Add(Write(sender, TestNic.To(2, 1), sequence: i, length: 100));
        }

        frames.Add(Write(sender, TestNic.To(2, 1), sequence: 38, length: 42));
        frames.Add(Write(sender, TestNic.To(2, 1), sequence: 39, length: 104, includesFcs: true));
        Assert.True(sender.TryRentTxBuffer(out int broadcast));
        TestNic.Broadcast(sequence: 40).CopyTo(sender.GetTxBuffer(broadcast));
        Assert.Equal(40, sender.TransmitBurst(2, frames.ToArray()));
        Assert.Equal(1, sender.TransmitBurst(0, [new TxFrame(broadcast, 64)]));

        Assert.Equal(41, left.DrainWire());

        var burst = new RxDescriptor[64];
        int n = receiver.Poll(burst);
        Assert.Equal(41, n);   // 40 on queue 1, the broadcast's replica for pool 2
        var unicast = burst.Take(n).Where(d => d.Queue == 1).ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), unicast.Select(d => TestNic.SequenceOf(receiver.GetFrame(d))));
        Assert.Equal(60, unicast[38].Length);    // padded on the wire
        Assert.Equal(100, unicast[39].Length);   // its FCS stripped on receive
        Assert.All(unicast, d => Assert.Equal(100 + TestNic.To(2, 1), d.Verdict.RuleLine));
        receiver.Release(burst.AsSpan(0, n));

        var rightSnapshot = right.Snapshot();
        Assert.Equal(41, rightSnapshot.Received);
        Assert.Equal(3, rightSnapshot.ReplicaCopies);
        Assert.True(rightSnapshot.IsBalanced, rightSnapshot.ToString());

        // And back: the right NIC's pool 1 sends to the left's pool 3.
        var reply = right.AttachVm("reply", 1);
        Assert.Equal(5, Send(reply, 0, 5, TestNic.To(3, 0)));
        Assert.Equal(5, right.DrainWire());
        Assert.Equal(5, echo.Poll(burst));
        echo.Release(burst.AsSpan(0, 5));

        Assert.Equal(41, PollAll(sender).Count);
        Assert.Equal(5, PollAll(reply).Count);
        TestNic.DrainAll(right);
        TestNic.DrainAll(left);
        foreach (var nic in new[] { left, right })
        {
            var snapshot = nic.Snapshot();
            Assert.True(snapshot.IsBalanced, snapshot.ToString());
            Assert.Equal(snapshot.Buffers.Total, snapshot.Buffers.Free);
            Assert.True(snapshot.Buffers.IsConserved);
        }
    }

    [Fact]
    public void Offered_in_both_directions_plus_replicas_equals_delivered_plus_on_the_wire_plus_drops_at_every_step()
    {
        using var nic = TestNic.Create(pools: 4, queues: 2, ring: 8, broadcastPools: [0, 1, 2]);
        var vm0 = nic.AttachVm("vm0", 0);
        var vm1 = nic.AttachVm("vm1", 1);

        void Check(string step)
        {
            var s = nic.Snapshot();
            Assert.True(s.IsBalanced, $"{step}: {s}");
            Assert.True(s.Buffers.IsConserved, $"{step}: {s.Buffers}");
            long offered = s.Received + s.Transmit.Offered;
            long accounted = s.Dequeued + s.InRings + s.Drops.Total + s.Transmit.Transmitted + s.Transmit.InRings + s.Transmit.InFlight + s.Transmit.Drops.Total;
            Assert.Equal(offered + s.ReplicaCopies, accounted);
        }

        nic.ReceiveBurst([TestNic.Broadcast(), TestNic.Frame(TestNic.To(1, 1)), TestNic.Frame(TestNic.DropByte), new byte[5]]);
        Check("received");
        Send(vm0, 0, 12);                    // 8 posted, 4 ring-full
        Send(vm1, 1, 3, length: 1514);
        vm1.TransmitBurst(1, [Write(vm1, 1, length: 3)]);
        Check("posted");
        nic.AdvanceWire(TimeSpan.FromMicroseconds(1));   // mid-frame: one in flight
        Assert.Equal(1, nic.Snapshot().Transmit.InFlight);
        Check("in flight");
        nic.ReceiveBurst([TestNic.Frame(TestNic.To(0, 0)), TestNic.Frame(TestNic.To(0, 1))]);
        nic.DrainWire();
        Check("drained");
        PollAll(vm0);
        PollAll(vm1);
        var burst = new RxDescriptor[16];
        int n = vm0.Poll(burst);
        vm0.Release(burst.AsSpan(0, n));
        Check("half reaped");
        TestNic.DrainAll(nic);
        Check("all reaped");
        var snapshot = nic.Snapshot();
        Assert.Equal((4L, 1L), (snapshot.Transmit.Drops.RingFull, snapshot.Transmit.Drops.Runt));
        Assert.Equal(11, snapshot.Transmit.Transmitted);
        Assert.Equal(snapshot.Buffers.Total, snapshot.Buffers.Free);
    }

    [Fact]
    public void The_pcapng_sink_writes_each_frame_stamped_with_the_wire_clock()
    {
        using var nic = TestNic.Create(pools: 1, queues: 1);
        var vm = nic.AttachVm("vm", 0);
        var stream = new MemoryStream();
        var zero = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using (var capture = new PcapNgTransmitSink(stream, zero))
        {
            nic.WireSink = capture;
            Send(vm, 0, 3, dstLow: 5, length: 60);
            nic.DrainWire();
            Assert.Equal(3, capture.Count);
        }

        var frames = CaptureReader.Read(new MemoryStream(stream.ToArray())).ToList();
        Assert.Equal(3, frames.Count);
        long zeroNs = (zero - DateTimeOffset.UnixEpoch).Ticks * 100;
        Assert.Equal([zeroNs + 57, zeroNs + 124, zeroNs + 192], frames.Select(f => f.TimestampNanoseconds));   // 57.6, 124.8, 192 ns
        Assert.Equal([0L, 1L, 2L], frames.Select(f => TestNic.SequenceOf(f.Data.Span)));
        Assert.All(frames, f => Assert.Equal(60, f.Data.Length));
    }

    [Fact]
    public void A_sink_calling_back_into_the_wire_is_refused()
    {
        using var nic = TestNic.Create(pools: 1, queues: 1);
        var vm = nic.AttachVm("vm", 0);
        Send(vm, 0, 2);
        nic.WireSink = new ReentrantSink(nic);
        Assert.Throws<InvalidOperationException>(() => nic.DrainWire());

        // The frame the sink saw has left and completed; the wire runs again afterwards.
        nic.WireSink = null;
        Assert.Equal(1, nic.DrainWire());
        Assert.Equal(2, PollAll(vm).Count);
        Assert.True(nic.Snapshot().IsBalanced);
    }

    private sealed record SeenFrame(int Pool, int Queue, int BufferIndex, byte[] Bytes, bool SameMemory);

    private sealed class RecordingSink(NicEmulator nic) : ITransmitSink
    {
        public List<SeenFrame> Frames { get; } = [];

        public int Flushes { get; private set; }

        public void Deliver(in TransmittedFrame frame)
        {
            bool same = Unsafe.AreSame(
                ref MemoryMarshal.GetReference(frame.Data),
                ref MemoryMarshal.GetReference(nic.Buffers.GetWritableBuffer(frame.BufferIndex)));
            Frames.Add(new SeenFrame(frame.Pool, frame.Queue, frame.BufferIndex, frame.Data.ToArray(), same));
        }

        public void Flush() => Flushes++;
    }

    private sealed class ReentrantSink(NicEmulator nic) : ITransmitSink
    {
        public void Deliver(in TransmittedFrame frame) => nic.AdvanceWire(TimeSpan.FromMicroseconds(1));

        public void Flush()
        {
        }
    }
}
