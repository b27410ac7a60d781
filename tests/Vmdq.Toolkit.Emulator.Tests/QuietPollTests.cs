using System;
using System.Reflection;
using System.Threading;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// A VM's poll skips a ring of its pool while the ring's epoch has not moved since a poll saw it empty
/// (NicEmulator.Consumers.cs). These pin down when a poll may take a ring for quiet, and that nothing that
/// arrives, or stays behind, after that is missed.
/// </summary>
public class QuietPollTests
{
    [Fact]
    public void Frames_that_arrive_after_a_poll_found_the_pool_empty_are_seen_on_every_queue()
    {
        using var nic = TestNic.Create();
        var vm = nic.AttachVm("vm1", 1);
        var descriptors = new RxDescriptor[8];
        for (int queue = 0; queue < nic.QueuesPerPool; queue++)
        {
            Assert.Equal(0, vm.Poll(descriptors));
            Assert.Equal(0, vm.Poll(descriptors));
            Assert.Equal(1, nic.ReceiveBurst([TestNic.Frame(TestNic.To(1, queue), sequence: queue)]));
            Assert.Equal(1, vm.Poll(descriptors));
            Assert.Equal((short)queue, descriptors[0].Queue);
            vm.Release(descriptors[0]);
        }

        Assert.True(nic.Snapshot().IsBalanced);
    }

    [Fact]
    public void A_vm_moved_to_a_pool_whose_epoch_equals_its_old_pools_still_sees_that_pools_frames()
    {
        using var nic = TestNic.Create();
        var vm = nic.AttachVm("vm1", 1);
        var descriptors = new RxDescriptor[8];

        // One burst each: both pools' queue-0 epochs move once, so they are equal.
        Assert.Equal(1, nic.ReceiveBurst([TestNic.Frame(TestNic.To(1, 0))]));
        Assert.Equal(1, nic.ReceiveBurst([TestNic.Frame(TestNic.To(2, 0), sequence: 7)]));
        Assert.Equal(1, vm.Poll(descriptors));
        vm.Release(descriptors[0]);
        Assert.Equal(0, vm.Poll(descriptors));

        nic.MoveVm("vm1", 2);
        Assert.Equal(1, vm.Poll(descriptors));
        Assert.Equal(7, TestNic.SequenceOf(vm.GetFrame(descriptors[0])));
        vm.Release(descriptors[0]);
    }

    [Fact]
    public void A_poll_that_meets_a_ring_another_thread_is_draining_does_not_take_the_ring_for_quiet()
    {
        using var nic = TestNic.Create();
        var vm = nic.AttachVm("vm1", 1);
        var descriptors = new RxDescriptor[8];
        Assert.Equal(2, nic.ReceiveBurst([TestNic.Frame(TestNic.To(1, 3)), TestNic.Frame(TestNic.To(1, 3), sequence: 1)]));

        // Another drainer holds queue 3's lease: the poll cannot look into it, so it has not seen it empty.
        var queue = Ring(nic, 1, 3);
        Assert.True(queue.TryAcquireLease());
        Assert.Equal(0, vm.Poll(descriptors));
        queue.ReleaseLease();

        Assert.Equal(2, vm.Poll(descriptors));
        vm.Release(descriptors.AsSpan(0, 2));
    }

    [Fact]
    public void A_poll_that_fills_its_span_does_not_take_the_ring_for_quiet()
    {
        using var nic = TestNic.Create();
        var vm = nic.AttachVm("vm1", 1);
        var frames = TestNic.Numbered(5, TestNic.To(1, 0));

        Assert.Equal(5, nic.ReceiveBurst(frames));
        var two = new RxDescriptor[2];
        int seen = 0;
        for (int n; (n = vm.Poll(two)) > 0; seen += n)
        {
            vm.Release(two.AsSpan(0, n));
        }

        Assert.Equal(5, seen);
    }

    [Fact]
    public void A_vm_polling_on_its_own_thread_sees_every_frame_published_while_it_polls()
    {
        // One frame at a time, on each queue in turn, each published while the VM's thread is somewhere in its polls,
        // the next only once it is delivered: a frame on a ring that a poll went on taking for quiet would never be,
        // and the wait below would end on the safety timeout. (Reading the epoch after the ring instead of before is
        // such a bug too, but its window is a few instructions wide: the Debug-only test below puts a publish in it.)
        const int Frames = 20_000;
        using var nic = TestNic.Create();
        var vm = nic.AttachVm("vm1", 1);
        long delivered = 0;
        bool stop = false;
        var consumer = new Thread(() =>
        {
            var burst = new RxDescriptor[4];
            while (!Volatile.Read(ref stop))
            {
                int n = vm.Poll(burst);
                if (n > 0)
                {
                    vm.Release(burst.AsSpan(0, n));
                    Interlocked.Add(ref delivered, n);
                }
            }
        });
        consumer.Start();
        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int sent = 0;
        try
        {
            for (; sent < Frames; sent++)
            {
                Assert.Equal(1, nic.ReceiveBurst([TestNic.Frame(TestNic.To(1, sent % nic.QueuesPerPool), sequence: sent)]));
                var spin = default(SpinWait);
                while (Interlocked.Read(ref delivered) <= sent && !safety.IsCancellationRequested)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                if (safety.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            consumer.Join();
        }

        Assert.False(safety.IsCancellationRequested, $"Frame {sent} was never delivered: its ring was skipped as quiet ({Interlocked.Read(ref delivered)} delivered).");
        Assert.Equal(Frames, Interlocked.Read(ref delivered));
    }

#if DEBUG
    [Fact]
    public void A_frame_published_between_a_polls_look_at_a_ring_and_its_note_is_seen_by_the_next_poll()
    {
        // The poll read the ring's epoch before looking at it: the publish moves the epoch past the note, so the next
        // poll looks again. (Read after the look, the note would hold the new epoch and the frame would wait for
        // the ring's next publish.) The hook that puts the publish there exists in Debug builds only.
        using var nic = TestNic.Create();
        var vm = nic.AttachVm("vm1", 1);
        int target = (1 * nic.QueuesPerPool) + 2;
        bool published = false;
        nic.AfterRingSeenEmpty = ring =>
        {
            if (ring == target && !published)
            {
                published = true;
                Assert.Equal(1, nic.ReceiveBurst([TestNic.Frame(TestNic.To(1, 2), sequence: 42)]));
            }
        };

        var descriptors = new RxDescriptor[8];
        Assert.Equal(0, vm.Poll(descriptors));
        Assert.True(published);
        Assert.Equal(1, vm.Poll(descriptors));
        Assert.Equal(42, TestNic.SequenceOf(vm.GetFrame(descriptors[0])));
        vm.Release(descriptors[0]);
    }

#endif
    private static RxQueue Ring(NicEmulator nic, int pool, int queue)
    {
        var queues = (RxQueue[])typeof(NicEmulator).GetField("_queues", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(nic)!;
        return queues[(pool * nic.QueuesPerPool) + queue];
    }
}
