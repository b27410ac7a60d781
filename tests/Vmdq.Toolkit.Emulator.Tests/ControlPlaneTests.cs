using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

public class ControlPlaneTests
{
    [Fact]
    public void Pools_start_on_their_declared_queues_and_undeclared_pools_on_all()
    {
        var info = TestNic.Info(declared: [new PoolInfo("web", 1, 2, 3, null, 0, 0)]);
        using var nic = new NicEmulator(info);
        Assert.Equal(new[] { 2, 3 }, nic.GetQueues(1));
        Assert.Equal(new[] { 0, 1, 2, 3 }, nic.GetQueues(0));

        // A verdict for a queue outside the declared range is remapped: set[q mod 2].
        Assert.Equal(2, nic.MapQueue(1, 0));
        Assert.Equal(3, nic.MapQueue(1, 1));
        Assert.Equal(2, nic.MapQueue(1, 2));
        Assert.Equal("web", nic.Snapshot().Pools[1].Name);
    }

    [Fact]
    public void Rebinding_keeps_queues_in_the_set_and_maps_others_to_set_q_mod_count()
    {
        using var nic = TestNic.Create();
        nic.RebindQueues(0, [3, 1]);
        Assert.Equal(new[] { 3, 1 }, nic.GetQueues(0));
        Assert.Equal(1, nic.MapQueue(0, 1));
        Assert.Equal(3, nic.MapQueue(0, 3));
        Assert.Equal(3, nic.MapQueue(0, 0));
        Assert.Equal(3, nic.MapQueue(0, 2));
        Assert.Equal(1, nic.MapQueue(0, 5));

        // Other pools keep theirs.
        Assert.Equal(2, nic.MapQueue(1, 2));

        var snapshot = nic.Snapshot();
        Assert.False(snapshot.Queue(0, 0).IsBound);
        Assert.True(snapshot.Queue(0, 3).IsBound);
    }

    [Fact]
    public void Rebinding_while_frames_wait_loses_and_duplicates_none()
    {
        using var nic = TestNic.Create();
        var vm = nic.AttachVm("vm", 0);
        Send(nic, TestNic.To(0, 0), 0, 5);
        nic.RebindQueues(0, [2, 3]);
        Send(nic, TestNic.To(0, 0), 5, 5);

        var snapshot = nic.Snapshot();
        Assert.Equal(5, snapshot.Queue(0, 0).Occupancy);
        Assert.Equal(5, snapshot.Queue(0, 2).Occupancy);

        var seen = PollAll(vm);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), seen.Select(d => d.Sequence).Order());
        AssertQueueOrder(seen);
        Assert.True(nic.Snapshot().IsBalanced);
        Assert.Equal(nic.Buffers.BufferCount, nic.CheckBuffers().Free);
    }

    [Fact]
    public void Resizing_keeps_the_first_queue_and_reports_the_allowed_range()
    {
        using var nic = TestNic.Create();
        nic.RebindQueues(2, [1, 2, 3]);
        nic.ResizeQueues(2, 2);
        Assert.Equal(new[] { 1, 2 }, nic.GetQueues(2));
        Assert.Equal(2, nic.MapQueue(2, 3));
        Assert.Equal(1, nic.MapQueue(2, 0));

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => nic.ResizeQueues(2, 4));
        Assert.Contains("1..3", ex.Message);
        Assert.Contains("pool 2", ex.Message);
        nic.ResizeQueues(2, 3);
        Assert.Equal(new[] { 1, 2, 3 }, nic.GetQueues(2));
    }

    [Fact]
    public void Moving_a_vm_leaves_the_old_pools_frames_for_its_next_consumer()
    {
        using var nic = TestNic.Create();
        var a = nic.AttachVm("a", 0);
        Send(nic, TestNic.To(0, 1), 0, 5);
        nic.MoveVm("a", 1);
        Assert.Equal(1, a.Pool);
        Send(nic, TestNic.To(1, 0), 5, 3);

        var fromA = PollAll(a);
        Assert.Equal(new long[] { 5, 6, 7 }, fromA.Select(d => d.Sequence));

        var b = nic.AttachVm("b", 0);
        var fromB = PollAll(b);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, fromB.Select(d => d.Sequence));
        Assert.Equal("b", nic.VmOnPool(0)?.Name);
        Assert.Equal("a", nic.VmOnPool(1)?.Name);
        Assert.True(nic.Snapshot().IsBalanced);
    }

    [Fact]
    public void A_detached_vm_polls_nothing_and_its_frames_wait()
    {
        using var nic = TestNic.Create();
        var a = nic.AttachVm("a", 3);
        Send(nic, TestNic.To(3, 0), 0, 2);
        nic.DetachVm("a");
        Assert.False(a.IsAttached);
        Assert.Equal(0, a.Poll(new RxDescriptor[4]));
        Assert.Null(nic.FindVm("a"));

        var again = nic.AttachVm("a", 3);
        Assert.Equal(2, PollAll(again).Count);
    }

    [Fact]
    public void Conflicting_changes_name_the_vm_and_the_pool()
    {
        using var nic = new NicEmulator(TestNic.Info(declared: [new PoolInfo("web", 1, 0, 3, null, 0, 0)]));
        nic.AttachVm("a", 1);
        nic.AttachVm("b", 2);

        var ex = Assert.Throws<InvalidOperationException>(() => nic.AttachVm("c", 1));
        Assert.Contains("'c'", ex.Message);
        Assert.Contains("'a'", ex.Message);
        Assert.Contains("'web'", ex.Message);

        ex = Assert.Throws<InvalidOperationException>(() => nic.AttachVm("a", 3));
        Assert.Contains("already attached", ex.Message);

        ex = Assert.Throws<InvalidOperationException>(() => nic.MoveVm("b", 1));
        Assert.Contains("'b'", ex.Message);

        ex = Assert.Throws<InvalidOperationException>(() => nic.DetachVm("nobody"));
        Assert.Contains("'nobody'", ex.Message);

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => nic.AttachVm("d", 4));
        Assert.Contains("0..3", range.Message);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => nic.RebindQueues(0, [0, 4]));
        Assert.Contains("0..3", range.Message);
        Assert.Throws<ArgumentException>(() => nic.RebindQueues(0, [1, 1]));
        Assert.Throws<ArgumentException>(() => nic.RebindQueues(0, ReadOnlySpan<int>.Empty));
    }

    private static void Send(NicEmulator nic, byte dst, int firstSequence, int count)
    {
        var frames = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            frames[i] = TestNic.Frame(dst, firstSequence + i);
        }

        nic.ReceiveBurst(frames);
    }

    private static List<RxDescriptor> PollAll(VmConsumer vm)
    {
        var all = new List<RxDescriptor>();
        var burst = new RxDescriptor[3];
        int n;
        while ((n = vm.Poll(burst)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(burst[i].Sequence, TestNic.SequenceOf(vm.GetFrame(burst[i])));
                all.Add(burst[i]);
                vm.Release(burst[i]);
            }
        }

        return all;
    }

    private static void AssertQueueOrder(List<RxDescriptor> seen)
    {
        foreach (var queue in seen.GroupBy(d => (d.Pool, d.Queue)))
        {
            var sequences = queue.Select(d => d.Sequence).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }
    }
}
