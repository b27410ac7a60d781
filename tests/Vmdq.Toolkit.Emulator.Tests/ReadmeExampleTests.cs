using System;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>The example in Runtime/Emulator/README.md, compiled and run.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void The_readme_example_runs()
    {
        var frames = new[] { TestNic.Frame(TestNic.To(1, 0)), TestNic.Frame(TestNic.To(1, 2)) };
        // --- README example ---
        using var nic = new NicEmulator(TestNic.Info());
        var web = nic.AttachVm("web-vm", pool: 1);

        nic.ReceiveBurst(frames);

        var burst = new RxDescriptor[32];
        int n = web.Poll(burst);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> frame = web.GetFrame(burst[i]);
            Console.WriteLine($"{burst[i].Length} bytes, rule line {burst[i].Verdict.RuleLine}");
        }

        web.Release(burst.AsSpan(0, n));

        nic.RebindQueues(pool: 1, [2, 3]);
        nic.MoveVm("web-vm", pool: 2);
        Console.WriteLine(nic.Snapshot().Pools[1]);
        // --- end ---

        Assert.Equal(2, n);
        Assert.Equal(nic.Buffers.BufferCount, nic.Buffers.FreeCount);
        Assert.Equal("pool1: queues 2,3, no VM, enqueued 2 (128 B), delivered 2 (128 B), in rings 0, drops 0", nic.Snapshot().Pools[1].ToString());
    }
}
