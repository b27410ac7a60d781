using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// The buffer pool's burst operations (one free-list exchange per burst: the receive path's rent, a consumer's
/// release of a burst of descriptors) and its buffer stride.
/// </summary>
public class BufferBurstTests
{
    [Fact]
    public void A_burst_rent_takes_distinct_buffers_with_one_reference_and_a_new_generation_and_stops_when_the_pool_runs_out()
    {
        var pool = new BufferPool(8);
        var generations = Enumerable.Range(0, 8).Select(i => Generation(pool, i)).ToArray();
        var taken = new int[5];
        Assert.Equal(5, pool.TryRentMany(taken));
        Assert.Equal(5, taken.Distinct().Count());
        foreach (int index in taken)
        {
            Assert.Equal(1, pool.GetRefCount(index));
            Assert.Equal(generations[index] + 1, Generation(pool, index));
        }

        Assert.Equal(3, pool.FreeCount);
        var rest = new int[5];
        Assert.Equal(3, pool.TryRentMany(rest));
        Assert.Empty(taken.Intersect(rest.Take(3)));
        Assert.Equal(0, pool.TryRentMany(rest));
        Assert.False(pool.TryRent(out _));

        pool.ReturnUnpublished(rest.AsSpan(0, 3));
        Assert.Equal(3, pool.FreeCount);
        Assert.All(rest.Take(3), index => Assert.Equal(0, pool.GetRefCount(index)));

        // What went back comes out again, each once.
        var again = new int[8];
        Assert.Equal(3, pool.TryRentMany(again));
        Assert.Equal(rest.Take(3).Order(), again.Take(3).Order());
    }

    [Fact]
    public void A_burst_release_frees_each_buffer_whose_last_reference_goes_and_keeps_the_others()
    {
        var pool = new BufferPool(100);
        var descriptors = new List<RxDescriptor>();
        for (int i = 0; i < 90; i++)
        {
            Assert.True(pool.TryRent(out int index));
            descriptors.Add(Descriptor(pool, index));
        }

        // Every tenth buffer has a second reference (a replicated frame): it stays in use after the burst.
        foreach (var shared in descriptors.Where((_, i) => i % 10 == 0))
        {
            pool.AddReferences(shared.BufferIndex);
        }

        // 90 descriptors: more than one gathered burst of freed buffers.
        pool.Release(descriptors.ToArray());
        Assert.Equal(100 - 9, pool.FreeCount);
        for (int i = 0; i < descriptors.Count; i++)
        {
            Assert.Equal(i % 10 == 0 ? 1 : 0, pool.GetRefCount(descriptors[i].BufferIndex));
        }

        var all = new HashSet<int>();
        while (pool.TryRent(out int index))
        {
            Assert.True(all.Add(index), $"Buffer {index} was on the free list twice.");
        }

        Assert.Equal(91, all.Count);
    }

    [Fact]
    public void A_double_release_in_a_burst_throws_after_releasing_those_before_it_and_leaves_those_after()
    {
        var pool = new BufferPool(8);
        var descriptors = new RxDescriptor[4];
        for (int i = 0; i < descriptors.Length; i++)
        {
            Assert.True(pool.TryRent(out int index));
            descriptors[i] = Descriptor(pool, index);
        }

        pool.Release(descriptors[1]);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Release(descriptors));
        Assert.Contains("double release", error.Message);

        // 0 went back with the burst, 1 before it; 2 and 3 are still held.
        Assert.Equal(6, pool.FreeCount);
        Assert.Equal(0, pool.GetRefCount(descriptors[0].BufferIndex));
        Assert.Equal(1, pool.GetRefCount(descriptors[2].BufferIndex));
        Assert.Equal(1, pool.GetRefCount(descriptors[3].BufferIndex));
    }

    [Fact]
    public void Threads_renting_and_returning_in_bursts_and_one_by_one_never_share_a_buffer_and_lose_none()
    {
        const int Buffers = 24, Threads = 3, Rounds = 40_000;
        var pool = new BufferPool(Buffers);
        var owners = new int[Buffers];
        var failures = Concurrently.Run(Threads, me =>
        {
            var random = new Random(me);
            var burst = new int[8];
            var descriptors = new RxDescriptor[8];
            for (int round = 0; round < Rounds; round++)
            {
                int got = random.Next(3) == 0
                    ? (pool.TryRent(out burst[0]) ? 1 : 0)
                    : pool.TryRentMany(burst.AsSpan(0, random.Next(1, burst.Length + 1)));
                for (int i = 0; i < got; i++)
                {
                    if (Interlocked.Exchange(ref owners[burst[i]], me) != 0)
                    {
                        throw new InvalidOperationException($"Buffer {burst[i]} was rented by two threads at once.");
                    }
                }

                for (int i = 0; i < got; i++)
                {
                    Volatile.Write(ref owners[burst[i]], 0);
                    descriptors[i] = Descriptor(pool, burst[i]);
                }

                // The three ways back: a burst of unpublished buffers, a burst of descriptors, one at a time.
                switch (round % 3)
                {
                    case 0:
                        pool.ReturnUnpublished(burst.AsSpan(0, got));
                        break;
                    case 1:
                        pool.Release(descriptors.AsSpan(0, got));
                        break;
                    default:
                        for (int i = 0; i < got; i++)
                        {
                            pool.Release(burst[i]);
                        }

                        break;
                }
            }
        });

        Assert.Empty(failures);
        Assert.Equal(Buffers, pool.FreeCount);
        var all = new int[Buffers + 1];
        Assert.Equal(Buffers, pool.TryRentMany(all));
        Assert.Equal(Buffers, all.Take(Buffers).Distinct().Count());
    }

    [Theory]
    [InlineData(64, 64)]
    [InlineData(100, 192)]
    [InlineData(BufferPool.DefaultBufferSize, 2112)]
    [InlineData(BufferPool.JumboBufferSize, 9280)]
    [InlineData(65536, 65600)]
    public void Buffers_are_an_odd_number_of_cache_lines_apart(int bufferSize, int stride)
    {
        Assert.Equal(stride, BufferPool.StrideOf(bufferSize));
        var pool = new BufferPool(64, bufferSize);
        Assert.Equal(stride, pool.Stride);

        // So the first lines of 64 consecutive buffers fall in 64 different sets of a 64-set L1 cache (with a 2048-byte
        // stride they fell in 2), and no two buffers overlap.
        Assert.Equal(64, Enumerable.Range(0, 64).Select(i => pool.OffsetOf(i) / 64 % 64).Distinct().Count());
        for (int i = 0; i < 64; i++)
        {
            pool.GetWritableBuffer(i).Fill((byte)(i + 1));
        }

        for (int i = 0; i < 64; i++)
        {
            Assert.True(pool.GetBuffer(i, bufferSize).ToArray().All(b => b == i + 1), $"Buffer {i} was overwritten by a neighbour.");
        }
    }

    [Fact]
    public void A_burst_with_runts_and_oversize_frames_gives_back_every_buffer_it_rented_for_them()
    {
        using var nic = TestNic.Create(ring: 16, options: new NicOptions { BufferCount = 32 });
        byte[] good = TestNic.Frame(TestNic.To(0, 0));
        byte[] runt = new byte[10];
        byte[] oversize = new byte[nic.Buffers.BufferSize + 1];
        nic.ReceiveBurst([runt, good, oversize, runt, good, runt]);

        var accounting = nic.CheckBuffers();
        Assert.True(accounting.IsConserved, accounting.ToString());
        Assert.Equal((30, 2, 0), (accounting.Free, accounting.InRing, accounting.Held));
        Assert.Equal(30, nic.Buffers.FreeCount);
        Assert.Equal(3, nic.Snapshot().Drops.Runt);
        Assert.Equal(1, nic.Snapshot().Drops.Oversize);
    }

    private static RxDescriptor Descriptor(BufferPool pool, int index) =>
        new(0, default, index, 60, Generation(pool, index), 0, 0);

    private static int Generation(BufferPool pool, int index) => pool.GetGenerationUnchecked(index);
}
