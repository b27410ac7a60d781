using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Vmdq.Rules.Model;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// The transmit side against its oracle: random rules files (pools with and without tenants, mac / mac+vlan / vlan / drop rules,
/// broadcast lists, <c>antispoof</c>, <c>vlan-insert</c>, <c>switch veb|vepa</c>) loaded with <see cref="RuntimeDispatcher.Load"/>,
/// random frames sent one at a time through a real <see cref="NicEmulator"/> on its simulated clock (VEPA with a
/// <see cref="ReflectiveRelayBridge"/>), and each frame's fate compared with <see cref="ReferenceSwitch"/>: which pools' RX rings
/// got it (queue and bytes, after any strip), what left on the wire (bytes, after any insert), what the bridge did, and the drop
/// reasons and counts.
/// </summary>
public class SwitchDifferentialTests
{
    private const int Pools = 8;
    private const int QueuesPerPool = 4;
    private const int FramesPerCase = 24;
    private const ushort MarkerEtherType = 0x88B5;

    /// <summary>A sink that keeps a copy of every frame that leaves, then hands it on.</summary>
    private sealed class Tap : ITransmitSink
    {
        public List<byte[]> Frames { get; } = new();

        public ITransmitSink? Next { get; set; }

        public void Deliver(in TransmittedFrame frame)
        {
            Frames.Add((frame.IncludesFcs ? frame.Data[..^4] : frame.Data).ToArray());
            Next?.Deliver(frame);
        }

        public void Flush() => Next?.Flush();
    }

    /// <summary>A random rules file and what the test generated it from (to pick frames that hit its rules).</summary>
    private sealed record Generated(string Text, List<int> PoolIndices, List<ulong> Macs, List<int> Vlans);

    private static string Mac(ulong m) => string.Join(":", Enumerable.Range(0, 6).Select(i => ((m >> (40 - (8 * i))) & 0xFF).ToString("x2", CultureInfo.InvariantCulture)));

    private static Generated RandomRules(Random rng, bool vepa, bool channels = false)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"nic pools {Pools} queues {QueuesPerPool} ring 256");
        if (vepa || rng.Next(2) == 0)
        {
            text.AppendLine(vepa ? "switch vepa" : "switch veb");
        }

        // Tenants: two with VLAN ranges, one without.
        text.AppendLine("tenant blue vlan 100-149");
        text.AppendLine("tenant red vlan 200-249");
        text.AppendLine("tenant grey vni 7000-7999");
        string[] tenantOf = ["blue", "red", "grey"];
        (int Lo, int Hi)?[] tenantRange = [(100, 149), (200, 249), null];

        var pools = Enumerable.Range(0, Pools).Where(_ => rng.Next(4) != 0).ToList();
        if (pools.Count < 2)
        {
            pools = [0, 1, 2];
        }

        var tenant = new Dictionary<int, int>();
        var poolLines = new Dictionary<int, string>();
        var macs = new List<ulong>();
        var vlans = new List<int> { 100, 130, 200, 230, 300, 310 };
        foreach (int p in pools)
        {
            var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"pool p{p} {p}");
            int t = rng.Next(5);
            if (t < 3)
            {
                tenant[p] = t;
                line.Append(CultureInfo.InvariantCulture, $" tenant {tenantOf[t]}");
            }

            if (rng.Next(3) == 0)
            {
                line.Append(CultureInfo.InvariantCulture, $" queues {1 + rng.Next(2)}-3");
                if (rng.Next(2) == 0)
                {
                    line.Append(" rss");
                }
            }

            if (rng.Next(3) == 0)
            {
                line.Append(CultureInfo.InvariantCulture, $" priority {rng.Next(8)}");
            }

            switch (rng.Next(6))
            {
                case 0: line.Append(" antispoof none"); break;
                case 1: line.Append(" antispoof mac"); break;
                case 2: line.Append(" antispoof vlan"); break;
                case 3: line.Append(" antispoof mac,vlan"); break;
            }

            if (rng.Next(4) == 0)
            {
                // Inside the pool's tenant range, or (no tenant range) a VLAN of no tenant.
                int v = tenant.TryGetValue(p, out int tt) && tenantRange[tt] is { } r ? r.Lo + rng.Next(r.Hi - r.Lo + 1) : 300 + rng.Next(20);
                vlans.Add(v);
                line.Append(CultureInfo.InvariantCulture, $" vlan-insert {v}");
            }

            poolLines[p] = line.ToString();
        }

        int VlanFor(int p)
        {
            if (tenant.TryGetValue(p, out int t) && tenantRange[t] is { } r)
            {
                return r.Lo + rng.Next(r.Hi - r.Lo + 1);
            }

            return 300 + rng.Next(20);
        }

        // S-channels (IEEE 802.1Qbg multichannel): the pools split into the untagged channel (pool 0 always, as the untagged
        // channel's default) and one or two declared ones, S-VIDs among those RandomFrame writes now and then; a channel with one
        // pool is now and then a vsi channel.
        var sections = new List<List<int>> { new() };
        if (channels)
        {
            int declared = 1 + rng.Next(2);
            for (int c = 0; c < declared; c++)
            {
                sections.Add(new List<int>());
            }

            foreach (int p in pools)
            {
                sections[p == 0 ? 0 : rng.Next(sections.Count)].Add(p);
            }

            sections = sections.Where((list, i) => i == 0 || list.Count > 0).ToList();
        }
        else
        {
            sections[0].AddRange(pools);
        }

        var usedMac = new HashSet<ulong>();
        var usedMacVlan = new HashSet<(ulong, int)>();
        var usedVlan = new HashSet<int>();
        var svids = new[] { 10, 11, 12 }.OrderBy(_ => rng.Next()).ToList();
        for (int section = 0; section < sections.Count; section++)
        {
            var members = sections[section];
            if (section > 0)
            {
                string mode = members.Count == 1 && rng.Next(2) == 0 ? "vsi" : rng.Next(2) == 0 ? "vepa" : "veb";
                text.AppendLine(CultureInfo.InvariantCulture, $"channel c{section} svid {svids[section - 1]} {mode}");

                // Each channel is a port of its own: the same MAC, match or VLAN may appear again with other targets.
                usedMac.Clear();
                usedMacVlan.Clear();
                usedVlan.Clear();
            }

            foreach (int p in members)
            {
                text.AppendLine(poolLines[p]);
            }

            if (members.Count > 0)
            {
                SectionRules(members, reuse: section > 0 ? macs.ToList() : null);
            }
        }

        void SectionRules(List<int> pools, List<ulong>? reuse)
        {
            // Most MACs belong to one pool (several rules may give it to that pool: mac, and mac+vlan); now and then a mac+vlan
            // rule gives another pool's MAC to a pool on another VLAN (two stations, one address: VEPA's source filter must cope).
            int rules = 3 + rng.Next(10);
            for (int i = 0; i < rules; i++)
            {
                int p = pools[rng.Next(pools.Count)];
                string target = rng.Next(8) == 0 ? "drop" : rng.Next(4) == 0 ? $"p{p}:{rng.Next(QueuesPerPool)}" : $"p{p}";
                ulong mac = 0x0200_0000_0000UL | ((ulong)(target == "drop" ? 0xdd : p) << 8) | (uint)rng.Next(4);
                if (reuse is { Count: > 0 } && rng.Next(3) == 0)
                {
                    mac = reuse[rng.Next(reuse.Count)];   // another channel's MAC, here with a target of this channel
                }

                switch (rng.Next(3))
                {
                    case 0 when usedMac.Add(mac):
                        macs.Add(mac);
                        text.AppendLine(CultureInfo.InvariantCulture, $"mac {Mac(mac)} -> {target}");
                        break;
                    case 1:
                        if (target != "drop" && rng.Next(4) == 0)
                        {
                            mac = (mac & ~0xFF00UL) | ((ulong)pools[rng.Next(pools.Count)] << 8);
                        }

                        int v = VlanFor(p);
                        if (usedMacVlan.Add((mac, v)))
                        {
                            macs.Add(mac);
                            vlans.Add(v);
                            text.AppendLine(CultureInfo.InvariantCulture, $"mac {Mac(mac)} vlan {v} -> {target}");
                        }

                        break;
                    case 2:
                        int w = VlanFor(p);
                        if (usedVlan.Add(w))
                        {
                            vlans.Add(w);
                            text.AppendLine(CultureInfo.InvariantCulture, $"vlan {w} -> {target}");
                        }

                        break;
                }
            }

            if (rng.Next(2) == 0)
            {
                var listed = pools.Where(_ => rng.Next(2) == 0).DefaultIfEmpty(pools[0]).Select(p => "p" + p.ToString(CultureInfo.InvariantCulture));
                text.AppendLine(CultureInfo.InvariantCulture, $"broadcast -> {string.Join(", ", listed)}");
            }
        }

        return new Generated(text.ToString(), pools, macs, vlans);
    }

    /// <summary>A random frame a VM of <paramref name="sender"/> writes, carrying <paramref name="marker"/> in its last 4 bytes.</summary>
    private static byte[] RandomFrame(Random rng, Generated g, ReferenceSwitch reference, int sender, int marker)
    {
        var own = reference.OwnMacs(sender).ToList();
        ulong dst = rng.Next(6) switch
        {
            0 or 1 when g.Macs.Count > 0 => g.Macs[rng.Next(g.Macs.Count)],
            2 => 0xFFFF_FFFF_FFFFUL,
            3 => 0x0100_5E00_0001UL + (uint)rng.Next(3),
            4 when own.Count > 0 => own[rng.Next(own.Count)],
            _ => 0x0200_00AA_0000UL | (uint)rng.Next(4),
        };
        ulong src = rng.Next(4) switch
        {
            0 or 1 when own.Count > 0 => own[rng.Next(own.Count)],
            2 when g.Macs.Count > 0 => g.Macs[rng.Next(g.Macs.Count)],
            _ => 0x0200_00BB_0000UL | (uint)rng.Next(4),
        };
        int? stag = rng.Next(8) == 0 ? 10 + rng.Next(3) : null;   // now and then an outer S-tag (802.1ad) before the C-tag, if any: with channels, an S-tag spoof
        int? tci = rng.Next(5) switch
        {
            0 or 1 => g.Vlans[rng.Next(g.Vlans.Count)] | (rng.Next(8) << 13),
            2 => 4000 + rng.Next(3),
            3 => rng.Next(8) << 13,   // priority-tagged: VID 0
            _ => null,
        };

        int length = rng.Next(6) == 0 ? 26 + rng.Next(34) : 64 + rng.Next(64);   // now and then shorter than the wire's minimum
        var frame = new byte[length];
        BinaryPrimitives.WriteUInt64BigEndian(frame, dst << 16);
        var srcBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(srcBytes, src << 16);
        srcBytes.AsSpan(0, 6).CopyTo(frame.AsSpan(6));
        int at = 12;
        if (stag is { } s)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), 0x88A8);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at + 2), (ushort)s);
            at += 4;
        }

        if (tci is { } t)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), 0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at + 2), (ushort)t);
            at += 4;
        }

        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), MarkerEtherType);
        for (int i = at + 2; i < length - 4; i++)
        {
            frame[i] = (byte)(marker + i);
        }

        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(length - 4), marker);
        return frame;
    }

    /// <summary>What each frame did, for the mutation checks: counts by outcome over a whole run.</summary>
    private sealed record Tally(int Cases, int Frames, Dictionary<string, int> Outcomes);

    private static Tally RunCases(bool vepa, int seed, int cases, bool batched = false, bool channels = false)
    {
        var rng = new Random(seed);
        var outcomes = new Dictionary<string, int>();
        int ran = 0, rejected = 0, frames = 0;
        while (ran < cases)
        {
            var g = RandomRules(rng, vepa, channels);
            var loaded = RuntimeDispatcher.Load(g.Text, "random.vmdq");
            var reference = ReferenceSwitch.FromText("random.vmdq", g.Text);
            Assert.Equal(loaded.Succeeded, reference is not null);
            if (!loaded.Succeeded)
            {
                rejected++;
                Assert.True(rejected < cases, "Too many random rules files have errors: " + string.Join("; ", loaded.Diagnostics.Select(d => d.ToString())) + "\n" + g.Text);
                continue;
            }

            ran++;
            frames += batched
                ? RunBatchedCase(rng, g, loaded.Dispatcher!.Info, reference!, ran, outcomes)
                : RunCase(rng, g, loaded.Dispatcher!.Info, reference!, ran, outcomes);
        }

        return new Tally(ran, frames, outcomes);
    }

    private static int RunCase(Random rng, Generated g, DispatcherInfo info, ReferenceSwitch reference, int caseNumber, Dictionary<string, int> outcomes)
    {
        using var nic = new NicEmulator(info);
        var wire = new Tap();
        var onward = new Tap();
        ReflectiveRelayBridge? bridge = null;
        Assert.Equal(reference.IsVepa ? SwitchMode.Vepa : SwitchMode.Veb, nic.Switching);
        if (reference.UsesBridge)
        {
            bridge = new ReflectiveRelayBridge(nic, onward);
            wire.Next = bridge;
        }

        nic.WireSink = wire;
        var vms = g.PoolIndices.ToDictionary(p => p, p => nic.AttachVm("vm" + p.ToString(CultureInfo.InvariantCulture), p));
        var spoofEvents = new List<SpoofedFramesEventArgs>();
        nic.SpoofedFrames += (_, e) => spoofEvents.Add(e);

        for (int i = 0; i < FramesPerCase; i++)
        {
            int sender = g.PoolIndices[rng.Next(g.PoolIndices.Count)];
            int marker = (caseNumber * 1000) + i;
            byte[] frame = RandomFrame(rng, g, reference, sender, marker);
            if (rng.Next(40) == 0)
            {
                frame = frame[..rng.Next(14)];   // a runt: refused on posting
            }

            var expected = reference.Transmit(sender, frame);
            string where = $"case {caseNumber} frame {i}: pool {sender} sends {Convert.ToHexString(frame.AsSpan(0, Math.Min(18, frame.Length)))}...\n{g.Text}";
            string key = Label(reference, sender);
            key += expected.Outcome + (expected.Deliveries.Count > 0 ? ".local" : string.Empty) + (expected.Wire is not null ? ".wire" : string.Empty)
                + (expected.Deliveries.Any(d => d.StrippedTci is not null) ? ".strip" : string.Empty) + (expected.ReflectedDrop ? ".reflected-drop" : string.Empty)
                + (expected.Reflected && reference.HasChannels ? ".reflected" : string.Empty);
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;

            var before = nic.Snapshot();
            long reflectedBefore = bridge?.Reflected ?? 0, forwardedBefore = bridge?.Forwarded ?? 0;
            wire.Frames.Clear();
            onward.Frames.Clear();
            spoofEvents.Clear();

            var vm = vms[sender];
            Assert.True(vm.TryRentTxBuffer(out int buffer), where);
            frame.CopyTo(vm.GetTxBuffer(buffer));

            // Now and then the VM posts the frame with an FCS (not checked; the NIC strips it and appends its own on the wire).
            bool withFcs = rng.Next(6) == 0;
            vm.GetTxBuffer(buffer).Slice(frame.Length, 4).Fill(0xFC);
            int posted = vm.TransmitBurst(0, [new TxFrame(buffer, frame.Length + (withFcs ? 4 : 0), withFcs)]);
            nic.DrainWire();
            var completions = new TxCompletion[4];
            while (vm.PollCompletions(completions) > 0)
            {
            }

            // Deliveries: every VM's ring, in pool order.
            var got = new List<(int Pool, int Queue, byte[] Bytes, int? Tci)>();
            var burst = new RxDescriptor[16];
            foreach (var (pool, consumer) in vms.OrderBy(kv => kv.Key))
            {
                int n;
                while ((n = consumer.Poll(burst)) > 0)
                {
                    for (int k = 0; k < n; k++)
                    {
                        var d = burst[k];
                        got.Add((d.Pool, d.Queue, consumer.GetFrame(d).ToArray(), d.VlanStripped ? d.VlanTag : null));
                    }

                    consumer.Release(burst.AsSpan(0, n));
                }
            }

            var after = nic.Snapshot();

            // Where it went, the queue, and the bytes each VM reads (a stripped tag's TCI with them).
            Assert.True(
                expected.Deliveries.Select(d => (d.Pool, d.Queue, Convert.ToHexString(d.Bytes), d.StrippedTci))
                    .SequenceEqual(got.Select(d => (d.Pool, d.Queue, Convert.ToHexString(d.Bytes), d.Tci))),
                $"deliveries: expected [{string.Join(", ", expected.Deliveries.Select(d => $"{d.Pool}:{d.Queue} tci={d.StrippedTci}"))}], "
                + $"got [{string.Join(", ", got.Select(d => $"{d.Pool}:{d.Queue} tci={d.Tci}"))}]; {where}");
            Assert.Equal(expected.Deliveries.Count, after.Enqueued - before.Enqueued);

            // The wire: the frame with any inserted tag, once, or nothing.
            Assert.True(
                (expected.Wire is null ? [] : new[] { Convert.ToHexString(expected.Wire) }).SequenceEqual(wire.Frames.Select(Convert.ToHexString)),
                $"wire: expected {(expected.Wire is null ? "nothing" : "the frame")}, got {wire.Frames.Count}; {where}");

            // Transmit drops by reason, and what was posted.
            var tx = after.Transmit.Drops;
            var tx0 = before.Transmit.Drops;
            Assert.Equal(expected.Outcome is ReferenceTxOutcome.MacSpoof or ReferenceTxOutcome.VlanSpoof or ReferenceTxOutcome.STagSpoof or ReferenceTxOutcome.Runt ? 0 : 1, posted);
            Assert.Equal(expected.Outcome == ReferenceTxOutcome.Runt ? 1 : 0, tx.Runt - tx0.Runt);
            Assert.Equal(
                (expected.Outcome == ReferenceTxOutcome.MacSpoof ? 1 : 0, expected.Outcome == ReferenceTxOutcome.VlanSpoof ? 1 : 0,
                 expected.Outcome == ReferenceTxOutcome.RuleDrop ? 1 : 0, expected.Outcome == ReferenceTxOutcome.ToSender ? 1 : 0,
                 expected.Outcome == ReferenceTxOutcome.STagSpoof ? 1 : 0),
                (tx.MacSpoof - tx0.MacSpoof, tx.VlanSpoof - tx0.VlanSpoof, tx.RuleDrop - tx0.RuleDrop, tx.ToSender - tx0.ToSender, tx.STagSpoof - tx0.STagSpoof));
            Assert.Equal(expected.Outcome == ReferenceTxOutcome.Sent ? 0 : 1, tx.Total - tx0.Total);
            if (expected.Outcome is ReferenceTxOutcome.MacSpoof or ReferenceTxOutcome.VlanSpoof or ReferenceTxOutcome.STagSpoof)
            {
                var e = Assert.Single(spoofEvents);
                var (check, reason) = expected.Outcome switch
                {
                    ReferenceTxOutcome.MacSpoof => (AntiSpoofChecks.Mac, TxDropReason.MacSpoof),
                    ReferenceTxOutcome.VlanSpoof => (AntiSpoofChecks.Vlan, TxDropReason.VlanSpoof),
                    _ => (AntiSpoofChecks.None, TxDropReason.STagSpoof),
                };
                Assert.Equal((sender, check, reason, 1L), (e.Pool, e.Check, e.Reason, e.Frames));
            }
            else
            {
                Assert.Empty(spoofEvents);
            }

            // VEPA: the bridge's reflection and onward hand-off, and the station's filter.
            if (bridge is not null)
            {
                Assert.Equal(expected.Reflected ? 1 : 0, bridge.Reflected - reflectedBefore);
                Assert.Equal(expected.Onward ? 1 : 0, bridge.Forwarded - forwardedBefore);
                Assert.Equal(expected.Onward ? 1 : 0, onward.Frames.Count);
                Assert.Equal(expected.ReflectedDrop ? 1 : 0, after.Drops.Reflected - before.Drops.Reflected);
                Assert.Equal(expected.ReflectedRuleDrop ? 1 : 0, after.Drops.RuleDrop - before.Drops.RuleDrop);
                Assert.Equal((expected.ReflectedDrop ? 1 : 0) + (expected.ReflectedRuleDrop ? 1 : 0), after.Drops.Total - before.Drops.Total);
            }
            else
            {
                Assert.Equal(0, after.Received - before.Received);
                Assert.Equal(after.Drops.Total, before.Drops.Total);
            }
        }

        var end = nic.Snapshot();
        Assert.True(end.IsBalanced, end.ToString());
        Assert.Equal(end.Buffers.Total, end.Buffers.Free);
        return FramesPerCase;
    }

    /// <summary>
    /// A whole case's frames posted from their VMs (one burst each) before the wire runs once, the rings read after: the same
    /// fates as frame by frame, with buffers shared between frames in flight, local copies and reflections all at once.
    /// Compared as multisets (the scheduler interleaves the TX queues).
    /// </summary>
    private static int RunBatchedCase(Random rng, Generated g, DispatcherInfo info, ReferenceSwitch reference, int caseNumber, Dictionary<string, int> outcomes)
    {
        using var nic = new NicEmulator(info);
        var wire = new Tap();
        var onward = new Tap();
        ReflectiveRelayBridge? bridge = reference.UsesBridge ? new ReflectiveRelayBridge(nic, onward) : null;
        wire.Next = bridge;
        nic.WireSink = wire;
        var vms = g.PoolIndices.ToDictionary(p => p, p => nic.AttachVm("vm" + p.ToString(CultureInfo.InvariantCulture), p));

        var expectedDeliveries = new List<string>();
        var expectedWire = new List<string>();
        var expectedOnward = new List<string>();
        var expectedOutcomes = new Dictionary<ReferenceTxOutcome, int>();
        int expectedReflected = 0, expectedReflectedDrops = 0, expectedReflectedRuleDrops = 0, posted = 0, expectedPosted = 0;
        for (int i = 0; i < FramesPerCase; i++)
        {
            int sender = g.PoolIndices[rng.Next(g.PoolIndices.Count)];
            byte[] frame = RandomFrame(rng, g, reference, sender, (caseNumber * 1000) + i);
            var expected = reference.Transmit(sender, frame);
            string key = Label(reference, sender) + "batched." + expected.Outcome;
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            expectedDeliveries.AddRange(expected.Deliveries.Select(d => $"{d.Pool}:{d.Queue} {d.StrippedTci} {Convert.ToHexString(d.Bytes)}"));
            if (expected.Wire is { } w)
            {
                expectedWire.Add(Convert.ToHexString(w));
                if (expected.Onward)
                {
                    expectedOnward.Add(Convert.ToHexString(w));
                }
            }

            expectedOutcomes[expected.Outcome] = expectedOutcomes.GetValueOrDefault(expected.Outcome) + 1;
            expectedReflected += expected.Reflected ? 1 : 0;
            expectedReflectedDrops += expected.ReflectedDrop ? 1 : 0;
            expectedReflectedRuleDrops += expected.ReflectedRuleDrop ? 1 : 0;
            expectedPosted += expected.Outcome is ReferenceTxOutcome.MacSpoof or ReferenceTxOutcome.VlanSpoof or ReferenceTxOutcome.STagSpoof ? 0 : 1;

            var vm = vms[sender];
            Assert.True(vm.TryRentTxBuffer(out int buffer));
            frame.CopyTo(vm.GetTxBuffer(buffer));
            posted += vm.TransmitBurst(0, [new TxFrame(buffer, frame.Length)]);
        }

        nic.DrainWire();
        foreach (var vm in vms.Values)
        {
            var completions = new TxCompletion[64];
            while (vm.PollCompletions(completions) > 0)
            {
            }
        }

        // Read every ring while holding every descriptor (so no buffer is reused before all are read), then release.
        var got = new List<string>();
        var held = new List<(VmConsumer Vm, RxDescriptor D)>();
        foreach (var consumer in vms.Values)
        {
            var burst = new RxDescriptor[64];
            int n;
            while ((n = consumer.Poll(burst)) > 0)
            {
                for (int k = 0; k < n; k++)
                {
                    var d = burst[k];
                    got.Add($"{d.Pool}:{d.Queue} {(d.VlanStripped ? d.VlanTag : null)} {Convert.ToHexString(consumer.GetFrame(d))}");
                    held.Add((consumer, d));
                }
            }
        }

        foreach (var (consumer, d) in held)
        {
            consumer.Release(d);
        }

        string where = $"case {caseNumber} (batched)\n{g.Text}";
        expectedDeliveries.Sort(StringComparer.Ordinal);
        got.Sort(StringComparer.Ordinal);
        Assert.True(expectedDeliveries.SequenceEqual(got), $"deliveries differ: expected {expectedDeliveries.Count}, got {got.Count}; {where}");
        expectedWire.Sort(StringComparer.Ordinal);
        Assert.True(expectedWire.SequenceEqual(wire.Frames.Select(Convert.ToHexString).Order(StringComparer.Ordinal)), $"wire differs; {where}");
        expectedOnward.Sort(StringComparer.Ordinal);
        Assert.True(expectedOnward.SequenceEqual(onward.Frames.Select(Convert.ToHexString).Order(StringComparer.Ordinal)), $"onward differs; {where}");

        var end = nic.Snapshot();
        var tx = end.Transmit.Drops;
        Assert.Equal(expectedPosted, posted);
        Assert.Equal(
            (expectedOutcomes.GetValueOrDefault(ReferenceTxOutcome.MacSpoof), expectedOutcomes.GetValueOrDefault(ReferenceTxOutcome.VlanSpoof),
             expectedOutcomes.GetValueOrDefault(ReferenceTxOutcome.RuleDrop), expectedOutcomes.GetValueOrDefault(ReferenceTxOutcome.ToSender),
             expectedOutcomes.GetValueOrDefault(ReferenceTxOutcome.STagSpoof)),
            ((int)tx.MacSpoof, (int)tx.VlanSpoof, (int)tx.RuleDrop, (int)tx.ToSender, (int)tx.STagSpoof));
        Assert.Equal(expectedReflected, (int)(bridge?.Reflected ?? 0));
        Assert.Equal(expectedReflectedDrops, (int)end.Drops.Reflected);
        Assert.Equal(expectedReflectedRuleDrops, (int)end.Drops.RuleDrop);
        Assert.Equal(expectedReflectedDrops + expectedReflectedRuleDrops, (int)end.Drops.Total);
        Assert.True(end.IsBalanced, end.ToString());
        Assert.Equal(end.Buffers.Total, end.Buffers.Free);
        return FramesPerCase;
    }

    /// <summary>The outcome key's prefix: the sender's edge relay ("veb.", "vepa."; with S-channels "untagged-veb.", "ch-vsi.", ...).</summary>
    private static string Label(ReferenceSwitch reference, int sender)
    {
        if (!reference.HasChannels)
        {
            return reference.IsVepa ? "vepa." : "veb.";
        }

        int channel = reference.ChannelOf(sender);
        return (channel == 0 ? "untagged-" : "ch-") + reference.ModeOf(channel).ToString().ToLowerInvariant() + ".";
    }

    private static void AssertCovers(Tally tally, params string[] keys)
    {
        foreach (string key in keys)
        {
            Assert.True(tally.Outcomes.GetValueOrDefault(key) > 0, $"No frame had outcome {key}: " + string.Join(", ", tally.Outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")));
        }
    }

    /// <summary>The rules of a checked-in file as <see cref="RandomFrame"/> draws from them.</summary>
    private static Generated FromFile(string name)
    {
        string text = RulesFiles.Read(name);
        var reference = ReferenceSwitch.FromText(name, text)!;
        var rules = reference.Rules;
        var macs = rules.Rules.Where(r => r.Kind is MatchKind.Mac or MatchKind.MacVlan).Select(r => r.Mac).Distinct().ToList();
        var vlans = rules.Rules.Where(r => r.Kind is MatchKind.Vlan or MatchKind.MacVlan).Select(r => (int)r.Id)
            .Concat(rules.Pools.Where(p => p.VlanInsert > 0).Select(p => p.VlanInsert)).Concat([120, 199, 250]).Distinct().ToList();
        return new Generated(text, rules.Pools.Select(p => p.Index).ToList(), macs, vlans);
    }

    [Theory]
    [InlineData("switch.vmdq", 1221)]
    [InlineData("spoof.vmdq", 1222)]
    [InlineData("channels.vmdq", 1223)]
    public void A_generated_dispatcher_matches_the_reference_switch_frame_by_frame(string file, int seed)
    {
        DispatcherInfo info = file switch
        {
            "switch.vmdq" => Vmdq.Generated.SwitchDispatcher.Info,
            "spoof.vmdq" => Vmdq.Generated.SpoofDispatcher.Info,
            _ => Vmdq.Generated.ChannelsDispatcher.Info,
        };
        var g = FromFile(file);
        var reference = ReferenceSwitch.FromText(file, g.Text)!;
        var rng = new Random(seed);
        var outcomes = new Dictionary<string, int>();
        int frames = 0;
        for (int c = 1; c <= 20; c++)
        {
            frames += RunCase(rng, g, info, reference, c, outcomes);
        }

        Assert.Equal(20 * FramesPerCase, frames);
        var tally = new Tally(20, frames, outcomes);
        if (file == "channels.vmdq")
        {
            // The untagged channel and storage are VEBs, bmc one VSI (its frames all go to the wire with S-tag 20).
            AssertCovers(tally, "untagged-veb.Sent.local", "untagged-veb.Sent.wire", "ch-veb.Sent.local", "ch-veb.Sent.local.wire", "ch-veb.Sent.wire", "ch-vsi.Sent.wire", "ch-vsi.RuleDrop");
            AssertCovers(tally, "untagged-veb.STagSpoof", "ch-veb.STagSpoof");
            return;
        }

        AssertCovers(tally, "veb.Sent.local", "veb.Sent.local.wire", "veb.Sent.wire", "veb.ToSender", "veb.MacSpoof");
        AssertCovers(tally, file == "switch.vmdq" ? ["veb.RuleDrop"] : ["veb.VlanSpoof", "veb.Sent.local.strip", "veb.Sent.local.wire.strip"]);
    }

    [Theory]
    [InlineData(1201)]
    [InlineData(1202)]
    public void Veb_matches_the_reference_switch_frame_by_frame(int seed)
    {
        var tally = RunCases(vepa: false, seed, cases: 80);
        Assert.Equal(80 * FramesPerCase, tally.Frames);
        AssertCovers(tally, "veb.Sent.local", "veb.Sent.local.wire", "veb.Sent.wire", "veb.MacSpoof", "veb.VlanSpoof", "veb.RuleDrop", "veb.ToSender", "veb.Sent.local.strip", "veb.Runt");
    }

    [Theory]
    [InlineData(false, 1231)]
    [InlineData(true, 1232)]
    public void Frames_posted_together_and_switched_in_one_wire_run_match_the_reference(bool vepa, int seed)
    {
        var tally = RunCases(vepa, seed, cases: 60, batched: true);
        Assert.Equal(60 * FramesPerCase, tally.Frames);
        string mode = vepa ? "vepa" : "veb";
        AssertCovers(tally, $"{mode}.batched.Sent", $"{mode}.batched.MacSpoof", $"{mode}.batched.VlanSpoof", $"{mode}.batched.RuleDrop");
    }

    [Theory]
    [InlineData(1211)]
    [InlineData(1212)]
    public void Vepa_matches_the_reference_switch_frame_by_frame(int seed)
    {
        var tally = RunCases(vepa: true, seed, cases: 80);
        Assert.Equal(80 * FramesPerCase, tally.Frames);
        AssertCovers(tally, "vepa.Sent.local.wire", "vepa.Sent.wire", "vepa.Sent.wire.reflected-drop", "vepa.MacSpoof", "vepa.VlanSpoof", "vepa.RuleDrop", "vepa.Sent.local.wire.strip", "vepa.Runt");
    }

    [Theory]
    [InlineData(false, 1241)]
    [InlineData(true, 1242)]
    public void S_channels_match_the_reference_switch_frame_by_frame(bool vepa, int seed)
    {
        // Random files with one or two declared S-channels (veb, vepa or vsi) beside the untagged one (veb or vepa): deliveries,
        // wire frames with their S-tags, the bridge's reflections per channel, drops by reason and the balance, frame by frame.
        var tally = RunCases(vepa, seed, cases: 80, channels: true);
        Assert.Equal(80 * FramesPerCase, tally.Frames);
        string untagged = vepa ? "untagged-vepa" : "untagged-veb";
        AssertCovers(tally, $"{untagged}.Sent.wire", "ch-veb.Sent.local", "ch-veb.Sent.local.wire", "ch-veb.Sent.wire", "ch-veb.ToSender", "ch-veb.RuleDrop");
        AssertCovers(tally, "ch-vepa.Sent.local.wire.reflected", "ch-vepa.Sent.wire.reflected-drop.reflected", "ch-vepa.Sent.wire", "ch-vsi.Sent.wire");
        AssertCovers(tally, $"{untagged}.STagSpoof", "ch-veb.STagSpoof", "ch-vepa.STagSpoof");
    }

    [Theory]
    [InlineData(false, 1251)]
    [InlineData(true, 1252)]
    public void S_channel_frames_posted_together_match_the_reference(bool vepa, int seed)
    {
        var tally = RunCases(vepa, seed, cases: 60, batched: true, channels: true);
        Assert.Equal(60 * FramesPerCase, tally.Frames);
        AssertCovers(tally, "ch-veb.batched.Sent", "ch-vepa.batched.Sent", "ch-vsi.batched.Sent", "ch-veb.batched.STagSpoof");
    }
}
