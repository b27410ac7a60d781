using System;
using System.Threading;
using Vmdq.Generated;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>The NIC built from a dispatcher the generator made from edge.vmdq, driven with VM threads.</summary>
public class GeneratedDispatcherTests
{
    private static byte[] Frame(string dst, int vlan = -1)
    {
        var frame = new byte[64];
        Convert.FromHexString(dst.Replace(":", string.Empty, StringComparison.Ordinal)).CopyTo(frame, 0);
        int at = 12;
        if (vlan >= 0)
        {
            frame[12] = 0x81;
            frame[14] = (byte)(vlan >> 8);
            frame[15] = (byte)vlan;
            at = 16;
        }

        frame[at] = 0x08;
        return frame;
    }

    [Fact]
    public void GeometryComesFromTheRulesFile()
    {
        using var nic = new NicEmulator(EdgeDispatcher.Info);
        Assert.Equal((4, 2, 64), (nic.PoolCount, nic.QueuesPerPool, nic.RingSize));
        Assert.Equal(new[] { 1 }, nic.GetQueues(2));
        Assert.Equal("db", EdgeDispatcher.Info.PoolName(2));
    }

    [Fact]
    public void FramesReachTheirVmsOnOtherThreadsAndEverythingIsAccountedFor()
    {
        using var nic = new NicEmulator(EdgeDispatcher.Info);
        var web = nic.AttachVm("web-vm", 1);
        var db = nic.AttachVm("db-vm", 2);
        var host = nic.AttachVm("hypervisor", 0);
        var frames = new[] { Frame("02:00:00:00:00:01"), Frame("02:00:00:00:00:09", 250), Frame("02:00:00:00:00:66"), Frame("ff:ff:ff:ff:ff:ff"), Frame("02:00:00:00:00:77") };
        const int Rounds = 20_000;
        long webFrames = 0, dbFrames = 0, hostFrames = 0;
        using var done = new CancellationTokenSource();
        Thread Consumer(VmConsumer vm, Action<int> count) => new(() =>
        {
            var burst = new RxDescriptor[32];
            while (true)
            {
                int n = vm.Poll(burst);
                if (n == 0)
                {
                    if (done.IsCancellationRequested && vm.Poll(burst) == 0)
                    {
                        break;
                    }

                    Thread.Yield();
                    continue;
                }

                for (int i = 0; i < n; i++)
                {
                    Assert.Equal(64, vm.GetFrame(burst[i]).Length);
                }

                vm.Release(burst.AsSpan(0, n));
                count(n);
            }
        });
        var threads = new[]
        {
            Consumer(web, n => webFrames += n), Consumer(db, n => dbFrames += n), Consumer(host, n => hostFrames += n),
        };
        foreach (var t in threads)
        {
            t.Start();
        }

        for (int r = 0; r < Rounds; r++)
        {
            nic.ReceiveBurst(frames);
            if (r == Rounds / 2)
            {
                nic.RebindQueues(1, new[] { 1 });
            }

            while (nic.Snapshot().InRings > 48)
            {
                Thread.Yield();
            }
        }

        done.Cancel();
        foreach (var t in threads)
        {
            t.Join();
        }

        var s = nic.Snapshot();
        Assert.True(s.IsBalanced);
        Assert.Equal(0, s.InRings);
        Assert.Equal(Rounds, s.Drops.RuleDrop);
        Assert.Equal(0, s.Drops.RingFull);
        Assert.Equal(2L * Rounds, webFrames);            // its mac rule + broadcast
        Assert.Equal(2L * Rounds, dbFrames);             // vlan 250 + broadcast
        Assert.Equal(Rounds, hostFrames);                // unmatched: the default pool
        Assert.Equal(Rounds, s.ReplicaCopies);
        Assert.True(nic.CheckBuffers().IsConserved);
    }
}
