using System;
using System.Linq;
using Vmdq.Hosting;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>The host shared by <c>vmdq replay</c> and the sample: lossless replays wait for ring room; paced ones may lose frames.</summary>
public sealed class EmulatedHostTests
{
    private const string Rules = "nic pools 2 queues 1 ring 16\ndefault-pool 0\npool slow 0\npool fast 1\nmac 00:16:3e:08:71:cf -> fast\n";

    [Fact]
    public void A_lossless_replay_waits_for_a_slow_vm_and_loses_nothing()
    {
        var (host, frames) = Host();
        using (host)
        {
            host.SetSlow("slow-vm", slow: true);
            host.Start();
            host.Receive(frames, frames.Length, rateMfps: -1, _ => { });
            host.Drain();

            var s = host.Nic.Snapshot();
            Assert.Equal(0, s.Drops.Total);
            Assert.Equal(frames.Length, s.Dequeued);
            Assert.Equal(frames.Length / 2, host.Delivered("slow-vm"));
            Assert.Equal(frames.Length / 2, host.Delivered("fast-vm"));
            // Every frame recorded once, under the arrival number the NIC gave it.
            Assert.Equal(Enumerable.Range(0, frames.Length).Select(i => (long)i), host.Vms.SelectMany(v => host.Deliveries(v.Name)).Select(d => d.Sequence).Order());
            Assert.All(host.Deliveries("fast-vm"), d => Assert.Equal(1, d.Pool));
        }
    }

    [Fact]
    public void An_unpaced_replay_overruns_a_slow_vm_and_counts_the_ring_full_drops()
    {
        var (host, frames) = Host();
        using (host)
        {
            host.SetSlow("slow-vm", slow: true);
            host.Start();
            host.Receive(frames, frames.Length, rateMfps: 0, _ => { });
            host.Drain();

            var s = host.Nic.Snapshot();
            Assert.True(s.Drops.RingFull > 0, s.ToString());
            Assert.True(s.IsBalanced);
            Assert.Equal(s.Dequeued, host.Delivered("slow-vm") + host.Delivered("fast-vm"));
        }
    }

    private static (EmulatedHost Host, byte[][] Frames) Host()
    {
        var dispatcher = RuntimeDispatcher.Load(Rules, "two.vmdq").Dispatcher!;
        var vms = new[] { new HostVm("slow-vm", 0), new HostVm("fast-vm", 1) };
        // 4,000 frames, alternately to the fast pool and (unknown MAC) the slow default pool.
        var frames = Enumerable.Range(0, 4000).Select(i => ReplayTests.Frame(i % 2 == 0 ? "00:16:3e:08:71:cf" : "02:00:00:00:00:01", 64)).ToArray();
        return (new EmulatedHost(dispatcher.Info, "test-nic", vms, recordDeliveries: true), frames);
    }
}
