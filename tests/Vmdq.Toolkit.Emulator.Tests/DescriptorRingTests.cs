using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using CsCheck;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

public class DescriptorRingTests
{
    private const int EnqueueBurst = 0, EnqueueBulk = 1, DequeueBurst = 2, DequeueBulk = 3, EnqueueOne = 4, DequeueOne = 5;

    [Fact]
    public void Any_interleaving_of_bursts_matches_a_queue_model()
    {
        var operation = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 20]);
        Gen.Select(Gen.Int[1, 17], operation.Array[0, 80]).Sample((capacity, operations) =>
        {
            var ring = new DescriptorRing<int>(capacity);
            var model = new Queue<int>();
            var buffer = new int[20];
            int next = 0;
            foreach (var (kind, count) in operations)
            {
                int free = capacity - model.Count;
                switch (kind)
                {
                    case EnqueueBurst:
                    {
                        for (int i = 0; i < count; i++)
                        {
                            buffer[i] = next + i;
                        }

                        int n = ring.EnqueueBurst(buffer.AsSpan(0, count));
                        Assert.Equal(Math.Min(count, free), n);
                        for (int i = 0; i < n; i++)
                        {
                            model.Enqueue(buffer[i]);
                        }

                        next += count;
                        break;
                    }

                    case EnqueueBulk:
                    {
                        for (int i = 0; i < count; i++)
                        {
                            buffer[i] = next + i;
                        }

                        bool ok = ring.EnqueueBulk(buffer.AsSpan(0, count));
                        Assert.Equal(count <= free, ok);
                        if (ok)
                        {
                            for (int i = 0; i < count; i++)
                            {
                                model.Enqueue(buffer[i]);
                            }
                        }

                        next += count;
                        break;
                    }

                    case DequeueBurst:
                    {
                        int n = ring.DequeueBurst(buffer.AsSpan(0, count));
                        Assert.Equal(Math.Min(count, model.Count), n);
                        for (int i = 0; i < n; i++)
                        {
                            Assert.Equal(model.Dequeue(), buffer[i]);
                        }

                        break;
                    }

                    case DequeueBulk:
                    {
                        bool ok = ring.DequeueBulk(buffer.AsSpan(0, count));
                        Assert.Equal(count <= model.Count, ok);
                        if (ok)
                        {
                            for (int i = 0; i < count; i++)
                            {
                                Assert.Equal(model.Dequeue(), buffer[i]);
                            }
                        }

                        break;
                    }

                    case EnqueueOne:
                        Assert.Equal(free > 0, ring.TryEnqueue(next));
                        if (free > 0)
                        {
                            model.Enqueue(next);
                        }

                        next++;
                        break;

                    default:
                        Assert.Equal(model.Count > 0, ring.TryDequeue(out int item));
                        if (model.Count > 0)
                        {
                            Assert.Equal(model.Dequeue(), item);
                        }

                        break;
                }

                Assert.Equal(model.Count, ring.Count);
                Assert.Equal(model.Count == 0, ring.IsEmpty);
                Assert.Equal(model.Count == capacity, ring.IsFull);
                Assert.Equal(capacity - model.Count, ring.FreeSpace);
                int peeked = ring.Peek(buffer);
                Assert.Equal(Math.Min(model.Count, buffer.Length), peeked);
                int k = 0;
                foreach (int expected in model)
                {
                    if (k == peeked)
                    {
                        break;
                    }

                    Assert.Equal(expected, buffer[k++]);
                }
            }
        }, iter: 3000);
    }

    [Fact]
    public void Full_ring_takes_nothing_and_keeps_its_items()
    {
        var ring = new DescriptorRing<int>(4);
        Assert.Equal(4, ring.EnqueueBurst([1, 2, 3, 4, 5, 6]));
        Assert.True(ring.IsFull);
        Assert.Equal(0, ring.EnqueueBurst([7]));
        Assert.False(ring.EnqueueBulk([7]));
        Assert.False(ring.TryEnqueue(7));
        Assert.True(ring.EnqueueBulk(ReadOnlySpan<int>.Empty));

        var items = new int[8];
        Assert.Equal(4, ring.DequeueBurst(items));
        Assert.Equal(new[] { 1, 2, 3, 4 }, items[..4]);
    }

    [Fact]
    public void Empty_ring_gives_nothing()
    {
        var ring = new DescriptorRing<int>(8);
        var items = new int[3];
        Assert.Equal(0, ring.DequeueBurst(items));
        Assert.False(ring.DequeueBulk(items));
        Assert.False(ring.TryDequeue(out _));
        Assert.True(ring.DequeueBulk(Span<int>.Empty));

        ring.EnqueueBurst([1, 2]);
        Assert.False(ring.DequeueBulk(items));
        Assert.Equal(2, ring.Count);
    }

    [Fact]
    public void Bursts_wrap_around_the_slot_array_in_order()
    {
        var ring = new DescriptorRing<int>(8);
        var batch = new int[5];
        var output = new int[5];
        int next = 0, expected = 0;
        for (int round = 0; round < 1000; round++)
        {
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i] = next++;
            }

            Assert.True(ring.EnqueueBulk(batch));
            Assert.True(ring.DequeueBulk(output));
            foreach (int item in output)
            {
                Assert.Equal(expected++, item);
            }
        }
    }

    [Fact]
    public void A_capacity_that_is_not_a_power_of_two_is_exact()
    {
        var ring = new DescriptorRing<int>(5);
        Assert.Equal(5, ring.EnqueueBurst([1, 2, 3, 4, 5, 6, 7, 8]));
        Assert.Equal(5, ring.Capacity);
        Assert.True(ring.IsFull);
    }

    [Fact]
    public void Capacity_out_of_range_names_the_allowed_range()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new DescriptorRing<int>(0));
        Assert.Contains("1..1073741824", ex.Message);
    }

    [Fact]
    public void Head_and_tail_live_on_separate_cache_lines()
    {
        long tail = Marshal.OffsetOf<RingIndices>(nameof(RingIndices.Tail)).ToInt64();
        long head = Marshal.OffsetOf<RingIndices>(nameof(RingIndices.Head)).ToInt64();
        Assert.True(head - tail >= 64, $"Head at {head}, tail at {tail}.");
        Assert.True(tail >= 64, "The tail needs padding in front of it.");
        Assert.True(Marshal.SizeOf<RingIndices>() - head >= 64, "The head needs padding behind it.");
    }

    [Fact]
    public void Staged_items_stay_unseen_until_published_and_a_ring_refuses_what_it_cannot_hold()
    {
        var ring = new DescriptorRing<long>(4);

        // Move head and tail to 3 so the staged items wrap around the slot array.
        for (long i = 0; i < 3; i++)
        {
            Assert.True(ring.TryEnqueue(i));
            Assert.True(ring.TryDequeue(out _));
        }

        Assert.True(ring.TryEnqueue(100));
        for (int staged = 0; staged < 3; staged++)
        {
            Assert.True(ring.TryStage(staged, 101 + staged));
        }

        Assert.False(ring.TryStage(3, 104));
        Assert.Equal(1, ring.Count);
        Assert.True(ring.TryDequeue(out long first));
        Assert.Equal(100, first);
        Assert.False(ring.TryDequeue(out _));

        // The dequeue freed a slot: the ring now takes a fourth staged item.
        Assert.True(ring.TryStage(3, 104));
        ring.Publish(4);
        Assert.Equal(4, ring.Count);
        var all = new long[8];
        Assert.Equal(4, ring.DequeueBurst(all));
        Assert.Equal([101L, 102, 103, 104], all[..4]);
    }

    [Fact]
    public void An_rx_descriptor_is_32_bytes_two_per_cache_line()
    {
        Assert.Equal(32, System.Runtime.CompilerServices.Unsafe.SizeOf<RxDescriptor>());
        var descriptor = new RxDescriptor(long.MaxValue, new Verdict(ulong.MaxValue), int.MaxValue, 1514, int.MinValue, 1023, 31, 0xFFFF, vlanStripped: true);
        Assert.Equal((long.MaxValue, ulong.MaxValue, int.MaxValue, 1514, int.MinValue), (descriptor.Sequence, descriptor.Verdict.Bits, descriptor.BufferIndex, descriptor.Length, descriptor.Generation));
        Assert.Equal((1023, 31, 0xFFFF, true), ((int)descriptor.Pool, (int)descriptor.Queue, (int)descriptor.VlanTag, descriptor.VlanStripped));
    }

    [Fact]
    public void One_producer_and_one_consumer_thread_see_every_item_once_in_order()
    {
        const int Items = 400_000;
        var ring = new DescriptorRing<long>(64);
        using var safety = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Exception? failure = null;
        var producer = new Thread(() =>
        {
            var random = new Random(1);
            var batch = new long[24];
            long next = 0;
            while (next < Items && !safety.IsCancellationRequested)
            {
                int n = (int)Math.Min(random.Next(1, batch.Length + 1), Items - next);
                for (int i = 0; i < n; i++)
                {
                    batch[i] = next + i;
                }

                int done = random.Next(2) == 0 ? ring.EnqueueBurst(batch.AsSpan(0, n)) : (ring.EnqueueBulk(batch.AsSpan(0, n)) ? n : 0);
                next += done;
                if (done == 0)
                {
                    Thread.Yield();
                }
            }
        });
        var consumer = new Thread(() =>
        {
            try
            {
                var random = new Random(2);
                var batch = new long[24];
                long expected = 0;
                while (expected < Items && !safety.IsCancellationRequested)
                {
                    int n = ring.DequeueBurst(batch.AsSpan(0, random.Next(1, batch.Length + 1)));
                    for (int i = 0; i < n; i++)
                    {
                        Assert.Equal(expected++, batch[i]);
                    }

                    if (n == 0)
                    {
                        Thread.Yield();
                    }
                }
            }
            catch (Exception ex)
            {
                failure = ex;
                safety.Cancel();
            }
        });
        producer.Start();
        consumer.Start();
        producer.Join();
        consumer.Join();
        Assert.Null(failure);
        Assert.False(safety.IsCancellationRequested, "Safety timeout: the ring threads did not finish (hang?).");
        Assert.True(ring.IsEmpty);
    }
}
