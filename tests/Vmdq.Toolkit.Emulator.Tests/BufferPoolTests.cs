using System;
using System.Collections.Generic;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

public class BufferPoolTests
{
    [Fact]
    public void Rent_hands_out_every_buffer_once_then_fails()
    {
        var pool = new BufferPool(8);
        var seen = new HashSet<int>();
        for (int i = 0; i < 8; i++)
        {
            Assert.True(pool.TryRent(out int index));
            Assert.True(seen.Add(index));
            Assert.Equal(1, pool.GetRefCount(index));
        }

        Assert.False(pool.TryRent(out _));
        Assert.Equal(0, pool.FreeCount);
        foreach (int index in seen)
        {
            pool.Release(index);
        }

        Assert.Equal(8, pool.FreeCount);
    }

    [Fact]
    public void Buffers_are_disjoint_slices_of_the_configured_size()
    {
        var pool = new BufferPool(4, BufferPool.JumboBufferSize);
        for (int i = 0; i < 4; i++)
        {
            var buffer = pool.GetWritableBuffer(i);
            Assert.Equal(BufferPool.JumboBufferSize, buffer.Length);
            buffer.Fill((byte)(i + 1));
        }

        for (int i = 0; i < 4; i++)
        {
            foreach (byte b in pool.GetBuffer(i, BufferPool.JumboBufferSize))
            {
                Assert.Equal((byte)(i + 1), b);
            }
        }
    }

    [Fact]
    public void A_buffer_returns_to_the_free_list_with_its_last_reference()
    {
        var pool = new BufferPool(2);
        Assert.True(pool.TryRent(out int index));
        pool.AddReferences(index, 2);
        Assert.Equal(3, pool.GetRefCount(index));

        pool.Release(index);
        pool.Release(index);
        Assert.Equal(1, pool.FreeCount);
        Assert.Equal(1, pool.GetRefCount(index));

        pool.Release(index);
        Assert.Equal(2, pool.FreeCount);
        Assert.Equal(0, pool.GetRefCount(index));
    }

    [Fact]
    public void Double_release_throws_and_does_not_corrupt_the_pool()
    {
        var pool = new BufferPool(2);
        Assert.True(pool.TryRent(out int index));
        pool.Release(index);
        var ex = Assert.Throws<InvalidOperationException>(() => pool.Release(index));
        Assert.Contains($"Buffer {index}", ex.Message);
        Assert.Contains("double release", ex.Message);

        // Still two buffers, each rentable once.
        Assert.Equal(2, pool.FreeCount);
        Assert.True(pool.TryRent(out int a));
        Assert.True(pool.TryRent(out int b));
        Assert.NotEqual(a, b);
        Assert.False(pool.TryRent(out _));
    }

    [Fact]
    public void Releasing_a_stale_descriptor_throws_even_after_the_buffer_was_reused()
    {
        var pool = new BufferPool(1);
        Assert.True(pool.TryRent(out int index));
        var descriptor = new RxDescriptor(0, default, index, 60, pool.GetGeneration(index), 0, 0);
        pool.Release(descriptor);

        Assert.True(pool.TryRent(out int again));
        Assert.Equal(index, again);
        var ex = Assert.Throws<InvalidOperationException>(() => pool.Release(descriptor));
        Assert.Contains("stale", ex.Message);
        Assert.Throws<InvalidOperationException>(() => pool.GetFrame(descriptor));
        Assert.Equal(1, pool.GetRefCount(index));
    }

    [Fact]
    public void Adding_references_to_a_free_buffer_throws()
    {
        var pool = new BufferPool(1);
        Assert.Throws<InvalidOperationException>(() => pool.AddReferences(0));
    }

    [Fact]
    public void Conservation_holds_through_the_nic_at_every_step()
    {
        using var nic = TestNic.Create(ring: 8, options: new NicOptions { BufferCount = 32 });
        Assert.True(nic.CheckBuffers().IsConserved);
        Assert.Equal(32, nic.CheckBuffers().Free);

        nic.ReceiveBurst([TestNic.Frame(TestNic.To(0, 0)), TestNic.Frame(TestNic.To(1, 0)), TestNic.Broadcast()]);
        var accounting = nic.CheckBuffers();
        Assert.True(accounting.IsConserved, accounting.ToString());
        Assert.Equal((29, 3, 0), (accounting.Free, accounting.InRing, accounting.Held));

        var vm = nic.AttachVm("a", 0);
        var descriptors = new RxDescriptor[8];
        Assert.Equal(2, vm.Poll(descriptors));
        accounting = nic.CheckBuffers();
        Assert.True(accounting.IsConserved, accounting.ToString());

        // The broadcast buffer is still in the other pools' rings; the unicast one is held.
        Assert.Equal((29, 2, 1), (accounting.Free, accounting.InRing, accounting.Held));
        Assert.Equal(2, accounting.HeldReferences);

        vm.Release(descriptors.AsSpan(0, 2));
        TestNic.DrainAll(nic);
        accounting = nic.CheckBuffers();
        Assert.True(accounting.IsConserved, accounting.ToString());
        Assert.Equal(32, accounting.Free);
    }

    [Fact]
    public void The_check_catches_a_buffer_freed_while_a_ring_still_names_it()
    {
        using var nic = TestNic.Create(options: new NicOptions { BufferCount = 4 });
        nic.ReceiveBurst([TestNic.Frame(TestNic.To(0, 0))]);
        var inRing = new RxDescriptor[1];
        Assert.Equal(1, nic.Buffers.BufferCount - nic.Buffers.FreeCount);
        Assert.True(nic.CheckBuffers().IsConserved);

        // Misuse: someone releases the buffer by index while its descriptor waits in the ring.
        int buffer = FindBufferInUse(nic.Buffers);
        nic.Buffers.Release(buffer);
        var accounting = nic.CheckBuffers();
        Assert.False(accounting.IsConserved);
        Assert.True(accounting.Violations > 0);
        Assert.Equal(1, nic.ReceiveFromQueue(0, 0, inRing));
        Assert.Throws<InvalidOperationException>(() => nic.Release(inRing[0]));
    }

    private static int FindBufferInUse(BufferPool pool)
    {
        for (int i = 0; i < pool.BufferCount; i++)
        {
            if (pool.GetRefCount(i) > 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException("No buffer in use.");
    }

    [Fact]
    public void Threads_renting_and_releasing_at_once_never_share_a_buffer_and_lose_none()
    {
        const int Buffers = 16, Threads = 3, Rounds = 100_000;
        var pool = new BufferPool(Buffers);
        var owners = new int[Buffers];
        var failures = Concurrently.Run(Threads, me =>
        {
            var held = new Queue<int>();
            var random = new Random(me);
            for (int round = 0; round < Rounds; round++)
            {
                if (held.Count < 4 && random.Next(2) == 0 && pool.TryRent(out int index))
                {
                    if (System.Threading.Interlocked.Exchange(ref owners[index], me) != 0)
                    {
                        throw new InvalidOperationException($"Buffer {index} was rented by two threads at once.");
                    }

                    held.Enqueue(index);
                }
                else if (held.Count > 0)
                {
                    int returned = held.Dequeue();
                    System.Threading.Volatile.Write(ref owners[returned], 0);
                    pool.Release(returned);
                }
            }

            while (held.Count > 0)
            {
                int index = held.Dequeue();
                System.Threading.Volatile.Write(ref owners[index], 0);
                pool.Release(index);
            }
        });

        Assert.Empty(failures);
        Assert.Equal(Buffers, pool.FreeCount);
        var all = new HashSet<int>();
        while (pool.TryRent(out int index))
        {
            Assert.True(all.Add(index));
        }

        Assert.Equal(Buffers, all.Count);
    }

    [Fact]
    public void Out_of_range_arguments_name_the_allowed_range()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new BufferPool(4, 32));
        Assert.Contains("64..65536", ex.Message);
        var pool = new BufferPool(4);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => pool.GetWritableBuffer(4));
        Assert.Contains("0..3", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => pool.GetBuffer(0, 5000));
        Assert.Contains("0..2048", ex.Message);
    }
}
