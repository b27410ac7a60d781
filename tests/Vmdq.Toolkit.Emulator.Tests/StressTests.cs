using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Threading;
using Vmdq.Toolkit.Emulator;
using Xunit.Abstractions;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// One producer, three VM consumer threads and a control-plane thread that rebinds queues and moves
/// VMs while traffic flows. Bounded in frames; a stall watchdog (no progress for a minute) only guards against hangs.
/// </summary>
public class StressTests(ITestOutputHelper output)
{
    private const int Frames = 2_000_000;
    private const int Pools = 4;
    private const int Queues = 4;
    private const int Sources = 8;
    private const int Vms = 3;
    private const int Checkpoints = 10;
    private const int OpsPerCheckpoint = 3;
    private const int FrameNumberOffset = TestNic.PayloadOffset + 9;

    [Fact]
    public void Frames_are_delivered_once_in_order_or_counted_as_drops_while_the_host_reconfigures()
    {
        using var nic = TestNic.Create(Pools, Queues, ring: 256, broadcastPools: [0, 1, 2, 3]);
        var failures = new ConcurrentQueue<Exception>();
        var deliveredPools = new int[Frames];
        var expectedCopies = new byte[Frames];
        long deliveries = 0;
        int controlOps = 0;

        // Trips only when neither deliveries nor the control plane move for a minute: a hang, not a slow machine.
        using var safety = new StallWatchdog(() => Interlocked.Read(ref deliveries) + Volatile.Read(ref controlOps), TimeSpan.FromMinutes(1));
        bool producerDone = false, stop = false;

        var vms = new VmConsumer[Vms];
        for (int i = 0; i < Vms; i++)
        {
            vms[i] = nic.AttachVm($"vm{i}", i);
        }

        void Guard(Action body)
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
                safety.Cancel();
            }
        }

        var producer = new Thread(() => Guard(() =>
        {
            var random = new Random(12345);
            var perSource = new long[Sources];
            var burst = new byte[32][];
            for (int i = 0; i < burst.Length; i++)
            {
                burst[i] = new byte[128];
            }

            var frames = new ReadOnlyMemory<byte>[burst.Length];
            int next = 0, checkpoint = 1;
            while (next < Frames && !safety.IsCancellationRequested)
            {
                // Make sure reconfigurations happen in the middle of the traffic, whatever the scheduling.
                if (checkpoint < Checkpoints && next >= checkpoint * (Frames / Checkpoints))
                {
                    while (Volatile.Read(ref controlOps) < checkpoint * OpsPerCheckpoint && !safety.IsCancellationRequested)
                    {
                        Thread.Yield();
                    }

                    checkpoint++;
                }

                int n = Math.Min(burst.Length, Frames - next);
                for (int i = 0; i < n; i++)
                {
                    int number = next + i;
                    byte source = (byte)random.Next(Sources);
                    int kind = random.Next(200);
                    byte[] frame = burst[i];
                    int length = 64 + random.Next(64);
                    TestNic.Write(frame.AsSpan(0, length), TestNic.To(random.Next(Pools), random.Next(Queues)), perSource[source]++, source);
                    BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(FrameNumberOffset), number);
                    expectedCopies[number] = 1;
                    if (kind < 3)
                    {
                        frame.AsSpan(0, 6).Fill(0xFF);
                        expectedCopies[number] = Pools;
                    }
                    else if (kind < 5)
                    {
                        frame[5] = TestNic.DropByte;
                    }
                    else if (kind < 6)
                    {
                        length = 10;
                    }

                    frames[i] = frame.AsMemory(0, length);
                }

                // Give the consumers a turn when rings overflow, so most frames are delivered, not dropped.
                if (nic.ReceiveBurst(frames.AsSpan(0, n)) < n)
                {
                    Thread.Yield();
                }

                next += n;
            }

            Volatile.Write(ref producerDone, true);
        }));

        var control = new Thread(() => Guard(() =>
        {
            var random = new Random(777);
            var queues = new int[Queues];
            while (!Volatile.Read(ref producerDone) && !safety.IsCancellationRequested)
            {
                switch (random.Next(4))
                {
                    case 0:
                    {
                        // A random non-empty queue set, in random order.
                        int count = random.Next(1, Queues + 1);
                        for (int i = 0; i < Queues; i++)
                        {
                            queues[i] = i;
                        }

                        random.Shuffle(queues);
                        nic.RebindQueues(random.Next(Pools), queues.AsSpan(0, count));
                        break;
                    }

                    case 1:
                    {
                        int pool = random.Next(Pools);
                        int first = int.MaxValue;
                        foreach (int q in nic.GetQueues(pool))
                        {
                            first = Math.Min(first, q);
                        }

                        nic.ResizeQueues(pool, random.Next(1, Queues - first + 1));
                        break;
                    }

                    default:
                    {
                        // Move a VM to the free pool, then at once another VM onto the pool it left:
                        // the first may still be finishing a poll there while the second starts.
                        int freePool = 0;
                        while (nic.VmOnPool(freePool) is not null)
                        {
                            freePool++;
                        }

                        var moved = vms[random.Next(Vms)];
                        int left = moved.Pool;
                        nic.MoveVm(moved.Name, freePool);
                        var follower = vms[random.Next(Vms)];
                        if (follower != moved)
                        {
                            nic.MoveVm(follower.Name, left);
                        }

                        break;
                    }
                }

                if (Interlocked.Increment(ref controlOps) % 4 == 0)
                {
                    Thread.Sleep(1);
                }
                else
                {
                    Thread.Yield();
                }
            }
        }));

        var consumers = new Thread[Vms];
        for (int c = 0; c < Vms; c++)
        {
            var vm = vms[c];
            consumers[c] = new Thread(() => Guard(() =>
            {
                var order = new OrderCheck();
                var burst = new RxDescriptor[32];
                while (!safety.IsCancellationRequested)
                {
                    // Stop is read before the poll: the poll that ends the loop began after the producer had finished.
                    bool stopping = Volatile.Read(ref stop);
                    int n = vm.Poll(burst);
                    if (n == 0)
                    {
                        if (stopping)
                        {
                            break;
                        }

                        Thread.Yield();
                        continue;
                    }

                    for (int i = 0; i < n; i++)
                    {
                        Check(vm.GetFrame(burst[i]), burst[i], order, deliveredPools);
                    }

                    vm.Release(burst.AsSpan(0, n));
                    Interlocked.Add(ref deliveries, n);
                }
            }));
        }

        foreach (var thread in consumers)
        {
            thread.Start();
        }

        control.Start();
        producer.Start();
        producer.Join();
        control.Join();
        Volatile.Write(ref stop, true);
        foreach (var thread in consumers)
        {
            thread.Join();
        }

        Assert.Empty(failures);
        Assert.False(safety.IsCancellationRequested, "Safety timeout: the stress threads did not finish (hang?).");
        Assert.True(controlOps >= (Checkpoints - 1) * OpsPerCheckpoint, $"{controlOps} control operations.");

        // Each VM's last poll came after the producer had finished and found nothing, so its pool's rings are empty: a
        // poll that skipped a ring holding frames (a wrong quiet note, NicEmulator.Consumers.cs) would leave them there.
        var afterPolls = nic.Snapshot();
        foreach (var vm in vms)
        {
            for (int queue = 0; vm.Pool >= 0 && queue < Queues; queue++)
            {
                Assert.True(afterPolls.Queue(vm.Pool, queue).Occupancy == 0, $"{vm} left frames in queue {queue} after its last poll.");
            }
        }

        // Whatever is left in the rings (pools without a VM, the last bursts) is drained by the host.
        var drainOrder = new OrderCheck();
        var rest = new RxDescriptor[64];
        for (int pool = 0; pool < Pools; pool++)
        {
            for (int queue = 0; queue < Queues; queue++)
            {
                int n;
                while ((n = nic.ReceiveFromQueue(pool, queue, rest)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        Check(nic.GetFrame(rest[i]), rest[i], drainOrder, deliveredPools);
                    }

                    nic.Release(rest.AsSpan(0, n));
                    deliveries += n;
                }
            }
        }

        var snapshot = nic.Snapshot();
        output.WriteLine($"{controlOps} control operations; delivered {deliveries}; copies {snapshot.ReplicaCopies}; drops {snapshot.Drops}");
        Assert.Equal(Frames, snapshot.Received);
        Assert.Equal(0, snapshot.InRings);
        Assert.Equal(deliveries, snapshot.Dequeued);
        Assert.True(snapshot.IsBalanced, $"received {snapshot.Received} + copies {snapshot.ReplicaCopies} != delivered {snapshot.Dequeued} + drops {snapshot.Drops}");
        Assert.True(snapshot.Buffers.IsConserved, snapshot.Buffers.ToString());
        Assert.Equal(nic.Buffers.BufferCount, snapshot.Buffers.Free);

        // No loss: every copy the test expected and did not see is a counted drop.
        long expected = 0, seen = 0;
        for (int i = 0; i < Frames; i++)
        {
            expected += expectedCopies[i];
            seen += PopCount(deliveredPools[i]);
        }

        Assert.Equal(deliveries, seen);
        Assert.Equal(expected - seen, snapshot.Drops.Total);
        Assert.True(snapshot.Drops.RuleDrop > 0 && snapshot.Drops.Runt > 0 && snapshot.ReplicaCopies > 0);
    }

    [Fact]
    public void Two_threads_draining_one_ring_never_take_the_same_frame()
    {
        const int Count = 1_000_000;
        using var nic = TestNic.Create(ring: 32);
        var failures = new ConcurrentQueue<Exception>();
        var seen = new int[Count];
        long taken = 0;
        bool done = false;
        using var safety = new StallWatchdog(() => Interlocked.Read(ref taken), TimeSpan.FromMinutes(1));

        void Guard(Action body)
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
                safety.Cancel();
            }
        }

        var consumers = new Thread[2];
        for (int c = 0; c < consumers.Length; c++)
        {
            consumers[c] = new Thread(() => Guard(() =>
            {
                var burst = new RxDescriptor[4];
                long last = -1;
                while (!safety.IsCancellationRequested)
                {
                    int n = nic.ReceiveFromQueue(0, 0, burst);
                    if (n == 0)
                    {
                        if (Volatile.Read(ref done))
                        {
                            break;
                        }

                        // Spin, not yield: the point is two consumers at the ring at the same moment.
                        Thread.SpinWait(20);
                        continue;
                    }

                    for (int i = 0; i < n; i++)
                    {
                        long sequence = TestNic.SequenceOf(nic.GetFrame(burst[i]));
                        if (sequence <= last || Interlocked.Exchange(ref seen[sequence], 1) != 0)
                        {
                            throw new InvalidOperationException($"Frame {sequence} taken twice or out of order (after {last}).");
                        }

                        last = sequence;
                    }

                    nic.Release(burst.AsSpan(0, n));
                    Interlocked.Add(ref taken, n);
                }
            }));
            consumers[c].Start();
        }

        Guard(() =>
        {
            var frames = new byte[16][];
            for (int next = 0; next < Count && !safety.IsCancellationRequested; next += frames.Length)
            {
                for (int i = 0; i < frames.Length; i++)
                {
                    frames[i] = TestNic.Frame(TestNic.To(0, 0), next + i);
                }

                if (nic.ReceiveBurst(frames) < frames.Length)
                {
                    Thread.Yield();
                }
            }
        });
        Volatile.Write(ref done, true);
        foreach (var thread in consumers)
        {
            thread.Join();
        }

        Assert.Empty(failures);
        Assert.False(safety.IsCancellationRequested, "Safety timeout: the consumers did not finish (hang?).");
        foreach (var descriptor in TestNic.DrainAll(nic))
        {
            Assert.Equal(0, seen[descriptor.Sequence]);
            taken++;
        }

        var snapshot = nic.Snapshot();
        output.WriteLine($"taken {taken}; {snapshot}");

        // 32 in the ring and 8 held per consumer never exhaust 544 buffers: a no-buffer drop here
        // would mean the free list hid free buffers.
        Assert.Equal(0, snapshot.Drops.NoBuffer);
        Assert.Equal(Count, taken + snapshot.Drops.RingFull);
        Assert.True(snapshot.IsBalanced);
        Assert.Equal(nic.Buffers.BufferCount, snapshot.Buffers.Free);
    }

    private static void Check(ReadOnlySpan<byte> frame, in RxDescriptor descriptor, OrderCheck order, int[] deliveredPools)
    {
        // The buffer still holds this descriptor's frame: not recycled under the consumer.
        int number = BinaryPrimitives.ReadInt32LittleEndian(frame.Slice(FrameNumberOffset));
        if (number != descriptor.Sequence)
        {
            throw new InvalidOperationException($"Descriptor #{descriptor.Sequence} shows frame {number}.");
        }

        int bit = 1 << descriptor.Pool;
        if ((Interlocked.Or(ref deliveredPools[number], bit) & bit) != 0)
        {
            throw new InvalidOperationException($"Frame {number} was delivered twice to pool {descriptor.Pool}.");
        }

        order.Expect(descriptor, TestNic.SequenceOf(frame), TestNic.SourceOf(frame));
    }

    /// <summary>Per (pool, queue, source): sequence numbers must rise.</summary>
    private sealed class OrderCheck
    {
        private readonly long[] _last = new long[Pools * Queues * Sources];

        public OrderCheck() => _last.AsSpan().Fill(-1);

        public void Expect(in RxDescriptor descriptor, long sequence, byte source = 0)
        {
            int key = (((descriptor.Pool * Queues) + descriptor.Queue) * Sources) + source;
            if (sequence <= _last[key])
            {
                throw new InvalidOperationException($"Pool {descriptor.Pool} queue {descriptor.Queue} source {source}: sequence {sequence} after {_last[key]}.");
            }

            _last[key] = sequence;
        }
    }

    private static int PopCount(int value) => BitOperations.PopCount((uint)value);
}
