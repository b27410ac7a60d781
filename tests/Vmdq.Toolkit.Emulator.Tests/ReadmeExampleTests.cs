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

        byte[][] outgoing = [TestNic.Frame(TestNic.To(2, 0), 0), TestNic.Frame(TestNic.To(2, 0), 1, length: 1514), TestNic.Frame(TestNic.To(2, 1), 2)];
        // --- README transmit example ---
        using var peer = new NicEmulator(TestNic.Info(), new NicOptions { Name = "peer" });
        nic.WireSink = peer.AsTransmitSink();
        var app = nic.AttachVm("app-vm", pool: 0);
        var appPeer = peer.AttachVm("app-peer", pool: 2);

        var tx = new TxFrame[32];
        int count = 0;
        foreach (byte[] frame in outgoing)
        {
            if (!app.TryRentTxBuffer(out int buffer)) break;
            frame.CopyTo(app.GetTxBuffer(buffer));
            tx[count++] = new TxFrame(buffer, frame.Length);
        }

        int posted = app.TransmitBurst(queue: 0, tx.AsSpan(0, count));
        nic.AdvanceWire(TimeSpan.FromMicroseconds(10));
        var done = new TxCompletion[32];
        int sent = app.PollCompletions(done);
        int received = appPeer.Poll(burst);
        appPeer.Release(burst.AsSpan(0, received));
        Console.WriteLine(nic.Snapshot().Transmit);
        // --- end ---

        Assert.Equal((3, 3, 3), (posted, sent, received));
        var transmit = nic.Snapshot().Transmit;
        Assert.Equal((88L + 1538 + 88) * 800, transmit.BusyPicoseconds);   // 64 + 1514 + 64 bytes, FCS appended; 0.8 ns a byte at 10 Gb/s
        Assert.Equal(TimeSpan.FromMicroseconds(10), transmit.Clock);
        Assert.True(nic.Snapshot().IsBalanced);
        Assert.True(peer.Snapshot().IsBalanced);
        Assert.Equal(nic.Buffers.BufferCount, nic.Buffers.FreeCount);
        Assert.Equal(peer.Buffers.BufferCount, peer.Buffers.FreeCount);
    }
}
