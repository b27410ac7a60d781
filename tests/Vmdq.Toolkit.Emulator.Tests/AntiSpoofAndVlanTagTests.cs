using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// Per-pool anti-spoofing on transmit and VLAN insert (TX) / strip (RX), on the generated dispatcher of spoof.vmdq and on the
/// runtime engine loading the same file, with the wire on its simulated clock.
/// </summary>
public class AntiSpoofAndVlanTagTests
{
    private const int Web = 1, Db = 2, Tagged = 3, Open = 4;

    private static string RulesText() => RulesFiles.Read("spoof.vmdq");

    private static ulong Mac(int last) => 0x5254_0000_0000UL | (uint)last;

    /// <summary>An Ethernet frame: destination, source, an optional C-tag (TCI), IPv4 ethertype, a counting payload, <paramref name="length"/> bytes in all.</summary>
    private static byte[] Frame(ulong dst, ulong src, int? tci = null, int length = 64)
    {
        var frame = new byte[length];
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(0, 8), dst << 16);
        var srcBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(srcBytes, src << 16);
        srcBytes.AsSpan(0, 6).CopyTo(frame.AsSpan(6));
        int at = 12;
        if (tci is { } t)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), (ushort)t);
            at = 16;
        }

        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), 0x0800);
        for (int i = at + 2; i < length; i++)
        {
            frame[i] = (byte)i;
        }

        return frame;
    }

    private static TxFrame Rent(VmConsumer vm, byte[] frame, bool includesFcs = false)
    {
        Assert.True(vm.TryRentTxBuffer(out int buffer));
        frame.CopyTo(vm.GetTxBuffer(buffer));
        return new TxFrame(buffer, frame.Length, includesFcs);
    }

    /// <summary>A sink that keeps a copy of every frame that leaves, with its pool.</summary>
    private sealed class RecordingSink : ITransmitSink
    {
        public List<(int Pool, byte[] Data)> Frames { get; } = new();

        public void Deliver(in TransmittedFrame frame) => Frames.Add((frame.Pool, frame.Data.ToArray()));

        public void Flush()
        {
        }
    }

    private static void AssertAllBuffersBack(NicEmulator nic)
    {
        var accounting = nic.CheckBuffers();
        Assert.Equal(0, accounting.Violations);
        Assert.Equal(accounting.Total, accounting.Free);
        Assert.True(nic.Snapshot().IsBalanced);
    }

    private static void Reap(VmConsumer vm)
    {
        var completions = new TxCompletion[64];
        while (vm.PollCompletions(completions) > 0)
        {
        }
    }

    [Fact]
    public void ASpoofedSourceMacIsDroppedCountedAndReportedWithTheVmWhileTheVmsOwnMacPasses()
    {
        string name = "spoof-mac-" + Guid.NewGuid().ToString("N");
        using var nic = new NicEmulator(Vmdq.Generated.SpoofDispatcher.Info, new NicOptions { Name = name });
        var counter = new TransmitCounter();
        nic.WireSink = counter;
        var vm = nic.AttachVm("vm-web", Web);
        var events = new List<SpoofedFramesEventArgs>();
        nic.SpoofedFrames += (_, e) => events.Add(e);
        var drops = new ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = Listen(name, NicMetrics.TxDrops, drops);

        var burst = new[]
        {
            Rent(vm, Frame(Mac(9), Mac(1))),                       // its own MAC: sent
            Rent(vm, Frame(Mac(9), Mac(0x99))),                    // another MAC: refused
            Rent(vm, Frame(Mac(9), Mac(2), tci: 130)),             // db's MAC: refused (web checks no VLAN; the MAC decides)
            Rent(vm, Frame(Mac(9), Mac(1), tci: 130)),             // its own MAC on any VLAN: sent (VLAN check is off by default)
        };
        Assert.Equal(2, vm.TransmitBurst(burst));
        nic.DrainWire();
        Reap(vm);

        Assert.Equal(2, counter.Frames);
        var queue = nic.Snapshot().Transmit.Queue(Web, 0);
        Assert.Equal(new TxDropCounts(0, 0, 0, 0, macSpoof: 2, vlanSpoof: 0), queue.Drops);
        var e = Assert.Single(events);
        Assert.Equal(("vm-web", Web, "web", 0, AntiSpoofChecks.Mac, 2L, Mac(0x99), -1), (e.VmName, e.Pool, e.PoolName, e.Queue, e.Check, e.Frames, e.SourceMac, e.Vlan));
        Assert.Contains("VM 'vm-web'", e.ToString());
        var spoof = Assert.Single(drops);
        Assert.Equal(2, spoof.Value);
        Assert.Equal("spoof", spoof.Tags[NicMetrics.ReasonTag]);
        Assert.Equal("mac", spoof.Tags[NicMetrics.CheckTag]);
        Assert.Equal("web", spoof.Tags[NicMetrics.PoolTag]);
        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void VlanCheckingRefusesOtherVlansAndUntaggedFramesOnlyWhereItIsOn()
    {
        using var nic = new NicEmulator(Vmdq.Generated.SpoofDispatcher.Info);
        var db = nic.AttachVm("vm-db", Db);
        var open = nic.AttachVm("vm-open", Open);
        var events = new List<SpoofedFramesEventArgs>();
        nic.SpoofedFrames += (_, e) => events.Add(e);

        // db: antispoof mac,vlan, its VLAN is 120.
        Assert.Equal(1, db.TransmitBurst(new[]
        {
            Rent(db, Frame(Mac(9), Mac(2), tci: 120)),
            Rent(db, Frame(Mac(9), Mac(2), tci: (3 << 13) | 130)),
            Rent(db, Frame(Mac(9), Mac(2))),
            Rent(db, Frame(Mac(9), Mac(2), tci: 0)),   // priority-tagged: on no VLAN
        }));

        // open: antispoof none, so any MAC on any VLAN.
        Assert.Equal(2, open.TransmitBurst(new[] { Rent(open, Frame(Mac(9), Mac(0x77), tci: 130)), Rent(open, Frame(Mac(9), Mac(0x78))) }));

        nic.DrainWire();
        Reap(db);
        Reap(open);
        var snapshot = nic.Snapshot().Transmit;
        Assert.Equal(new TxDropCounts(0, 0, 0, 0, 0, vlanSpoof: 3), snapshot.Queue(Db, 0).Drops);
        Assert.Equal(0, snapshot.Queue(Open, 0).Drops.Total);
        var e = Assert.Single(events);
        Assert.Equal(("vm-db", AntiSpoofChecks.Vlan, 3L, 130), (e.VmName, e.Check, e.Frames, e.Vlan));
        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void AVlanInsertPoolSendsItsFramesTaggedByteForByteWithThePoolsPriority()
    {
        using var nic = new NicEmulator(Vmdq.Generated.SpoofDispatcher.Info);
        var sink = new RecordingSink();
        nic.WireSink = sink;
        var vm = nic.AttachVm("vm-tagged", Tagged);
        // Broadcasts, so the switch (VEB) puts them on the wire: a unicast on the pool's VLAN 150 would be switched by 'vlan 150 -> tagged'
        // back to the pool itself, which a bridge never does (TxDropReason.ToSender).
        byte[] plain = Frame(0xFFFF_FFFF_FFFF, Mac(3), length: 100);
        byte[] withFcs = Frame(0xFFFF_FFFF_FFFF, Mac(3), length: 70);
        Assert.Equal(2, vm.TransmitBurst(new[] { Rent(vm, plain), Rent(vm, withFcs, includesFcs: true) }));
        nic.DrainWire();
        Reap(vm);

        // PCP 5 (the pool's priority), DEI 0, VID 150.
        byte[] tag = { 0x81, 0x00, 0xA0, 0x96 };
        Assert.Equal(2, sink.Frames.Count);
        Assert.Equal(plain[..12].Concat(tag).Concat(plain[12..]).ToArray(), sink.Frames[0].Data);

        // A frame posted with its FCS loses it (the NIC appends a new one over the tagged frame): same length, tag in, FCS out.
        Assert.Equal(withFcs[..12].Concat(tag).Concat(withFcs[12..^4]).ToArray(), sink.Frames[1].Data);
        Assert.Equal(104 + 70, nic.Snapshot().Transmit.TransmittedBytes);

        // The switch also gave the other members of VLAN 150, web and db (tenant blue's range), their copies, tagged alike.
        var received = new RxDescriptor[4];
        foreach (int pool in new[] { Web, Db })
        {
            var member = nic.AttachVm($"vm-{pool}", pool);
            Assert.Equal(2, member.Poll(received));
            Assert.Equal(sink.Frames[0].Data, member.GetFrame(received[0]).ToArray());
            member.Release(received.AsSpan(0, 2));
        }

        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void AnAccessPortIsNoMemberOfTheUntaggedSetEvenWithAPlainMacRule()
    {
        // Pool open (untagged) floods an untagged broadcast. Host (no VLAN at all) and web ('mac ... -> web') are untagged
        // members; tagged has 'mac 52:54:00:00:00:03 -> tagged' too, but it is an access port on VLAN 150 (vlan-insert): on
        // the wire side its frames are tagged, so untagged floods are not for it (as a VF with a port VLAN gets none).
        using var nic = new NicEmulator(Vmdq.Generated.SpoofDispatcher.Info);
        nic.WireSink = new RecordingSink();
        var sender = nic.AttachVm("vm-open", Open);
        Assert.Equal(1, sender.TransmitBurst(new[] { Rent(sender, Frame(0xFFFF_FFFF_FFFF, Mac(4), length: 64)) }));
        nic.DrainWire();
        Reap(sender);

        var received = new RxDescriptor[4];
        var counts = new Dictionary<int, int>();
        foreach (int pool in new[] { 0, Web, Db, Tagged })
        {
            var vm = nic.AttachVm($"vm-{pool}", pool);
            int n = vm.Poll(received);
            counts[pool] = n;
            vm.Release(received.AsSpan(0, n));
        }

        Assert.Equal(new Dictionary<int, int> { [0] = 1, [Web] = 1, [Db] = 0, [Tagged] = 0 }, counts);
        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void AFrameThatWouldOutgrowItsBufferWithTheTagIsOversize()
    {
        using var nic = new NicEmulator(Vmdq.Generated.SpoofDispatcher.Info);
        var vm = nic.AttachVm("vm-tagged", Tagged);
        int size = nic.Buffers.BufferSize;
        Assert.Equal(1, vm.TransmitBurst(new[] { Rent(vm, Frame(Mac(9), Mac(3), length: size)), Rent(vm, Frame(Mac(9), Mac(3), length: size - 4)) }));
        Assert.Equal(1, nic.Snapshot().Transmit.Queue(Tagged, 0).Drops.Oversize);
        nic.DrainWire();
        Reap(vm);
        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void AVlanInsertPoolReceivesItsFramesStrippedWithTheTagInTheDescriptor()
    {
        using var nic = new NicEmulator(Vmdq.Generated.SpoofDispatcher.Info);
        var tagged = nic.AttachVm("vm-tagged", Tagged);
        var web = nic.AttachVm("vm-web", Web);
        byte[] toTagged = Frame(Mac(0x42), Mac(0x50), tci: (6 << 13) | 150, length: 90);
        byte[] toWeb = Frame(Mac(1), Mac(0x50), tci: 110, length: 90);
        byte[] broadcast = Frame(0xFFFF_FFFF_FFFF, Mac(0x50), tci: 110, length: 80);   // VLAN 110 has no rule: the broadcast rule decides
        Assert.Equal(4, nic.ReceiveBurst(new[] { toTagged, toWeb, broadcast }));

        var mine = new RxDescriptor[8];
        Assert.Equal(2, tagged.Poll(mine));
        var unicast = mine.Take(2).Single(d => d.Sequence == 0);
        Assert.True(unicast.VlanStripped);
        Assert.Equal(((6 << 13) | 150, 150, 86), (unicast.VlanTag, unicast.VlanId, unicast.Length));
        Assert.Equal(toTagged[..12].Concat(toTagged[16..]).ToArray(), tagged.GetFrame(unicast).ToArray());

        // The broadcast is shared with web, which keeps the tag: tagged gets a stripped copy of its own.
        var replica = mine.Take(2).Single(d => d.Sequence == 2);
        Assert.True(replica.VlanStripped);
        Assert.Equal(110, replica.VlanId);
        Assert.Equal(broadcast[..12].Concat(broadcast[16..]).ToArray(), tagged.GetFrame(replica).ToArray());

        var theirs = new RxDescriptor[8];
        Assert.Equal(2, web.Poll(theirs));
        foreach (var d in theirs.Take(2))
        {
            Assert.False(d.VlanStripped);
            Assert.Equal(0, d.VlanTag);
            Assert.Equal(d.Sequence == 1 ? toWeb : broadcast, web.GetFrame(d).ToArray());
        }

        Assert.NotEqual(replica.BufferIndex, theirs.Take(2).Single(d => d.Sequence == 2).BufferIndex);
        tagged.Release(mine.AsSpan(0, 2));
        web.Release(theirs.AsSpan(0, 2));
        AssertAllBuffersBack(nic);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FramesTheSwitchDeliversToAVlanInsertPoolAreStrippedAndTheWireAndOtherPoolsKeepTheTag(bool vepa)
    {
        DispatcherInfo info = Vmdq.Generated.SpoofDispatcher.Info;
        if (vepa)
        {
            var load = RuntimeDispatcher.Load(RulesText() + "switch vepa\n", "spoof.vmdq");
            Assert.True(load.Succeeded, string.Join("\n", load.Diagnostics));
            info = load.Dispatcher!.Info;
        }

        using var nic = new NicEmulator(info);
        var wire = new RecordingSink();
        nic.WireSink = vepa ? new ReflectiveRelayBridge(nic, wire) : wire;
        var web = nic.AttachVm("vm-web", Web);
        var tagged = nic.AttachVm("vm-tagged", Tagged);
        var db = nic.AttachVm("vm-db", Db);
        byte[] unicast = Frame(Mac(3), Mac(1), tci: (2 << 13) | 150, length: 90);      // tagged's MAC, on its VLAN
        byte[] broadcast = Frame(0xFFFF_FFFF_FFFF, Mac(1), tci: 120, length: 80);        // blue's VLAN 120: db, tagged (tenant range)
        Assert.Equal(2, web.TransmitBurst([Rent(web, unicast), Rent(web, broadcast)]));
        nic.DrainWire();
        Reap(web);

        var mine = new RxDescriptor[8];
        Assert.Equal(2, tagged.Poll(mine));
        Assert.All(mine.Take(2), d => Assert.True(d.VlanStripped));
        Assert.Equal([(2 << 13) | 150, 120], mine.Take(2).Select(d => (int)d.VlanTag));
        Assert.Equal(unicast[..12].Concat(unicast[16..]).ToArray(), tagged.GetFrame(mine[0]).ToArray());
        Assert.Equal(broadcast[..12].Concat(broadcast[16..]).ToArray(), tagged.GetFrame(mine[1]).ToArray());

        // db keeps the tag; so does the copy that goes on to the network (the uplink, or on from the bridge).
        var theirs = new RxDescriptor[8];
        Assert.Equal(1, db.Poll(theirs));
        Assert.False(theirs[0].VlanStripped);
        Assert.Equal(broadcast, db.GetFrame(theirs[0]).ToArray());
        Assert.Equal(broadcast, Assert.Single(wire.Frames).Data);

        tagged.Release(mine.AsSpan(0, 2));
        db.Release(theirs.AsSpan(0, 1));
        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void AccessPortsOnOneVlanReceiveEachOthersBroadcastsThroughTheSwitch()
    {
        // a and b are access ports on VLAN 150 with no tenant: members of VLAN 150 by their vlan-insert alone.
        var load = RuntimeDispatcher.Load("""
            nic pools 4 queues 1 ring 16
            pool plain 0
            pool a 1 vlan-insert 150
            pool b 2 vlan-insert 150
            pool c 3 vlan-insert 160
            mac 52:54:00:00:00:0a -> a
            mac 52:54:00:00:00:0b -> b
            """, "access.vmdq");
        Assert.True(load.Succeeded, string.Join("\n", load.Diagnostics));
        using var nic = new NicEmulator(load.Dispatcher!.Info);
        var wire = new RecordingSink();
        nic.WireSink = wire;
        var vms = Enumerable.Range(0, 4).Select(p => nic.AttachVm("vm" + p, p)).ToArray();
        byte[] arp = Frame(0xFFFF_FFFF_FFFF, Mac(0x0a), length: 64);
        Assert.Equal(1, vms[1].TransmitBurst([Rent(vms[1], arp)]));
        nic.DrainWire();
        Reap(vms[1]);

        var d = new RxDescriptor[4];
        Assert.Equal(1, vms[2].Poll(d));
        Assert.Equal((true, 150), (d[0].VlanStripped, d[0].VlanId));
        Assert.Equal(arp, vms[2].GetFrame(d[0]).ToArray());
        vms[2].Release(d[0]);
        Assert.Equal(0, vms[0].Poll(d));   // untagged only
        Assert.Equal(0, vms[3].Poll(d));   // VLAN 160
        Assert.Equal(0, vms[1].Poll(d));   // the sender
        var sent = Assert.Single(wire.Frames).Data;
        Assert.Equal(arp[..12].Concat(new byte[] { 0x81, 0x00, 0x00, 150 }).Concat(arp[12..]).ToArray(), sent);
        AssertAllBuffersBack(nic);
    }

    private const string TwoAccessPorts = """
        nic pools 4 queues 1 ring 16
        pool a 1 vlan-insert 150
        pool b 2 vlan-insert 160
        pool plain 3
        broadcast -> a, b
        multicast -> a, plain
        """;

    [Fact]
    public void AFrameEveryReplicaOfWhichStripsIsStrippedOnceInItsOwnBuffer()
    {
        var load = RuntimeDispatcher.Load(TwoAccessPorts, "access.vmdq");
        Assert.True(load.Succeeded, string.Join("\n", load.Diagnostics));
        using var nic = new NicEmulator(load.Dispatcher!.Info);
        byte[] broadcast = Frame(0xFFFF_FFFF_FFFF, Mac(0x50), tci: 150, length: 72);
        Assert.Equal(2, nic.ReceiveBurst(new[] { broadcast }));
        var d = new RxDescriptor[2];
        Assert.Equal(1, nic.ReceiveFromQueue(1, 0, d.AsSpan(0, 1)));
        Assert.Equal(1, nic.ReceiveFromQueue(2, 0, d.AsSpan(1, 1)));
        Assert.Equal(d[0].BufferIndex, d[1].BufferIndex);
        byte[] stripped = broadcast[..12].Concat(broadcast[16..]).ToArray();
        foreach (var descriptor in d)
        {
            Assert.True(descriptor.VlanStripped);
            Assert.Equal(150, descriptor.VlanId);
            Assert.Equal(stripped, nic.GetFrame(descriptor).ToArray());
        }

        nic.Release(d);
        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void WithNoBufferForTheStrippedCopyTheStrippingReplicasAreNoBufferDrops()
    {
        var load = RuntimeDispatcher.Load(TwoAccessPorts, "access.vmdq");
        Assert.True(load.Succeeded, string.Join("\n", load.Diagnostics));
        using var nic = new NicEmulator(load.Dispatcher!.Info, new NicOptions { BufferCount = 1 });
        byte[] multicast = Frame(0x0100_5E00_0001, Mac(0x50), tci: 150, length: 72);
        Assert.Equal(1, nic.ReceiveBurst(new[] { multicast }));
        var d = new RxDescriptor[1];
        Assert.Equal(1, nic.ReceiveFromQueue(3, 0, d));
        Assert.False(d[0].VlanStripped);
        Assert.Equal(multicast, nic.GetFrame(d[0]).ToArray());
        var snapshot = nic.Snapshot();
        Assert.Equal(1, snapshot.PortDrops.NoBuffer);
        Assert.Equal(0, nic.ReceiveFromQueue(1, 0, d));
        nic.Release(d[0]);
        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void AnUntaggedFrameToAVlanInsertPoolIsDeliveredAsItCame()
    {
        using var nic = new NicEmulator(Vmdq.Generated.SpoofDispatcher.Info);
        var tagged = nic.AttachVm("vm-tagged", Tagged);
        byte[] frame = Frame(Mac(3), Mac(0x50));
        Assert.Equal(1, nic.ReceiveBurst(new[] { frame }));
        var d = new RxDescriptor[1];
        Assert.Equal(1, tagged.Poll(d));
        Assert.False(d[0].VlanStripped);
        Assert.Equal(frame, tagged.GetFrame(d[0]).ToArray());
        tagged.Release(d[0]);
        AssertAllBuffersBack(nic);
    }

    [Fact]
    public void TheGeneratedDispatcherAndTheRuntimeEngineCarryTheSameTransmitAttributes()
    {
        var load = RuntimeDispatcher.Load(RulesText(), "spoof.vmdq");
        Assert.True(load.Succeeded, string.Join("\n", load.Diagnostics));
        var generated = Vmdq.Generated.SpoofDispatcher.Info.Pools;
        var runtime = load.Dispatcher!.Info.Pools;
        Assert.Equal(generated.Count, runtime.Count);
        for (int i = 0; i < generated.Count; i++)
        {
            var (g, r) = (generated[i], runtime[i]);
            Assert.Equal((g.Name, g.Index, g.AntiSpoof, g.VlanInsert, g.Priority), (r.Name, r.Index, r.AntiSpoof, r.VlanInsert, r.Priority));
            Assert.Equal(g.SourceMacs ?? [], r.SourceMacs ?? []);
            Assert.Equal(g.Vlans ?? [], r.Vlans ?? []);
        }

        PoolInfo Pool(string name) => generated.Single(p => p.Name == name);
        Assert.Equal(AntiSpoofChecks.Mac, Pool("web").AntiSpoof);
        Assert.Equal(new[] { Mac(1) }, Pool("web").SourceMacs);
        Assert.Equal(AntiSpoofChecks.Mac | AntiSpoofChecks.Vlan, Pool("db").AntiSpoof);
        Assert.Equal(new[] { 120 }, Pool("db").Vlans);
        Assert.Equal((AntiSpoofChecks.Mac, 150), (Pool("tagged").AntiSpoof, Pool("tagged").VlanInsert));
        Assert.Equal(new[] { 150 }, Pool("tagged").Vlans);
        Assert.Equal(AntiSpoofChecks.None, Pool("open").AntiSpoof);
        Assert.Equal(AntiSpoofChecks.None, Pool("host").AntiSpoof);
    }

    [Fact]
    public void OnTheRuntimeEngineAPoolsMacsFollowTheRulesItsVmAttachesWith()
    {
        var load = RuntimeDispatcher.Load("nic pools 8 queues 2 ring 64\npool fresh 5 antispoof mac\nvlan 150 -> fresh\n", "fresh.vmdq");
        Assert.True(load.Succeeded);
        Assert.Contains(load.Diagnostics, d => d.Id == "VMDQ0027");
        using var nic = new NicEmulator(load.Dispatcher!.Info);
        var host = nic.AttachVm("placeholder", 6);
        Assert.True(host.TryRentTxBuffer(out int early));
        Frame(Mac(9), Mac(5)).CopyTo(host.GetTxBuffer(early));
        Assert.Equal(0, nic.TransmitBurst(5, 0, new[] { new TxFrame(early, 64) }));   // no MAC of its own yet: refused
        nic.DetachVm("placeholder");

        var vm = nic.AttachVm("vm5", 5, "mac 52:54:00:00:00:05 -> fresh");
        Assert.Equal(1, vm.TransmitBurst(new[] { Rent(vm, Frame(Mac(9), Mac(5))), Rent(vm, Frame(Mac(9), Mac(6))) }));
        Assert.Equal(2, nic.Snapshot().Transmit.Queue(5, 0).Drops.MacSpoof);
        nic.DrainWire();
        Reap(vm);
        AssertAllBuffersBack(nic);
    }

    /// <summary>Records the measurements of <paramref name="instrumentName"/> of the NIC named <paramref name="nicName"/> (also used by ChannelSwitchingTests).</summary>
    internal static MeterListener Listen(string nicName, string instrumentName, ConcurrentQueue<(long, Dictionary<string, object?>)> recorded)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NicMetrics.MeterName && instrument.Name == instrumentName
                && instrument.Meter.Tags?.Any(t => t.Key == NicMetrics.NicTag && Equals(t.Value, nicName)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            recorded.Enqueue((value, dictionary));
        });
        listener.Start();
        return listener;
    }
}
