using System.Buffers.Binary;
using System.Globalization;
using Spectre.Console;
using Vmdq.Toolkit;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Samples.MultiTenantHost;

/// <summary>
/// The transmit half of the NIC, on a 10 Gb/s wire whose clock the sample drives (simulated time, so the figures are the
/// same on every machine): VM-to-VM traffic switched inside the NIC (VEB), a spoofed frame refused, and the wire shared by
/// the pools' ETS weights while every VM floods it.
/// </summary>
internal static class TransmitDemo
{
    private const ulong WebMac = 0x001b_210a_0b01, StorageMac = 0x001b_210a_0b02;

    /// <summary>A router beyond the uplink: no rule names it, so the NIC's switch sends frames for it to the wire.</summary>
    private const ulong GatewayMac = 0x001b_21ff_0001;

    /// <summary>Runs the three scenes on a NIC of its own built from <paramref name="info"/>; false when a frame or a buffer is unaccounted for.</summary>
    public static bool Run(DispatcherInfo info)
    {
        string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
        using var nic = new NicEmulator(info, new NicOptions { Name = "host-nic0-tx" });
        var wire = new TransmitCounter();
        nic.WireSink = wire;
        int Pool(string name) => info.Pools.Single(p => p.Name == name).Index;
        var vms = new[] { ("hypervisor", "host"), ("web-vm", "web"), ("storage-vm", "storage"), ("db-vm", "db"), ("analytics-vm", "analytics") }
            .Select(v => nic.AttachVm(v.Item1, Pool(v.Item2))).ToArray();
        var web = vms[1];
        var storage = vms[2];
        var events = new List<string>();
        nic.SpoofedFrames += (_, e) => events.Add(Markup.Escape(e.ToString()));

        AnsiConsole.Write(new Rule($"[bold]transmit[/]: {Markup.Escape(info.Switching.ToString().ToUpperInvariant())} switching, ETS on a {nic.LineRateBitsPerSecond / 1e9:F0} Gb/s wire (simulated clock)").LeftJustified());

        // 1. VM to VM: web-vm sends to storage's MAC on VLAN 150 ('mac 00:1b:21:0a:0b:02 vlan 150 -> storage'), from its own MAC.
        int sent = Send(web, 1000, 128, StorageMac, WebMac, vlan: 150);
        nic.DrainWire();
        long arrived = Receive(storage);
        var s1 = nic.Snapshot().Transmit;
        AnsiConsole.MarkupLine($"web-vm -> storage-vm: {N(sent)} frames posted, {N(arrived)} delivered to storage's RX ring by the NIC's switch, " +
            $"{N(s1.Transmitted)} on the wire ({N(s1.Switched)} switched locally: VEB never puts VM-to-VM traffic on the wire)");

        // 2. A spoofed frame: web-vm sends with storage's MAC as its source. Web has a 'mac' rule, so MAC anti-spoofing is on for it.
        Send(web, 1, 128, GatewayMac, StorageMac);
        var drops = nic.Snapshot().Transmit.Drops;
        AnsiConsole.MarkupLine($"web-vm sends one frame from storage's MAC: refused ({N(drops.MacSpoof)} MAC spoof drop); event: {(events.Count > 0 ? events[0] : "[red]none[/]")}");

        // 3. Every VM floods the uplink for 20 ms; analytics with 64-byte frames (23x storage's frame rate). Storage has
        //    'bandwidth 40%'; the other pools split the rest equally: 15% each.
        long[] before = WireBytesByPool(nic);
        long until = nic.WireClockPicoseconds + EthernetWire.ToPicoseconds(TimeSpan.FromMilliseconds(20));
        var completions = new TxCompletion[256];
        // Each VM keeps up to 512 frames outstanding (posted and not yet completed), as a driver with a 512-entry TX ring would.
        const int Depth = 512;
        var outstanding = new int[vms.Length];
        while (nic.WireClockPicoseconds < until)
        {
            for (int v = 0; v < vms.Length; v++)
            {
                var vm = vms[v];
                bool small = vm.Name == "analytics-vm";
                outstanding[v] += Send(vm, Depth - outstanding[v], small ? 60 : 1514, GatewayMac, SourceOf(vm.Name), vlan: vm.Name == "storage-vm" ? 150 : null);
            }

            nic.AdvanceWire(TimeSpan.FromMicroseconds(100));
            for (int v = 0; v < vms.Length; v++)
            {
                int n;
                while ((n = vms[v].PollCompletions(completions)) > 0)
                {
                    outstanding[v] -= n;
                }
            }
        }

        long[] after = WireBytesByPool(nic);
        long total = after.Zip(before, (a, b) => a - b).Sum();
        var table = new Table().Border(TableBorder.Simple).Title("[bold]20 ms of simulated wire time, every VM flooding[/]")
            .AddColumn("pool").AddColumn("VM").AddColumn("frame bytes", c => c.RightAligned()).AddColumn("frames sent", c => c.RightAligned())
            .AddColumn("share of the wire", c => c.RightAligned()).AddColumn("configured", c => c.RightAligned());
        var s3 = nic.Snapshot().Transmit;
        int shared = info.Pools.Sum(p => p.BandwidthPercent);
        int unshared = info.PoolCount - info.Pools.Count(p => p.BandwidthPercent > 0);
        foreach (var vm in vms)
        {
            var pool = info.FindPool(vm.Pool)!;
            long frames = s3.Queues.Where(q => q.Pool == vm.Pool).Sum(q => q.Transmitted);
            double share = (double)(after[vm.Pool] - before[vm.Pool]) / total;
            table.AddRow(Markup.Escape(pool.Name), Markup.Escape(vm.Name), vm.Name == "analytics-vm" ? "60" : "1,514", N(frames),
                $"{share * 100:F1}%", pool.BandwidthPercent > 0 ? $"{pool.BandwidthPercent}% at least" : $"1/{unshared} of {100 - shared}%");
        }

        AnsiConsole.Write(table);
        long storageFrames = s3.Queues.Where(q => q.Pool == storage.Pool).Sum(q => q.Transmitted);
        long analyticsFrames = s3.Queues.Where(q => q.Pool == vms[4].Pool).Sum(q => q.Transmitted);
        AnsiConsole.MarkupLine($"storage keeps more than its 40% while analytics sends {(double)analyticsFrames / storageFrames:F1}x its frames: ETS shares wire time, not frames " +
            $"(the {unshared} pools without a share, {unshared - vms.Length + 1} of them with no VM, split the other {100 - shared}%; idle ones' shares go to the busy ones)");

        // Everything back: drain the wire, reap, release what the switch delivered.
        nic.DrainWire();
        foreach (var vm in vms)
        {
            while (vm.PollCompletions(completions) > 0)
            {
            }

            Receive(vm);
        }

        var end = nic.Snapshot();
        bool ok = end.IsBalanced && nic.Buffers.FreeCount == nic.Buffers.BufferCount;
        AnsiConsole.MarkupLine(ok
            ? $"[green]transmit conservation: OK[/] ({N(end.Transmit.Offered)} offered = {N(end.Transmit.Transmitted)} on the wire + {N(end.Transmit.Switched)} switched + {N(end.Transmit.Drops.Total)} dropped; every buffer back)"
            : $"[red]transmit conservation: FAILED[/] ({Markup.Escape(end.Transmit.ToString())})");
        return ok;
    }

    private static ulong SourceOf(string vm) => vm switch
    {
        "web-vm" => WebMac,
        "storage-vm" => StorageMac,
        _ => 0x0200_0000_0100UL | (uint)vm.Length, // VMs whose pools have no 'mac' rule: no MAC anti-spoofing
    };

    /// <summary>Posts up to <paramref name="count"/> frames of <paramref name="length"/> bytes on the VM's queue 0; returns how many were posted.</summary>
    private static int Send(VmConsumer vm, int count, int length, ulong dst, ulong src, int? vlan = null)
    {
        var burst = new TxFrame[32];
        int posted = 0;
        while (posted < count)
        {
            int n = 0;
            while (n < Math.Min(burst.Length, count - posted) && vm.TryRentTxBuffer(out int buffer))
            {
                var frame = vm.GetTxBuffer(buffer).Slice(0, length);
                frame.Clear();
                BinaryPrimitives.WriteUInt64BigEndian(frame, dst << 16);
                BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(6), (ushort)(src >> 32));
                BinaryPrimitives.WriteUInt32BigEndian(frame.Slice(8), (uint)src);
                int at = 12;
                if (vlan is { } v)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(frame.Slice(12), 0x8100_0000u | (uint)v);
                    at = 16;
                }

                BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(at), 0x88B5); // local experimental EtherType
                burst[n++] = new TxFrame(buffer, length);
            }

            int accepted = n == 0 ? 0 : vm.TransmitBurst(burst.AsSpan(0, n));
            posted += accepted;
            if (accepted < n || n == 0)
            {
                break;
            }
        }

        return posted;
    }

    private static long Receive(VmConsumer vm)
    {
        var burst = new RxDescriptor[64];
        long total = 0;
        int n;
        while ((n = vm.Poll(burst)) > 0)
        {
            vm.Release(burst.AsSpan(0, n));
            total += n;
        }

        return total;
    }

    private static long[] WireBytesByPool(NicEmulator nic)
    {
        var bytes = new long[nic.PoolCount];
        foreach (var q in nic.Snapshot().Transmit.Queues)
        {
            bytes[q.Pool] += q.WireBytes;
        }

        return bytes;
    }
}
