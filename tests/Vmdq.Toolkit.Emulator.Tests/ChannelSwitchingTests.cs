using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// The transmit side of S-channels (IEEE 802.1Qbg-2012 clause 40; docs/rules-language.md, "S-channels" point 7): each S-channel is a
/// port with its own edge relay. The untagged channel (pools a0, a1) is a VEB, channel blue (S-VID 10: b2, b3) a VEPA, channel mgmt
/// (S-VID 20: m4) one VSI; a1 and b2 share a MAC, and so do a0 and b3 (so the two channels can exchange the very same frames). The NIC is cabled to a <see cref="ReflectiveRelayBridge"/> throughout.
/// </summary>
public class ChannelSwitchingTests
{
    private const ulong A0 = 0x0200_0000_00A0, Shared = 0x0200_0000_0001, B3 = A0, M4 = 0x0200_0000_00E4;
    private const ulong Unknown = 0x0200_0000_0099, Broadcast = 0xFFFF_FFFF_FFFF;

    private const string Rules = """
        nic pools 8 queues 2 ring 64
        switch veb
        pool a0 0
        pool a1 1
        mac 02:00:00:00:00:a0 -> a0
        mac 02:00:00:00:00:01 -> a1

        channel blue svid 10 vepa
        pool b2 2
        pool b3 3
        mac 02:00:00:00:00:01 -> b2
        mac 02:00:00:00:00:a0 -> b3

        channel mgmt svid 20 vsi
        pool m4 4
        mac 02:00:00:00:00:e4 -> m4
        """;

    /// <summary>Keeps a copy of every frame that leaves on the wire (without FCS), then hands it on.</summary>
    private sealed class Tap : ITransmitSink
    {
        public List<byte[]> Frames { get; } = new();

        public List<int> WireBytes { get; } = new();

        public ITransmitSink? Next { get; set; }

        public void Deliver(in TransmittedFrame frame)
        {
            Frames.Add((frame.IncludesFcs ? frame.Data[..^4] : frame.Data).ToArray());
            WireBytes.Add(frame.WireBytes);
            Next?.Deliver(frame);
        }

        public void Flush() => Next?.Flush();
    }

    private sealed class Rig : IDisposable
    {
        public Rig(string rules = Rules, string? name = null)
        {
            var loaded = RuntimeDispatcher.Load(rules, "channels-tx.vmdq");
            Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
            Nic = new NicEmulator(loaded.Dispatcher!.Info, new NicOptions { Name = name });
            Onward = new Tap();
            Bridge = new ReflectiveRelayBridge(Nic, Onward);
            Wire = new Tap { Next = Bridge };
            Nic.WireSink = Wire;
            Vms = Enumerable.Range(0, 5).Select(p => Nic.AttachVm("vm" + p, p)).ToArray();
        }

        public NicEmulator Nic { get; }

        public Tap Wire { get; }

        public Tap Onward { get; }

        public ReflectiveRelayBridge Bridge { get; }

        public VmConsumer[] Vms { get; }

        /// <summary>Pool <paramref name="pool"/>'s VM sends the frames, the wire drains, completions are polled.</summary>
        public void Send(int pool, params byte[][] frames) => Assert.Equal(frames.Length, Post(pool, frames));

        /// <summary>As <see cref="Send"/>, returning how many of the frames were posted (the others were dropped on posting).</summary>
        public int Post(int pool, params byte[][] frames)
        {
            var vm = Vms[pool];
            var burst = new List<TxFrame>();
            foreach (var bytes in frames)
            {
                Assert.True(vm.TryRentTxBuffer(out int buffer));
                bytes.CopyTo(vm.GetTxBuffer(buffer));
                burst.Add(new TxFrame(buffer, bytes.Length));
            }

            int posted = vm.TransmitBurst(0, burst.ToArray());
            Nic.DrainWire();
            var done = new TxCompletion[64];
            while (vm.PollCompletions(done) > 0)
            {
            }

            return posted;
        }

        /// <summary>What each pool's VM read, as hex, released.</summary>
        public Dictionary<int, List<string>> Drain()
        {
            var got = new Dictionary<int, List<string>>();
            var burst = new RxDescriptor[64];
            foreach (var vm in Vms)
            {
                var list = got[vm.Pool] = new List<string>();
                int n;
                while ((n = vm.Poll(burst)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        list.Add(Convert.ToHexString(vm.GetFrame(burst[i])));
                    }

                    vm.Release(burst.AsSpan(0, n));
                }

                list.Sort(StringComparer.Ordinal);
            }

            return got;
        }

        /// <summary>The conservation invariant, both directions, every buffer back.</summary>
        public void AssertBalanced()
        {
            var s = Nic.Snapshot();
            Assert.True(s.IsBalanced, s.ToString());
            Assert.Equal(s.Buffers.Total, s.Buffers.Free);
        }

        public void Dispose() => Nic.Dispose();
    }

    private static byte[] Frame(ulong dst, ulong src, int marker, int length = 80)
    {
        var frame = new byte[length];
        BinaryPrimitives.WriteUInt64BigEndian(frame, dst << 16);
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(6), src << 16);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x88B5);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(14), marker);
        return frame;
    }

    /// <summary>The frame with an S-tag (TPID 0x88A8, PCP 0, DEI 0, <paramref name="svid"/>) after its source MAC.</summary>
    private static byte[] STagged(byte[] frame, int svid)
    {
        var tagged = new byte[frame.Length + 4];
        frame.AsSpan(0, 12).CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(12), 0x88A8);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(14), (ushort)svid);
        frame.AsSpan(12).CopyTo(tagged.AsSpan(16));
        return tagged;
    }

    private static string Hex(byte[] b) => Convert.ToHexString(b);

    [Fact]
    public void The_same_MAC_in_two_channels_never_crosses()
    {
        using var rig = new Rig();
        var fromA0 = Frame(Shared, A0, 1);
        var fromB3 = Frame(Shared, B3, 2);
        rig.Send(0, fromA0);
        rig.Send(3, fromB3);
        var got = rig.Drain();

        // a0 -> the MAC: a1 (its channel's station), switched locally (VEB). b3 -> the MAC: b2, by the blue channel's VEPA, via the
        // wire (S-tag 10) and back from the bridge, delivered without the S-tag.
        Assert.Equal([Hex(fromA0)], got[1]);
        Assert.Equal([Hex(fromB3)], got[2]);
        Assert.Empty(got[0]);
        Assert.Empty(got[3]);
        Assert.Empty(got[4]);
        Assert.Equal([Hex(STagged(fromB3, 10))], rig.Wire.Frames.Select(Hex));
        Assert.Equal(1, rig.Bridge.Reflected);
        rig.AssertBalanced();
    }

    [Fact]
    public void A_broadcast_floods_only_its_own_channels_pools()
    {
        using var rig = new Rig();
        var fromB3 = Frame(Broadcast, B3, 3);
        var fromA0 = Frame(Broadcast, A0, 4);
        rig.Send(3, fromB3);
        rig.Send(0, fromA0);
        var got = rig.Drain();

        // Blue (VEPA): out with S-tag 10, back and on from the bridge; b2 gets it, b3 (the sender) is filtered by source MAC.
        // Untagged (VEB): a1 gets it locally, and it leaves untagged; the bridge passes it on (no reflective relay on a VEB's port).
        Assert.Equal([Hex(fromB3)], got[2]);
        Assert.Equal([Hex(fromA0)], got[1]);
        Assert.Empty(got[0]);
        Assert.Empty(got[3]);
        Assert.Empty(got[4]);
        Assert.Equal([Hex(STagged(fromB3, 10)), Hex(fromA0)], rig.Wire.Frames.Select(Hex));
        Assert.Equal(1, rig.Bridge.Reflected);
        Assert.Equal(2, rig.Bridge.Forwarded);
        Assert.Equal([Hex(STagged(fromB3, 10)), Hex(fromA0)], rig.Onward.Frames.Select(Hex));
        rig.AssertBalanced();
    }

    [Fact]
    public void A_vepa_channel_beside_a_veb_channel_delivers_the_same_and_uses_the_wire_as_the_standard_says()
    {
        using var rig = new Rig();

        // The same exchange in each channel: a unicast each way between two stations, and a broadcast from one.
        var veb = new[] { (From: 0, Frame: Frame(Shared, A0, 10)), (From: 1, Frame: Frame(A0, Shared, 11)), (From: 0, Frame: Frame(Broadcast, A0, 12)) };
        var vepa = new[] { (From: 3, Frame: Frame(Shared, B3, 10)), (From: 2, Frame: Frame(B3, Shared, 11)), (From: 3, Frame: Frame(Broadcast, B3, 12)) };
        foreach (var (from, frame) in veb)
        {
            rig.Send(from, frame);
        }

        var vebGot = rig.Drain();
        int vebWire = rig.Wire.Frames.Count;
        long vebReflected = rig.Bridge.Reflected;
        foreach (var (from, frame) in vepa)
        {
            rig.Send(from, frame);
        }

        var vepaGot = rig.Drain();
        int vepaWire = rig.Wire.Frames.Count - vebWire;

        // Deliveries: the same frames to the receiving station of each channel (pool 1 <-> pool 2, pool 0 <-> pool 3).
        Assert.Equal(vebGot[1], vepaGot[2]);
        Assert.Equal(vebGot[0], vepaGot[3]);
        Assert.Equal(2, vebGot[1].Count);
        Assert.Single(vebGot[0]);

        // VEB: unicasts never touch the wire, the broadcast crosses it once. VEPA: every frame goes out, and the bridge reflects all
        // three (each unicast is for a local station; the broadcast comes back and goes on).
        Assert.Equal(1, vebWire);
        Assert.Equal(0, vebReflected);
        Assert.Equal(3, vepaWire);
        Assert.Equal(3, rig.Bridge.Reflected);
        Assert.All(rig.Wire.Frames.Skip(vebWire), f => Assert.Equal(0x88A8_000AU, BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(12))));
        rig.AssertBalanced();
    }

    [Fact]
    public void A_vsi_channel_sends_everything_to_the_wire_with_its_S_tag()
    {
        using var rig = new Rig();

        // To its own MAC (a VEB would discard it as ToSender), to a MAC the other channels know, a broadcast, an unknown unicast.
        var frames = new[] { Frame(M4, M4, 20), Frame(Shared, M4, 21), Frame(Broadcast, M4, 22), Frame(Unknown, M4, 23, length: 40) };
        rig.Send(4, frames);
        var got = rig.Drain();

        Assert.All(got.Values, list => Assert.Empty(list));
        Assert.Equal(frames.Select(f => Hex(STagged(f, 20))), rig.Wire.Frames.Select(Hex));

        // The S-tag costs wire time: 4 more bytes each (the 40-byte frame is padded to the minimum either way).
        Assert.Equal(frames.Select(f => EthernetWire.WireBytes(f.Length + 4, includesFcs: false)), rig.Wire.WireBytes);
        Assert.Equal(EthernetWire.WireBytes(44, includesFcs: false), EthernetWire.WireBytes(40, includesFcs: false));
        Assert.Equal(0, rig.Bridge.Reflected);
        Assert.Equal(4, rig.Bridge.Forwarded);
        var tx = rig.Nic.Snapshot().Transmit;
        Assert.Equal(0, tx.Drops.Total);
        Assert.Equal(4, tx.Transmitted);
        rig.AssertBalanced();
    }

    [Fact]
    public void Frames_from_the_wire_reach_a_declared_channels_pools_without_their_S_tag()
    {
        using var rig = new Rig();
        var plain = Frame(Shared, Unknown, 30);
        var blueBroadcast = Frame(Broadcast, Unknown, 31);
        Assert.Equal(2, rig.Nic.ReceiveBurst(new[] { plain, STagged(plain, 10), STagged(blueBroadcast, 10) }));   // frames enqueued
        var got = rig.Drain();

        // Untagged: a1, as it came. S-VID 10: b2 (its channel's rule), 4 bytes shorter: the frame as sent inside the channel. The
        // S-tagged broadcast: blue has no broadcast rule and no default pool, so it is dropped (never another channel's pools).
        Assert.Equal([Hex(plain)], got[1]);
        Assert.Equal([Hex(plain)], got[2]);
        Assert.Empty(got[0]);
        Assert.Empty(got[3]);
        Assert.Empty(got[4]);
        Assert.Equal(1, rig.Nic.Snapshot().Drops.RuleDrop);
        rig.AssertBalanced();
    }

    [Fact]
    public void A_broadcast_from_the_wire_reaches_every_replica_of_its_channel_without_the_S_tag()
    {
        // channels.vmdq (generated): storage (S-VID 10) replicates broadcasts to st-a (2) and st-b (3); the untagged channel's go to
        // host (0) and web (1). Each replica reads the frame as sent inside its channel, C-tag kept.
        using var nic = new NicEmulator(Vmdq.Generated.ChannelsDispatcher.Info);
        var vms = Enumerable.Range(0, 5).Select(p => nic.AttachVm("vm" + p, p)).ToArray();
        var inner = Frame(Broadcast, Unknown, 40);
        var cTagged = new byte[inner.Length + 4];
        inner.AsSpan(0, 12).CopyTo(cTagged);
        BinaryPrimitives.WriteUInt32BigEndian(cTagged.AsSpan(12), 0x8100_0064);
        inner.AsSpan(12).CopyTo(cTagged.AsSpan(16));
        Assert.Equal(4, nic.ReceiveBurst(new[] { STagged(cTagged, 10), inner }));

        var got = new Dictionary<int, List<string>>();
        var burst = new RxDescriptor[8];
        foreach (var vm in vms)
        {
            got[vm.Pool] = new List<string>();
            int n;
            while ((n = vm.Poll(burst)) > 0)
            {
                got[vm.Pool].AddRange(burst.Take(n).Select(d => Hex(vm.GetFrame(d).ToArray())));
                vm.Release(burst.AsSpan(0, n));
            }
        }

        Assert.Equal([Hex(inner)], got[0]);
        Assert.Equal([Hex(inner)], got[1]);
        Assert.Equal([Hex(cTagged)], got[2]);
        Assert.Equal([Hex(cTagged)], got[3]);
        Assert.Empty(got[4]);
        var snapshot = nic.Snapshot();
        Assert.True(snapshot.IsBalanced, snapshot.ToString());
        Assert.Equal(snapshot.Buffers.Total, snapshot.Buffers.Free);
    }

    [Theory]
    [InlineData("veb", 0, 1)]
    [InlineData("vepa", 1, 1)]
    public void The_bridge_reflects_only_for_a_VEPA_station(string mode, int reflected, int copies)
    {
        // Reflective relay is the bridge port's setting for a VEPA station; a VEB station's broadcast crosses the wire once and goes
        // on, its local copy made by the NIC itself (no second copy from a reflection).
        var loaded = RuntimeDispatcher.Load($"nic pools 4 queues 1 ring 64\nswitch {mode}\npool a 0\npool b 1\nmac 02:00:00:00:00:0a -> a\nmac 02:00:00:00:00:0b -> b\n", "bridge.vmdq");
        using var nic = new NicEmulator(loaded.Dispatcher!.Info);
        var onward = new Tap();
        var bridge = new ReflectiveRelayBridge(nic, onward);
        nic.WireSink = bridge;
        var a = nic.AttachVm("a", 0);
        var b = nic.AttachVm("b", 1);
        var frame = Frame(Broadcast, 0x0200_0000_000A, 50);
        Assert.True(a.TryRentTxBuffer(out int buffer));
        frame.CopyTo(a.GetTxBuffer(buffer));
        Assert.Equal(1, a.TransmitBurst(0, [new TxFrame(buffer, frame.Length)]));
        nic.DrainWire();
        var done = new TxCompletion[4];
        while (a.PollCompletions(done) > 0)
        {
        }

        var burst = new RxDescriptor[4];
        int n = b.Poll(burst);
        b.Release(burst.AsSpan(0, n));
        Assert.Equal(0, a.Poll(burst));
        Assert.Equal(copies, n);
        Assert.Equal(reflected, bridge.Reflected);
        Assert.Equal(1, bridge.Forwarded);
        Assert.Single(onward.Frames);
        var snapshot = nic.Snapshot();
        Assert.True(snapshot.IsBalanced, snapshot.ToString());
        Assert.Equal(snapshot.Buffers.Total, snapshot.Buffers.Free);
    }

    [Fact]
    public void An_untagged_channel_VM_that_writes_a_VEPA_channels_S_tag_is_dropped_on_posting_and_never_reaches_that_channel()
    {
        // The double-tag attack across S-channels: a0 (untagged channel, no S-tag pushed) writes blue's S-tag itself. Were it posted,
        // its broadcast would leave with S-VID 10 outermost, and the bridge, relaying reflectively on blue's port, would flood it to
        // b2 and b3 (and its unicast to the shared MAC would reach b2). The S-tag is the S-component's, never a VSI's: both dropped.
        string name = "stag-spoof-" + Guid.NewGuid().ToString("N");
        using var rig = new Rig(name: name);
        var events = new List<SpoofedFramesEventArgs>();
        rig.Nic.SpoofedFrames += (_, e) => events.Add(e);
        var drops = new ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = AntiSpoofAndVlanTagTests.Listen(name, NicMetrics.TxDrops, drops);

        var hopBroadcast = STagged(Frame(Broadcast, A0, 60), 10);
        var hopUnicast = STagged(Frame(Shared, A0, 61, length: 40), 10);
        var honest = Frame(Unknown, A0, 62);
        Assert.Equal(1, rig.Post(0, hopBroadcast, hopUnicast, honest));
        var got = rig.Drain();

        Assert.All(got.Values, list => Assert.Empty(list));
        Assert.Equal([Hex(honest)], rig.Wire.Frames.Select(Hex));
        Assert.Equal(0, rig.Bridge.Reflected);
        var snapshot = rig.Nic.Snapshot();
        Assert.Equal(new TxDropCounts(0, 0, 0, 0, sTagSpoof: 2), snapshot.Transmit.Queue(0, 0).Drops);
        Assert.Equal(2, snapshot.Transmit.Drops[TxDropReason.STagSpoof]);
        Assert.Equal((3L, 1L, 1L), (snapshot.Transmit.Offered, snapshot.Transmit.Posted, snapshot.Transmit.Transmitted));
        Assert.Equal(0, snapshot.Received);

        var e = Assert.Single(events);
        Assert.Equal(
            ("vm0", 0, "a0", 0, TxDropReason.STagSpoof, AntiSpoofChecks.None, 2L, A0, 10),
            (e.VmName, e.Pool, e.PoolName, e.Queue, e.Reason, e.Check, e.Frames, e.SourceMac, e.Vlan));
        Assert.Contains("S-tag anti-spoofing", e.ToString());
        Assert.Contains("S-VID 10", e.ToString());

        var metric = Assert.Single(drops);
        Assert.Equal(2, metric.Value);
        Assert.Equal("s_tag_spoof", metric.Tags[NicMetrics.ReasonTag]);
        Assert.Equal("a0", metric.Tags[NicMetrics.PoolTag]);
        Assert.Equal((object)0, metric.Tags[NicMetrics.QueueTag]);
        Assert.False(metric.Tags.ContainsKey(NicMetrics.CheckTag));
        rig.AssertBalanced();
    }

    [Fact]
    public void A_declared_channel_VM_that_writes_an_S_tag_is_dropped_too()
    {
        // b3 (blue, S-VID 10, VEPA) writes mgmt's S-tag, and blue's own: its S-component pushes S-VID 10 on its own; a tag the VM
        // wrote would sit under it, and the VM has no business writing one. Both dropped, the S-tag check before MAC anti-spoofing
        // (b3's source MAC is its own here; a frame that also fails the MAC check counts once, as an S-tag spoof).
        using var rig = new Rig();
        var events = new List<SpoofedFramesEventArgs>();
        rig.Nic.SpoofedFrames += (_, e) => events.Add(e);

        Assert.Equal(0, rig.Post(3, STagged(Frame(M4, B3, 70), 20), STagged(Frame(Shared, B3, 71), 10), STagged(Frame(Shared, Unknown, 72), 10)));
        var got = rig.Drain();

        Assert.All(got.Values, list => Assert.Empty(list));
        Assert.Empty(rig.Wire.Frames);
        var drops = rig.Nic.Snapshot().Transmit.Queue(3, 0).Drops;
        Assert.Equal(new TxDropCounts(0, 0, 0, 0, sTagSpoof: 3), drops);
        Assert.Equal(3, drops.Total);
        var e = Assert.Single(events);
        Assert.Equal((3, TxDropReason.STagSpoof, 3L, B3, 20), (e.Pool, e.Reason, e.Frames, e.SourceMac, e.Vlan));
        rig.AssertBalanced();
    }

    [Fact]
    public void Without_channel_statements_an_S_tag_a_VM_writes_means_nothing_and_the_frame_leaves_as_before()
    {
        // The same attack frame as above, in a file without channels: no S-channels, so no S-tag check; it leaves as the VM wrote it.
        const string plain = "nic pools 8 queues 2 ring 64\nswitch veb\npool a0 0\npool a1 1\nmac 02:00:00:00:00:a0 -> a0\nmac 02:00:00:00:00:01 -> a1\n";
        using var rig = new Rig(plain);
        var events = new List<SpoofedFramesEventArgs>();
        rig.Nic.SpoofedFrames += (_, e) => events.Add(e);
        var tagged = STagged(Frame(Unknown, A0, 80), 10);

        rig.Send(0, tagged);
        rig.Drain();

        Assert.Equal([Hex(tagged)], rig.Wire.Frames.Select(Hex));
        Assert.Empty(events);
        var tx = rig.Nic.Snapshot().Transmit;
        Assert.Equal((0L, 1L), (tx.Drops.Total, tx.Transmitted));
        rig.AssertBalanced();
    }

    [Fact]
    public void S_tag_spoofs_are_a_drop_reason_of_their_own_that_holds_no_completion()
    {
        var counts = new TxDropCounts(1, 0, 0, 0, macSpoof: 2, ruleDrop: 3, sTagSpoof: 4);

        // Refused on posting, like the other spoofs: in the total, not among the posted frames the switch dropped.
        Assert.Equal((4L, 10L, 3L), (counts[TxDropReason.STagSpoof], counts.Total, counts.Forwarding));
        Assert.Equal(9, TxDropCounts.ReasonCount);
        Assert.Equal(TxDropCounts.ReasonCount - 1, (int)TxDropReason.STagSpoof);
        Assert.Equal(8L, (counts + counts).STagSpoof);
        Assert.NotEqual(counts, new TxDropCounts(1, 0, 0, 0, macSpoof: 2, ruleDrop: 3));
        Assert.EndsWith("s-tag-spoof 4", counts.ToString(), StringComparison.Ordinal);
        Assert.Equal("s_tag_spoof", NicMetrics.ReasonName(TxDropReason.STagSpoof));

        // The event data: the reason says which check; the pool's checks' constructor keeps working and names its reason.
        var stag = new SpoofedFramesEventArgs(1, "a1", 0, null, TxDropReason.STagSpoof, 1, A0, 20);
        Assert.Equal((TxDropReason.STagSpoof, AntiSpoofChecks.None), (stag.Reason, stag.Check));
        Assert.Equal(TxDropReason.VlanSpoof, new SpoofedFramesEventArgs(1, "a1", 0, null, AntiSpoofChecks.Vlan, 1, A0, 20).Reason);
        Assert.Equal(AntiSpoofChecks.Mac, new SpoofedFramesEventArgs(1, "a1", 0, null, TxDropReason.MacSpoof, 1, A0, 20).Check);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpoofedFramesEventArgs(1, "a1", 0, null, TxDropReason.RuleDrop, 1, A0, 20));
        Assert.Equal(TxDropReason.MacSpoof, new SpoofedFramesEventArgs(1, "a1", 0, null, AntiSpoofChecks.Mac, 1, A0, 20).Reason);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpoofedFramesEventArgs(1, "a1", 0, null, AntiSpoofChecks.Mac | AntiSpoofChecks.Vlan, 1, A0, 20));
    }
}
