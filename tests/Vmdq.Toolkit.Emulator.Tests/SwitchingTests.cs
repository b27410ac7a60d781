using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Vmdq.Generated;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// The NIC's switch (IEEE 802.1Qbg): VEB and VEPA on the simulated clock, with switch.vmdq's rules (generated for VEB, loaded at
/// run time with <c>switch vepa</c> for VEPA). Pools: host 0, a 1 (blue 100-199), b 2 (blue), c 3 (red 200-299), d 4.
/// </summary>
public class SwitchingTests
{
    private const ulong A = 0x0200_0000_000A, B = 0x0200_0000_000B, C = 0x0200_0000_000C, D = 0x0200_0000_000D;
    private const ulong DropMac = 0x0200_0000_0066, Unknown = 0x0200_0000_0099, Broadcast = 0xFFFF_FFFF_FFFF;

    /// <summary>What VM a sends: (destination, VLAN or -1, what the switch should do), sequence = index.</summary>
    private static readonly (ulong Dst, int Vlan, string Why)[] s_exchange =
    [
        (B, -1, "unicast to b"),
        (D, -1, "unicast to d (its rule's queue 1)"),
        (C, 200, "mac+vlan to c"),
        (Broadcast, -1, "untagged broadcast: host, b, d (untagged members) and the uplink"),
        (Broadcast, 150, "VLAN 150 broadcast: b (a is the sender) and the uplink"),
        (Unknown, -1, "unknown unicast: the uplink only"),
        (DropMac, -1, "a drop rule: a TX drop"),
        (A, -1, "to the sender itself: never delivered back"),
        (Unknown, 150, "unknown MAC in VLAN 150: rule 7, vlan 150 -> b"),
        (Broadcast, 250, "VLAN 250 broadcast: c (red) and the uplink"),
    ];

    /// <summary>Who gets which of <see cref="s_exchange"/> (by sequence), in both modes.</summary>
    private static readonly Dictionary<int, int[]> s_expected = new()
    {
        [0] = [3],          // host: the untagged broadcast
        [1] = [],           // a: nothing, not even its own frames
        [2] = [0, 3, 4, 8], // b
        [3] = [2, 9],       // c
        [4] = [1, 3],       // d
    };

    private static string RulesText() => RulesFiles.Read("switch.vmdq");

    private static DispatcherInfo VepaInfo()
    {
        var loaded = RuntimeDispatcher.Load(RulesText().Replace("switch veb", "switch vepa", StringComparison.Ordinal), "switch.vmdq");
        Assert.NotNull(loaded.Dispatcher);
        return loaded.Dispatcher!.Info;
    }

    private static byte[] Frame(ulong dst, ulong src, int vlan, int sequence, int length = 80)
    {
        var frame = new byte[length];
        BinaryPrimitives.WriteUInt64BigEndian(frame, dst << 16);
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(6), src << 16);
        int at = 12;
        if (vlan >= 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), (ushort)vlan);
            at = 16;
        }

        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), 0x88B5);   // local experimental EtherType
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(at + 2), sequence);
        return frame;
    }

    private static int Send(VmConsumer vm, IEnumerable<byte[]> frames)
    {
        var burst = new List<TxFrame>();
        foreach (var bytes in frames)
        {
            Assert.True(vm.TryRentTxBuffer(out int buffer));
            bytes.CopyTo(vm.GetTxBuffer(buffer));
            burst.Add(new TxFrame(buffer, bytes.Length));
        }

        return vm.TransmitBurst(0, burst.ToArray());
    }

    /// <summary>Every descriptor each VM's pool got: (sequence in the payload, queue, length, rule line), released.</summary>
    private static Dictionary<int, List<(int Sequence, int Queue, int Length)>> Drain(VmConsumer[] vms)
    {
        var got = new Dictionary<int, List<(int, int, int)>>();
        var burst = new RxDescriptor[64];
        foreach (var vm in vms)
        {
            var list = got[vm.Pool] = new List<(int, int, int)>();
            int n;
            while ((n = vm.Poll(burst)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    var frame = vm.GetFrame(burst[i]);
                    int at = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == 0x8100 ? 16 : 12;
                    list.Add((BinaryPrimitives.ReadInt32BigEndian(frame[(at + 2)..]), burst[i].Queue, burst[i].Length));
                }

                vm.Release(burst.AsSpan(0, n));
            }

            list.Sort();
        }

        return got;
    }

    private static void PollCompletions(VmConsumer vm)
    {
        var done = new TxCompletion[64];
        while (vm.PollCompletions(done) > 0)
        {
        }
    }

    private sealed record Run(
        Dictionary<int, List<(int Sequence, int Queue, int Length)>> Delivered, NicSnapshot Snapshot, TransmitCounter Uplink, ReflectiveRelayBridge? Bridge, int Posted);

    private static Run Exchange(DispatcherInfo info)
    {
        using var nic = new NicEmulator(info);
        var uplink = new TransmitCounter();
        ReflectiveRelayBridge? bridge = info.Switching == SwitchMode.Vepa ? new ReflectiveRelayBridge(nic, uplink) : null;
        nic.WireSink = bridge ?? (ITransmitSink)uplink;
        VmConsumer[] vms = [.. new[] { 0, 1, 2, 3, 4 }.Select(p => nic.AttachVm("vm" + p, p))];

        int posted = Send(vms[1], s_exchange.Select((x, i) => Frame(x.Dst, A, x.Vlan, i)));
        nic.DrainWire();
        var delivered = Drain(vms);
        PollCompletions(vms[1]);
        var snapshot = nic.Snapshot();
        Assert.True(snapshot.IsBalanced, snapshot.ToString());
        Assert.True(snapshot.Buffers.IsConserved, snapshot.Buffers.ToString());
        Assert.Equal(snapshot.Buffers.Total, snapshot.Buffers.Free);
        return new Run(delivered, snapshot, uplink, bridge, posted);
    }

    [Fact]
    public void The_same_exchange_delivers_the_same_frames_in_VEB_and_VEPA_and_crosses_the_wire_as_802_1Qbg_says()
    {
        Assert.Equal(SwitchMode.Veb, SwitchDispatcher.Info.Switching);
        var veb = Exchange(SwitchDispatcher.Info);
        var vepaInfo = VepaInfo();
        Assert.Equal(SwitchMode.Vepa, vepaInfo.Switching);
        var vepa = Exchange(vepaInfo);

        foreach (var (pool, sequences) in s_expected)
        {
            Assert.Equal(sequences, veb.Delivered[pool].Select(d => d.Sequence));
        }

        Assert.Equal(veb.Delivered.Keys, vepa.Delivered.Keys);
        foreach (int pool in veb.Delivered.Keys)
        {
            Assert.Equal(veb.Delivered[pool], vepa.Delivered[pool]);
        }

        Assert.All(veb.Delivered[4].Where(d => d.Sequence == 1), d => Assert.Equal(1, d.Queue));   // `-> d:1`
        Assert.All(veb.Delivered.Values.SelectMany(x => x), d => Assert.Equal(80, d.Length));

        // VEB: local unicast (0, 1, 2, 8) never touches the wire; the group frames and the unknown unicast (3, 4, 5, 9) go once.
        Assert.Equal(10, veb.Posted);
        Assert.Equal(4, veb.Snapshot.Transmit.Transmitted);                 // 3, 4, 5, 9
        Assert.Equal(4, veb.Snapshot.Transmit.Switched);                    // 0, 1, 2, 8
        Assert.Equal(4 + 3 + 1 + 1, veb.Snapshot.Transmit.LocalCopies);     // 4 unicast + host/b/d + b + c
        Assert.Equal(4, veb.Uplink.Frames);
        Assert.Equal(1, veb.Snapshot.Transmit.Drops.RuleDrop);              // 6
        Assert.Equal(1, veb.Snapshot.Transmit.Drops.ToSender);              // 7
        Assert.Equal(0, veb.Snapshot.Received);

        // VEPA: everything but the drop goes out; every frame for a local station (or a group) comes back: twice on the wire.
        Assert.Equal(9, vepa.Snapshot.Transmit.Transmitted);
        Assert.Equal(0, vepa.Snapshot.Transmit.Switched);
        Assert.Equal(0, vepa.Snapshot.Transmit.LocalCopies);
        Assert.Equal(1, vepa.Snapshot.Transmit.Drops.RuleDrop);
        Assert.Equal(0, vepa.Snapshot.Transmit.Drops.ToSender);
        Assert.Equal(8, vepa.Bridge!.Reflected);                             // 0-4, 7, 8, 9
        Assert.Equal(8, vepa.Snapshot.Received);
        Assert.Equal(4, vepa.Bridge.Forwarded);                              // 3, 4, 5, 9: the same uplink traffic as VEB
        Assert.Equal(veb.Uplink.Frames, vepa.Uplink.Frames);
        Assert.Equal(1, vepa.Snapshot.Drops.Reflected);                      // 7, filtered by the station (source MAC = a's)
        Assert.Equal(2, vepa.Snapshot.ReplicaCopies);                        // the untagged broadcast: 3 copies; VLAN 150 and 250: one each
    }

    [Fact]
    public void A_local_delivery_to_a_full_ring_is_a_ring_full_drop_and_every_buffer_comes_back()
    {
        using var nic = new NicEmulator(SwitchDispatcher.Info);
        nic.WireSink = new TransmitCounter();
        var a = nic.AttachVm("a", 1);
        var b = nic.AttachVm("b", 2);
        int posted = 0;
        for (int i = 0; i < 70; i += 10)
        {
            posted += Send(a, Enumerable.Range(i, 10).Select(s => Frame(B, A, -1, s)));
            nic.DrainWire();
            PollCompletions(a);
        }

        var before = nic.Snapshot();
        Assert.Equal(70, posted);
        Assert.Equal(64, before.Queue(2, 0).Enqueued);
        Assert.Equal(6, before.Queue(2, 0).Drops.RingFull);
        Assert.Equal(0, before.Transmit.Transmitted);
        Assert.True(before.IsBalanced, before.ToString());
        Assert.True(before.Buffers.IsConserved);

        var got = Drain([b]);
        Assert.Equal(Enumerable.Range(0, 64), got[2].Select(d => d.Sequence));
        var after = nic.Snapshot();
        Assert.True(after.IsBalanced, after.ToString());
        Assert.Equal(after.Buffers.Total, after.Buffers.Free);
    }

    [Fact]
    public void Runtime_loaded_and_generated_dispatchers_give_the_same_L2_forwarding_table()
    {
        var loaded = RuntimeDispatcher.Load(RulesText(), "switch.vmdq").Dispatcher!;
        var generated = SwitchDispatcher.Info.L2Forwarding;
        var runtime = loaded.Info.L2Forwarding;
        Assert.Equal(generated.Filters, runtime.Filters);
        Assert.Equal(generated.Members, runtime.Members);
        Assert.Equal(SwitchDispatcher.Info.Switching, loaded.Info.Switching);

        // The mac, mac+vlan and vlan rules in file order; never the broadcast rule.
        Assert.Equal(
            [L2FilterKind.Mac, L2FilterKind.Mac, L2FilterKind.MacVlan, L2FilterKind.Mac, L2FilterKind.Mac, L2FilterKind.Vlan],
            generated.Filters.Select(f => f.Kind));
        Assert.Equal(new L2Filter(L2FilterKind.Mac, D, 0, false, 4, 1, 15), generated.Filters[3]);

        // Membership: tenant ranges, vlan rules, untagged for mac rules and for pools with no VLAN at all.
        Assert.Equal(
            [
                new VlanMembership(0, -1, -1),
                new VlanMembership(1, -1, -1), new VlanMembership(1, 100, 199),
                new VlanMembership(2, -1, -1), new VlanMembership(2, 100, 199), new VlanMembership(2, 150, 150),
                new VlanMembership(3, 200, 200), new VlanMembership(3, 200, 299),
                new VlanMembership(4, -1, -1),
            ],
            generated.Members);
    }

    [Fact]
    public void A_runtime_rule_change_changes_what_the_switch_forwards()
    {
        var dispatcher = RuntimeDispatcher.Load(RulesText(), "switch.vmdq").Dispatcher!;
        const ulong E = 0x0200_0000_000E;
        Assert.Null(dispatcher.Info.L2Forwarding.Lookup(E, -1));
        Assert.True(dispatcher.Apply("mac 02:00:00:00:00:0e -> c").Accepted);
        Assert.Equal(3, dispatcher.Info.L2Forwarding.Lookup(E, -1)?.Pool);

        using var nic = new NicEmulator(dispatcher.Info);
        var a = nic.AttachVm("a", 1);
        var c = nic.AttachVm("c", 3);
        Assert.Equal(1, Send(a, [Frame(E, A, -1, 7)]));
        nic.DrainWire();
        Assert.Equal([7], Drain([c])[3].Select(d => d.Sequence));
        Assert.Equal(0, nic.Snapshot().Transmit.Transmitted);
    }

    [Fact]
    public void A_hand_built_dispatcher_without_L2_data_sends_everything_to_the_uplink()
    {
        using var nic = TestNic.Create();
        Assert.Same(L2ForwardingTable.Empty, nic.Info.L2Forwarding);
        var uplink = new TransmitCounter();
        nic.WireSink = uplink;
        var vm = nic.AttachVm("vm", 0);
        Assert.Equal(2, Send(vm, [TestNic.Frame(TestNic.To(1, 0)), TestNic.Broadcast()]));
        nic.DrainWire();
        Assert.Equal(2, uplink.Frames);
        Assert.Equal(0, nic.Snapshot().Transmit.LocalCopies);
    }

    [Fact]
    public void The_switch_counts_switched_frames_and_its_drops_in_the_meter_by_reason()
    {
        string name = "switch-metrics-" + Guid.NewGuid().ToString("N");
        var recorded = new ConcurrentQueue<(string Instrument, long Value, string? Reason, string? Pool)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NicMetrics.MeterName
                && instrument.Meter.Tags?.Any(t => t.Key == NicMetrics.NicTag && Equals(t.Value, name)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null, pool = null;
            foreach (var tag in tags)
            {
                reason = tag.Key == NicMetrics.ReasonTag ? (string?)tag.Value : reason;
                pool = tag.Key == NicMetrics.PoolTag ? (string?)tag.Value : pool;
            }

            recorded.Enqueue((instrument.Name, value, reason, pool));
        });
        listener.Start();

        using var nic = new NicEmulator(SwitchDispatcher.Info, new NicOptions { Name = name });
        var a = nic.AttachVm("a", 1);
        Send(a, s_exchange.Select((x, i) => Frame(x.Dst, A, x.Vlan, i)));
        nic.DrainWire();

        long Sum(string instrument, string? reason = null) =>
            recorded.Where(r => r.Instrument == instrument && (reason is null || r.Reason == reason)).Sum(r => r.Value);
        Assert.Equal(4, Sum(NicMetrics.TxSwitched));
        Assert.All(recorded.Where(r => r.Instrument == NicMetrics.TxSwitched), r => Assert.Equal("a", r.Pool));
        Assert.Equal(1, Sum(NicMetrics.TxDrops, "rule_drop"));
        Assert.Equal(1, Sum(NicMetrics.TxDrops, "to_sender"));
        Assert.Equal(4, Sum(NicMetrics.TxFrames));
        Assert.Equal(9, Sum(NicMetrics.RxFrames));   // the local copies, through the receive path's enqueue
    }

    [Fact]
    public async Task Local_deliveries_and_a_receive_thread_share_the_RX_rings_without_refusing_each_other()
    {
        using var nic = new NicEmulator(SwitchDispatcher.Info);
        var a = nic.AttachVm("a", 1);
        var b = nic.AttachVm("b", 2);
        const int Rounds = 500;
        var fromWire = Enumerable.Range(0, 8).Select(i => Frame(B, Unknown, -1, 1_000_000 + i)).ToArray();

        // Each side keeps going until both did their rounds, so the two overlap for the whole run.
        int received = 0, transmitted = 0, posted = 0;
        var receiver = Task.Run(() =>
        {
            while (Volatile.Read(ref transmitted) < Rounds || received < Rounds)
            {
                nic.ReceiveBurst(fromWire);
                Volatile.Write(ref received, received + 1);
            }
        });
        var taken = new List<(int Sequence, int Queue, int Length)>();
        var transmitter = Task.Run(() =>
        {
            while (Volatile.Read(ref received) < Rounds || transmitted < Rounds)
            {
                posted += Send(a, Enumerable.Range(transmitted * 8, 8).Select(s => Frame(B, A, -1, s)));
                nic.DrainWire();
                PollCompletions(a);
                Volatile.Write(ref transmitted, transmitted + 1);
            }
        });

        while (!(receiver.IsCompleted && transmitter.IsCompleted))
        {
            taken.AddRange(Drain([b])[2]);
        }

        await receiver;
        await transmitter;
        taken.AddRange(Drain([b])[2]);
        PollCompletions(a);

        var snapshot = nic.Snapshot();
        Assert.Equal(transmitted * 8, posted);
        Assert.Equal(transmitted * 8, snapshot.Transmit.Switched);
        Assert.Equal(received * 8, snapshot.Received);
        Assert.Equal(taken.Count, snapshot.Dequeued);
        Assert.Equal((transmitted + received) * 8, taken.Count + snapshot.Drops.RingFull);
        Assert.True(snapshot.IsBalanced, snapshot.ToString());
        Assert.Equal(snapshot.Buffers.Total, snapshot.Buffers.Free);
    }
}
