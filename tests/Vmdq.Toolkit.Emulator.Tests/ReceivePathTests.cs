using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

public class ReceivePathTests
{
    [Fact]
    public void Each_frame_lands_on_its_verdicts_queue_with_its_rule_line_and_arrival_number()
    {
        using var nic = TestNic.Create();
        byte[][] frames =
        [
            TestNic.Frame(TestNic.To(1, 2), length: 60),
            TestNic.Frame(TestNic.To(3, 0), length: 1514),
            TestNic.Frame(TestNic.To(1, 2), length: 100),
        ];
        Assert.Equal(3, nic.ReceiveBurst(frames));

        var descriptors = new RxDescriptor[4];
        Assert.Equal(2, nic.ReceiveFromQueue(1, 2, descriptors));
        Assert.Equal((0L, 60, 100 + TestNic.To(1, 2)), (descriptors[0].Sequence, descriptors[0].Length, descriptors[0].Verdict.RuleLine));
        Assert.Equal((2L, 100), (descriptors[1].Sequence, descriptors[1].Length));
        Assert.Equal((short)1, descriptors[1].Pool);
        Assert.Equal((short)2, descriptors[1].Queue);
        Assert.True(nic.GetFrame(descriptors[0]).SequenceEqual(frames[0]));
        nic.Release(descriptors.AsSpan(0, 2));

        Assert.Equal(1, nic.ReceiveFromQueue(3, 0, descriptors));
        Assert.True(nic.GetFrame(descriptors[0]).SequenceEqual(frames[1]));
        nic.Release(descriptors[0]);

        var snapshot = nic.Snapshot();
        Assert.Equal(3, snapshot.Received);
        Assert.Equal(60 + 1514 + 100, snapshot.ReceivedBytes);
        Assert.Equal(2, snapshot.Queue(1, 2).Dequeued);
        Assert.Equal(160, snapshot.Queue(1, 2).DequeuedBytes);
        Assert.True(snapshot.IsBalanced);
    }

    [Fact]
    public void A_full_ring_takes_what_fits_and_counts_the_rest_as_ring_full()
    {
        using var nic = TestNic.Create(ring: 4, options: new NicOptions { BufferCount = 64 });
        var frames = TestNic.Numbered(6, TestNic.To(0, 1));

        Assert.Equal(4, nic.ReceiveBurst(frames));
        var snapshot = nic.Snapshot();
        Assert.Equal(2, snapshot.Queue(0, 1).Drops.RingFull);
        Assert.Equal(2, snapshot.Drops[DropReason.RingFull]);
        Assert.Equal(4, snapshot.Queue(0, 1).Occupancy);
        Assert.Equal(60, snapshot.Buffers.Free);
        Assert.True(snapshot.Buffers.IsConserved);
        Assert.True(snapshot.IsBalanced);

        // The oldest four are kept, in order.
        var descriptors = new RxDescriptor[8];
        Assert.Equal(4, nic.ReceiveFromQueue(0, 1, descriptors));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(i, TestNic.SequenceOf(nic.GetFrame(descriptors[i])));
        }
    }

    [Fact]
    public void A_ring_filling_up_across_chunks_takes_what_fits_in_order_and_counts_the_rest_as_ring_full()
    {
        // Chunks of 4 into a ring of 6: the first chunk fits, the second half fits, the third finds it full.
        using var nic = TestNic.Create(ring: 6, options: new NicOptions { MaxBurst = 4, BufferCount = 64 });
        var frames = TestNic.Numbered(10, TestNic.To(0, 1));

        Assert.Equal(6, nic.ReceiveBurst(frames));
        var snapshot = nic.Snapshot();
        Assert.Equal(4, snapshot.Queue(0, 1).Drops.RingFull);
        Assert.Equal(6, snapshot.Queue(0, 1).Occupancy);
        Assert.Equal(58, snapshot.Buffers.Free);
        Assert.True(snapshot.IsBalanced);

        var descriptors = new RxDescriptor[8];
        Assert.Equal(6, nic.ReceiveFromQueue(0, 1, descriptors));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(i, descriptors[i].Sequence);
            Assert.Equal(i, TestNic.SequenceOf(nic.GetFrame(descriptors[i])));
        }
    }

    [Fact]
    public void No_free_buffer_is_a_no_buffer_drop()
    {
        using var nic = TestNic.Create(options: new NicOptions { BufferCount = 3 });
        var frames = new byte[5][];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = TestNic.Frame(TestNic.To(2, 0));
        }

        Assert.Equal(3, nic.ReceiveBurst(frames));
        var snapshot = nic.Snapshot();
        Assert.Equal(2, snapshot.PortDrops.NoBuffer);
        Assert.Equal(3, snapshot.Queue(2, 0).Enqueued);
        Assert.Equal(0, snapshot.Buffers.Free);
        Assert.True(snapshot.IsBalanced);

        // Released buffers are rentable again.
        TestNic.DrainAll(nic);
        Assert.Equal(1, nic.ReceiveBurst([frames[0]]));
    }

    [Fact]
    public void Rule_drops_runts_oversize_frames_and_invalid_verdicts_are_counted_by_reason()
    {
        using var nic = TestNic.Create();
        byte[][] frames =
        [
            TestNic.Frame(TestNic.DropByte),
            new byte[10],
            [],
            TestNic.Frame(TestNic.To(0, 0), length: 3000),
            TestNic.Frame(TestNic.InvalidByte),
            TestNic.Frame(TestNic.To(0, 0), length: 14),
            TestNic.Frame(TestNic.To(0, 0), length: 2048),
        ];
        Assert.Equal(2, nic.ReceiveBurst(frames));
        var drops = nic.Snapshot().PortDrops;
        Assert.Equal(new DropCounts(ringFull: 0, noBuffer: 0, ruleDrop: 1, runt: 2, oversize: 1, invalidVerdict: 1), drops);

        var snapshot = nic.Snapshot();
        Assert.Equal(7, snapshot.Received);
        Assert.Equal(2, snapshot.InRings);
        Assert.True(snapshot.IsBalanced);
        Assert.Equal(nic.Buffers.BufferCount - 2, snapshot.Buffers.Free);
    }

    [Fact]
    public void Jumbo_buffers_take_jumbo_frames()
    {
        using var nic = TestNic.Create(options: new NicOptions { BufferSize = BufferPool.JumboBufferSize, BufferCount = 8 });
        Assert.Equal(1, nic.ReceiveBurst([TestNic.Frame(TestNic.To(0, 0), length: 9000)]));
        Assert.Equal(0, nic.ReceiveBurst([TestNic.Frame(TestNic.To(0, 0), length: 9217)]));
        Assert.Equal(1, nic.Snapshot().PortDrops.Oversize);
    }

    [Fact]
    public void A_broadcast_is_one_buffer_shared_by_one_descriptor_per_replica_pool()
    {
        using var nic = TestNic.Create(broadcastPools: [0, 1, 3]);
        var frame = TestNic.Broadcast(sequence: 42);
        Assert.Equal(3, nic.ReceiveBurst([frame]));
        Assert.Equal(1, nic.Buffers.BufferCount - nic.Buffers.FreeCount);

        var descriptors = new List<RxDescriptor>();
        var one = new RxDescriptor[1];
        foreach (int pool in new[] { 0, 1, 3 })
        {
            var vm = nic.AttachVm($"vm{pool}", pool);
            Assert.Equal(1, vm.Poll(one));
            Assert.Equal(RuleKind.Broadcast, one[0].Verdict.Kind);
            Assert.Equal((short)pool, one[0].Pool);
            descriptors.Add(one[0]);
        }

        Assert.Equal(0, nic.Snapshot().Pools[2].Enqueued);
        int buffer = descriptors[0].BufferIndex;
        Assert.All(descriptors, d => Assert.Equal(buffer, d.BufferIndex));
        Assert.Equal(3, nic.Buffers.GetRefCount(buffer));

        // All three see the same bytes, at the same address.
        ref byte first = ref MemoryMarshal.GetReference(nic.GetFrame(descriptors[0]));
        foreach (var d in descriptors)
        {
            Assert.True(Unsafe.AreSame(ref first, ref MemoryMarshal.GetReference(nic.GetFrame(d))));
            Assert.Equal(42, TestNic.SequenceOf(nic.GetFrame(d)));
        }

        nic.Release(descriptors[0]);
        nic.Release(descriptors[1]);
        Assert.Equal(1, nic.Buffers.GetRefCount(buffer));
        Assert.Equal(nic.Buffers.BufferCount - 1, nic.Buffers.FreeCount);
        nic.Release(descriptors[2]);
        Assert.Equal(nic.Buffers.BufferCount, nic.Buffers.FreeCount);
        Assert.Throws<InvalidOperationException>(() => nic.Release(descriptors[2]));

        var snapshot = nic.Snapshot();
        Assert.Equal(2, snapshot.ReplicaCopies);
        Assert.True(snapshot.IsBalanced);
    }

    [Fact]
    public void A_replica_to_a_full_ring_is_dropped_alone_and_gives_its_reference_back()
    {
        using var nic = TestNic.Create(ring: 2, broadcastPools: [0, 1, 2]);
        nic.ReceiveBurst([TestNic.Frame(TestNic.To(1, 0)), TestNic.Frame(TestNic.To(1, 0))]);
        Assert.Equal(2, nic.ReceiveBurst([TestNic.Broadcast()]));

        var snapshot = nic.Snapshot();
        Assert.Equal(1, snapshot.Queue(1, 0).Drops.RingFull);
        Assert.True(snapshot.IsBalanced);
        var one = new RxDescriptor[1];
        Assert.Equal(1, nic.ReceiveFromQueue(0, 0, one));
        Assert.Equal(2, nic.Buffers.GetRefCount(one[0].BufferIndex));
        nic.Release(one[0]);
        TestNic.DrainAll(nic);
        Assert.Equal(nic.Buffers.BufferCount, nic.CheckBuffers().Free);
    }

    [Fact]
    public void A_burst_of_replicas_to_every_pool_is_counted_and_ordered_in_each_ring()
    {
        // 32 broadcasts to 8 pools: 256 descriptors staged into 8 rings in one chunk, each ring published once.
        int[] all = [0, 1, 2, 3, 4, 5, 6, 7];
        using var nic = TestNic.Create(pools: 8, queues: 1, ring: 64, broadcastPools: all);
        var frames = new byte[32][];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = TestNic.Broadcast(sequence: i);
        }

        Assert.Equal(256, nic.ReceiveBurst(frames));
        var descriptors = new RxDescriptor[64];
        foreach (int pool in all)
        {
            Assert.Equal(32, nic.ReceiveFromQueue(pool, 0, descriptors));
            for (int i = 0; i < 32; i++)
            {
                Assert.Equal(i, descriptors[i].Sequence);
                nic.Release(descriptors[i]);
            }
        }

        Assert.Equal(nic.Buffers.BufferCount, nic.Buffers.FreeCount);
        Assert.True(nic.Snapshot().IsBalanced);
    }

    [Fact]
    public void Consumers_read_frames_in_the_pool_buffer_the_frame_was_copied_into_once()
    {
        using var nic = TestNic.Create();
        var source = TestNic.Frame(TestNic.To(2, 1), sequence: 7);
        nic.ReceiveBurst([source]);
        var vm = nic.AttachVm("vm", 2);
        var one = new RxDescriptor[1];
        Assert.Equal(1, vm.Poll(one));

        ReadOnlySpan<byte> seen = vm.GetFrame(one[0]);
        Span<byte> buffer = nic.Buffers.GetWritableBuffer(one[0].BufferIndex);
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(seen), ref MemoryMarshal.GetReference(buffer)));
        Assert.False(seen.Overlaps(source));

        // Writing the buffer shows through the consumer's span: a view, not a copy.
        buffer[TestNic.PayloadOffset + 1] = 99;
        Assert.Equal(99, TestNic.SequenceOf(seen));
        vm.Release(one[0]);
    }

    [Fact]
    public void Frames_written_into_rented_buffers_are_received_without_any_copy()
    {
        using var nic = TestNic.Create();
        var landed = new LandedFrame[3];
        for (int i = 0; i < landed.Length; i++)
        {
            Assert.True(nic.Buffers.TryRent(out int buffer));
            TestNic.Write(nic.Buffers.GetWritableBuffer(buffer).Slice(0, 64), TestNic.To(0, 3), i, 0);
            landed[i] = new LandedFrame(buffer, i == 2 ? 8 : 64);
        }

        Assert.Equal(2, nic.ReceiveBurst(landed));
        var descriptors = new RxDescriptor[4];
        Assert.Equal(2, nic.ReceiveFromQueue(0, 3, descriptors));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(landed[i].BufferIndex, descriptors[i].BufferIndex);
            Assert.True(Unsafe.AreSame(
                ref MemoryMarshal.GetReference(nic.GetFrame(descriptors[i])),
                ref MemoryMarshal.GetReference(nic.Buffers.GetWritableBuffer(landed[i].BufferIndex))));
            nic.Release(descriptors[i]);
        }

        // The runt's buffer went back too.
        Assert.Equal(1, nic.Snapshot().PortDrops.Runt);
        Assert.Equal(nic.Buffers.BufferCount, nic.Buffers.FreeCount);
    }

    [Fact]
    public void Landing_a_free_buffer_is_refused_before_anything_is_received()
    {
        using var nic = TestNic.Create();
        var ex = Assert.Throws<InvalidOperationException>(() => nic.ReceiveBurst([new LandedFrame(0, 64)]));
        Assert.Contains("buffer 0", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => nic.ReceiveBurst([new LandedFrame(-1, 64)]));
        Assert.Equal(0, nic.Snapshot().Received);
    }

    [Fact]
    public void Bursts_longer_than_max_burst_keep_their_order()
    {
        using var nic = TestNic.Create(ring: 128, options: new NicOptions { MaxBurst = 8 });
        var frames = new ReadOnlyMemory<byte>[100];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = TestNic.Frame(TestNic.To(i % 2, 0), sequence: i);
        }

        Assert.Equal(100, nic.ReceiveBurst(frames));
        var descriptors = new RxDescriptor[64];
        foreach (int pool in new[] { 0, 1 })
        {
            Assert.Equal(50, nic.ReceiveFromQueue(pool, 0, descriptors));
            for (int i = 0; i < 50; i++)
            {
                Assert.Equal((2 * i) + pool, TestNic.SequenceOf(nic.GetFrame(descriptors[i])));
                Assert.Equal((2 * i) + pool, descriptors[i].Sequence);
                nic.Release(descriptors[i]);
            }
        }
    }

    [Fact]
    public void The_receive_and_consume_paths_do_not_allocate_per_frame()
    {
        using var nic = TestNic.Create(ring: 256, broadcastPools: [0, 1]);
        var frames = new byte[32][];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = i % 8 == 0 ? TestNic.Broadcast(i) : i % 8 == 1 ? TestNic.Frame(TestNic.DropByte) : TestNic.Frame(TestNic.To(i % 4, i % 3), sequence: i);
        }

        var vms = new VmConsumer[4];
        for (int pool = 0; pool < 4; pool++)
        {
            vms[pool] = nic.AttachVm($"vm{pool}", pool);
        }

        var descriptors = new RxDescriptor[64];
        void Round()
        {
            nic.ReceiveBurst(frames);
            foreach (var vm in vms)
            {
                int n;
                while ((n = vm.Poll(descriptors)) > 0)
                {
                    vm.Release(descriptors.AsSpan(0, n));
                }
            }
        }

        for (int i = 0; i < 200; i++)
        {
            Round();
        }

        const int Rounds = 500;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++)
        {
            Round();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < Rounds * frames.Length, $"{allocated} bytes allocated for {Rounds * frames.Length} frames.");
        Assert.True(nic.Snapshot().IsBalanced);
    }

    [Fact]
    public async System.Threading.Tasks.Task Two_threads_in_the_receive_path_at_once_are_refused()
    {
        using var nic = TestNic.Create();
        var gate = new System.Threading.ManualResetEventSlim();
        var release = new System.Threading.ManualResetEventSlim();
        nic.CongestionChanged += (_, _) =>
        {
            gate.Set();
            release.Wait(TimeSpan.FromMinutes(1));
        };

        // The first receive blocks inside its congestion handler (ring of 64, high watermark 52).
        var frames = new byte[60][];
        for (int i = 0; i < frames.Length; i++)
        {
            frames[i] = TestNic.Frame(TestNic.To(0, 0));
        }

        var first = System.Threading.Tasks.Task.Run(() => nic.ReceiveBurst(frames));
        Assert.True(gate.Wait(TimeSpan.FromMinutes(1)));
        var ex = Assert.Throws<InvalidOperationException>(() => nic.ReceiveBurst([TestNic.Frame(TestNic.To(1, 0))]));
        Assert.Contains("single-producer", ex.Message);
        release.Set();
        Assert.Equal(60, await first);
    }
}
