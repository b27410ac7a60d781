using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Reference;

/// <summary>What the NIC does with one frame a pool transmits (docs/rules-language.md, "Switching" and "Transmit: ...").</summary>
internal enum ReferenceTxOutcome
{
    /// <summary>Not dropped on transmit: it went to local pools, to the uplink, or both.</summary>
    Sent,

    /// <summary>Refused on posting: shorter than an Ethernet header, 14 bytes (<c>TxDropReason.Runt</c>).</summary>
    Runt,

    /// <summary>Refused on posting by MAC anti-spoofing (<c>TxDropReason.MacSpoof</c>).</summary>
    MacSpoof,

    /// <summary>Refused on posting by VLAN anti-spoofing (<c>TxDropReason.VlanSpoof</c>).</summary>
    VlanSpoof,

    /// <summary>The L2 lookup said <c>drop</c> (<c>TxDropReason.RuleDrop</c>), in either mode.</summary>
    RuleDrop,

    /// <summary>VEB: a unicast frame addressed to the pool that sent it (<c>TxDropReason.ToSender</c>).</summary>
    ToSender,

    /// <summary>Refused on posting: the VM wrote an S-tag (TPID 0x88A8) outermost in a file with channels (<c>TxDropReason.STagSpoof</c>).</summary>
    STagSpoof,
}

/// <summary>One copy a local pool receives: the pool, the RX queue, and the frame's bytes as the pool's VM reads them.</summary>
/// <param name="Pool">The receiving pool.</param>
/// <param name="Queue">The queue within the pool.</param>
/// <param name="Bytes">The frame as the VM sees it (after a <c>vlan-insert</c> pool's strip).</param>
/// <param name="StrippedTci">The TCI of the stripped C-tag, or null when nothing was stripped.</param>
internal sealed record ReferenceDelivery(int Pool, int Queue, byte[] Bytes, int? StrippedTci);

/// <summary>The switch's whole decision on one transmitted frame.</summary>
/// <param name="Outcome">Dropped on transmit, and why, or sent.</param>
/// <param name="Wire">The bytes that go to the uplink (after any tag insertion), or null when nothing does.</param>
/// <param name="Reflected">VEPA: the adjacent bridge sends the frame back to the NIC.</param>
/// <param name="Onward">VEPA: the adjacent bridge passes the frame on to the network.</param>
/// <param name="ReflectedDrop">VEPA: a reflected frame no pool receives (<c>DropReason.Reflected</c>).</param>
/// <param name="Deliveries">The local copies, by pool.</param>
/// <param name="ReflectedRuleDrop">VEPA: the station's lookup of a reflected frame said <c>drop</c> (<c>DropReason.RuleDrop</c>).</param>
internal sealed record ReferenceSwitchDecision(
    ReferenceTxOutcome Outcome, byte[]? Wire, bool Reflected, bool Onward, bool ReflectedDrop, IReadOnlyList<ReferenceDelivery> Deliveries,
    bool ReflectedRuleDrop = false);

/// <summary>
/// The oracle for the transmit side: the rules-language spec's "Switching (what VMs transmit)" and "Transmit: anti-spoofing,
/// VLAN insert and strip" read literally, over the rules model and the tenants' declarations. It computes membership, the
/// pools' own MACs and VLANs and the anti-spoofing defaults itself from the rules (never from the toolkit's
/// <c>Switching.Membership</c>, <c>PoolTransmit</c> or the runtime's L2 table), with linear scans: slow and plain.
/// </summary>
internal sealed class ReferenceSwitch
{
    private const int TpidCTag = 0x8100;
    private const int TpidSTag = 0x88A8;

    /// <summary>The 64-byte Ethernet minimum without its FCS.</summary>
    private const int MinimumFrameWithoutFcs = 60;

    private readonly RuleSet _rules;
    private readonly Dictionary<string, (int Lo, int Hi)> _tenantVlans;

    /// <summary>Creates the switch of a resolved rules file.</summary>
    /// <param name="rules">The model.</param>
    /// <param name="tenantVlans">Each tenant's <c>vlan</c> range (tenants without one left out).</param>
    public ReferenceSwitch(RuleSet rules, IReadOnlyDictionary<string, (int Lo, int Hi)> tenantVlans)
    {
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));
        _tenantVlans = new Dictionary<string, (int Lo, int Hi)>(tenantVlans ?? throw new ArgumentNullException(nameof(tenantVlans)), StringComparer.Ordinal);
    }

    /// <summary>Compiles <paramref name="text"/> and reads its tenants' VLAN ranges from the parsed file; null when it has errors.</summary>
    /// <param name="path">The file name.</param>
    /// <param name="text">The rules.</param>
    public static ReferenceSwitch? FromText(string path, string text)
    {
        var compiled = RulesCompiler.Compile(path, text);
        if (compiled.HasErrors || compiled.Model is null)
        {
            return null;
        }

        var doc = Parser.Parse(path, text, new List<RuleDiagnostic>());
        var tenants = new Dictionary<string, (int Lo, int Hi)>(StringComparer.Ordinal);
        foreach (var tenant in doc.Tenants)
        {
            if (tenant.Vlan is { } range)
            {
                tenants[tenant.Name] = ((int)range.Lo, (int)range.Hi);
            }
        }

        return new ReferenceSwitch(compiled.Model, tenants);
    }

    /// <summary>The rules.</summary>
    public RuleSet Rules => _rules;

    /// <summary>True for <c>switch vepa</c>.</summary>
    public bool IsVepa => _rules.Switch == SwitchKind.Vepa;

    /// <summary>True when the file declares S-channels.</summary>
    public bool HasChannels => _rules.Channels.Count > 0;

    /// <summary>True when the NIC is cabled to an adjacent bridge in these tests: a VEPA somewhere, or S-channels (whose bridge passes a VEB channel's frames on).</summary>
    public bool UsesBridge => IsVepa || HasChannels;

    /// <summary>"Pool indices are NIC-wide: a pool belongs to one channel": the S-channel of <paramref name="pool"/>, 0 for the untagged one (and undeclared pools).</summary>
    public int ChannelOf(int pool) => Pool(pool)?.Channel ?? 0;

    /// <summary>The edge relay of <paramref name="channel"/>: "The untagged channel's mode is the switch statement's"; a declared one's its own.</summary>
    public SwitchKind ModeOf(int channel) => channel == 0 ? _rules.Switch : _rules.Channels[channel - 1].Mode;

    /// <summary>The channel whose <c>svid</c> is <paramref name="svid"/>, or -1.</summary>
    public int ChannelOfSvid(int svid) => _rules.Channels.FirstOrDefault(c => c.Svid == svid)?.Index ?? -1;

    /// <summary>The full transmit path of <paramref name="frame"/> posted by <paramref name="sender"/>: anti-spoofing, tag insertion, switching, strip.</summary>
    /// <param name="sender">The sending pool.</param>
    /// <param name="frame">The frame as the VM wrote it (no FCS); one shorter than an Ethernet header is a runt.</param>
    public ReferenceSwitchDecision Transmit(int sender, byte[] frame)
    {
        if (frame is null || frame.Length < 14)
        {
            return new ReferenceSwitchDecision(ReferenceTxOutcome.Runt, null, false, false, false, Array.Empty<ReferenceDelivery>());
        }

        var spoof = AntiSpoof(sender, frame);
        if (spoof != ReferenceTxOutcome.Sent)
        {
            return new ReferenceSwitchDecision(spoof, null, false, false, false, Array.Empty<ReferenceDelivery>());
        }

        return Switch(sender, InsertTag(sender, frame));
    }

    // ---- Anti-spoofing ("Transmit: anti-spoofing, VLAN insert and strip") ----

    /// <summary>
    /// "A pool's MACs are the destination MACs of the mac M and mac M vlan V rules that send to it (single-pool targets, not drop)."
    /// </summary>
    public IReadOnlyCollection<ulong> OwnMacs(int pool) =>
        _rules.Rules.Where(r => !r.IsDrop && r.Pool == pool && r.Kind is MatchKind.Mac or MatchKind.MacVlan).Select(r => r.Mac).Distinct().ToList();

    /// <summary>"Its VLANs are the VLAN IDs of the vlan V and mac M vlan V rules that send to it, plus its vlan-insert VLAN."</summary>
    public IReadOnlyCollection<int> OwnVlans(int pool)
    {
        var vlans = _rules.Rules.Where(r => !r.IsDrop && r.Pool == pool && r.Kind is MatchKind.Vlan or MatchKind.MacVlan).Select(r => (int)r.Id).ToList();
        if (Pool(pool) is { VlanInsert: > 0 } p)
        {
            vlans.Add(p.VlanInsert);
        }

        return vlans.Distinct().ToList();
    }

    /// <summary>
    /// Whether MAC anti-spoofing is on: as <c>antispoof</c> says, and without it "on exactly when the pool has MACs of its own".
    /// </summary>
    public bool MacCheck(int pool) => Pool(pool) is { } p && (p.AntiSpoofMac ?? OwnMacs(pool).Count > 0);

    /// <summary>Whether VLAN anti-spoofing is on: as <c>antispoof</c> says, "off" without it.</summary>
    public bool VlanCheck(int pool) => Pool(pool) is { AntiSpoofVlan: true };

    /// <summary>The anti-spoofing verdict on the frame "as the VM wrote it, before the NIC inserts a tag"; the S-tag first, then MAC.</summary>
    /// <param name="pool">The sending pool.</param>
    /// <param name="frame">The frame as the VM wrote it.</param>
    public ReferenceTxOutcome AntiSpoof(int pool, byte[] frame)
    {
        if (frame is null)
        {
            throw new ArgumentNullException(nameof(frame));
        }

        // S-channels, point 7: "When the file declares channels, a frame a VM posts whose outermost TPID, as the VM wrote it (bytes
        // 12..13), is 0x88A8 is dropped ... in every channel, whatever the pool's antispoof, before the MAC and VLAN checks."
        if (HasChannels && frame.Length >= 14 && Be16(frame, 12) == TpidSTag)
        {
            return ReferenceTxOutcome.STagSpoof;
        }

        // "a frame the pool sends whose source MAC (bytes 6..11) is not one of its MACs is dropped."
        if (MacCheck(pool) && !OwnMacs(pool).Contains(Mac48(frame, 6)))
        {
            return ReferenceTxOutcome.MacSpoof;
        }

        if (VlanCheck(pool))
        {
            // "a frame whose outer tag is a C-tag (TPID 0x8100) with a VID not 0 passes when the VID is one of the pool's VLANs.
            //  An untagged or priority-tagged (VID 0) frame ... passes only on a vlan-insert pool."
            int vid = frame.Length >= 16 && Be16(frame, 12) == TpidCTag ? Be16(frame, 14) & 0xFFF : 0;
            bool passes = vid != 0 ? OwnVlans(pool).Contains(vid) : Pool(pool) is { VlanInsert: > 0 };
            if (!passes)
            {
                return ReferenceTxOutcome.VlanSpoof;
            }
        }

        return ReferenceTxOutcome.Sent;
    }

    // ---- VLAN insert and strip ----

    /// <summary>
    /// "every frame the pool posts gets a C-tag inserted after its source MAC: TPID 0x8100, PCP = the pool's priority (0 when not
    /// given), DEI 0, VID V"; a pool without <c>vlan-insert</c> sends the frame unchanged.
    /// </summary>
    public byte[] InsertTag(int pool, byte[] frame)
    {
        if (frame is null)
        {
            throw new ArgumentNullException(nameof(frame));
        }

        if (Pool(pool) is not { VlanInsert: > 0 } p)
        {
            return (byte[])frame.Clone();
        }

        int tci = ((p.Priority & 7) << 13) | p.VlanInsert;
        var tagged = new byte[frame.Length + 4];
        Array.Copy(frame, 0, tagged, 0, 12);
        tagged[12] = 0x81;
        tagged[13] = 0x00;
        tagged[14] = (byte)(tci >> 8);
        tagged[15] = (byte)tci;
        Array.Copy(frame, 12, tagged, 16, frame.Length - 12);
        return tagged;
    }

    /// <summary>
    /// What <paramref name="pool"/>'s VM reads of a frame delivered to it: on a <c>vlan-insert</c> pool, a frame "whose outer tag is
    /// a C-tag (any VID, including 0) has it stripped": the MACs move up over it; S-tagged and untagged frames as they came.
    /// </summary>
    public (byte[] Bytes, int? StrippedTci) Receive(int pool, byte[] frame)
    {
        if (frame is null)
        {
            throw new ArgumentNullException(nameof(frame));
        }

        if (Pool(pool) is not { VlanInsert: > 0 } || frame.Length < 16 || Be16(frame, 12) != TpidCTag)
        {
            return ((byte[])frame.Clone(), null);
        }

        var stripped = new byte[frame.Length - 4];
        Array.Copy(frame, 0, stripped, 0, 12);
        Array.Copy(frame, 16, stripped, 12, frame.Length - 16);
        return (stripped, Be16(frame, 14));
    }

    // ---- Switching ----

    /// <summary>
    /// "The lookup is L2 only": the destination MAC and the C-VID against the mac M vlan V, mac M and vlan V rules, with the
    /// precedence of "Which rule wins" (5, 6, 7). Null when none matches.
    /// </summary>
    public ResolvedRule? Lookup(byte[] frame, int channel = 0)
    {
        var fields = ReferenceFrameParser.Parse(frame, _rules.VxlanPort);

        // Only the L2 parts of the fields: never a VNI, a VSID or an inner header. Only the rules of the frame's S-channel.
        var l2 = ReferenceFrameFields.Empty with { Dst = fields.Dst, Svid = fields.Svid, Cvid = fields.Cvid };
        foreach (var kind in new[] { MatchKind.MacVlan, MatchKind.Mac, MatchKind.Vlan })
        {
            foreach (var rule in _rules.Rules)
            {
                if (rule.Kind == kind && rule.Channel == channel && ReferenceClassifier.Matches(rule, l2))
                {
                    return rule;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// "a declared pool is a member of VLAN V when a non-drop vlan V or mac M vlan V rule targets it, V is its vlan-insert VLAN, or
    /// V is in its tenant's vlan range; it is a member of the untagged set when it has no vlan-insert and a non-drop mac M rule (without
    /// vlan) targets it, or when it is a member of no VLAN at all." <paramref name="vlan"/> null or 0 (priority-tagged) is the untagged set.
    /// </summary>
    public bool IsMember(int pool, int? vlan)
    {
        if (Pool(pool) is not { } p)
        {
            return false;   // "Undeclared pools are members of nothing."
        }

        (int Lo, int Hi)? tenantRange = p.Tenant is { } t && _tenantVlans.TryGetValue(t, out var r) ? r : null;
        if (vlan is { } v && v != 0)
        {
            return (tenantRange is { } range && v >= range.Lo && v <= range.Hi)
                || p.VlanInsert == v
                || _rules.Rules.Any(x => !x.IsDrop && x.Pool == pool && x.Kind is MatchKind.Vlan or MatchKind.MacVlan && (int)x.Id == v);
        }

        bool onSomeVlan = tenantRange is not null || p.VlanInsert > 0 || _rules.Rules.Any(x => !x.IsDrop && x.Pool == pool && x.Kind is MatchKind.Vlan or MatchKind.MacVlan);
        // "... it is a member of the untagged set when it has no vlan-insert and a non-drop mac M rule (without vlan) targets it"
        return !onSomeVlan || (p.VlanInsert == 0 && _rules.Rules.Any(x => !x.IsDrop && x.Pool == pool && x.Kind == MatchKind.Mac));
    }

    /// <summary>The pools a non-drop <c>mac</c> or <c>mac ... vlan</c> rule gives <paramref name="mac"/> (VEPA's station filter).</summary>
    public IReadOnlyCollection<int> StationPools(ulong mac) =>
        _rules.Rules.Where(r => !r.IsDrop && r.Kind is MatchKind.Mac or MatchKind.MacVlan && r.Mac == mac).Select(r => r.Pool).Distinct().ToList();

    /// <summary>The switch's decision on <paramref name="frame"/> (as it leaves the TX ring, after any tag insertion) sent by <paramref name="sender"/>.</summary>
    public ReferenceSwitchDecision Switch(int sender, byte[] frame)
    {
        if (frame is null || frame.Length < 14)
        {
            throw new ArgumentException("A transmitted frame has at least 14 bytes.", nameof(frame));
        }

        var none = Array.Empty<ReferenceDelivery>();
        bool group = (frame[0] & 1) != 0;
        int? vlan = ReferenceFrameParser.Parse(frame, _rules.VxlanPort).Cvid;

        // S-channels, point 8: "A frame a VM transmits is switched only within its pool's channel", by that channel's mode.
        int channel = ChannelOf(sender);
        var hit = Lookup(frame, channel);

        // 3. "A lookup that says drop ... drops the frame in either mode."
        if (hit is { IsDrop: true })
        {
            return new ReferenceSwitchDecision(ReferenceTxOutcome.RuleDrop, null, false, false, false, none);
        }

        // "On the uplink, a frame from a pool of a declared channel carries its S-tag: TPID 0x88A8, PCP 0, DEI 0, VID the svid, outermost."
        byte[] wire = PushSTag(frame, channel);
        if (ModeOf(channel) != SwitchKind.Veb)
        {
            // 5. VEPA: "Every frame that is not dropped goes to the uplink"; a vsi channel sends everything there too.
            return Uplink(wire, none);
        }

        // 4. VEB.
        if (group)
        {
            // "goes to every member pool of its VLAN (each on its first allowed queue) and to the uplink"; never the sender.
            var flood = Deliver(Flood(vlan, channel).Where(p => p != sender).Select(p => (p, FirstQueue(p))), frame);
            return Uplink(wire, flood);
        }

        if (hit is null)
        {
            // "A unicast frame that matches no rule goes to the uplink only."
            return Uplink(wire, none);
        }

        if (hit.Pool == sender)
        {
            return new ReferenceSwitchDecision(ReferenceTxOutcome.ToSender, null, false, false, false, none);
        }

        // "delivered to that pool's RX ring (the rule's queue; without :QUEUE, the pool's first allowed queue, not spread by RSS)".
        return new ReferenceSwitchDecision(ReferenceTxOutcome.Sent, null, false, false, false, Deliver(new[] { (hit.Pool, hit.Queue) }, frame));
    }

    /// <summary>
    /// A frame on the uplink, with <paramref name="local"/> copies already delivered, and what the adjacent bridge does with it: without
    /// a bridge (a VEB file without channels) nothing more. The bridge's port for the frame's S-channel (its outer S-tag selects it in a
    /// file with channels) relays reflectively when that channel is a VEPA: a unicast frame for a local station of the channel and a
    /// group frame come back (a group frame goes on as well), anything else goes on; other channels' frames go on.
    /// </summary>
    private ReferenceSwitchDecision Uplink(byte[] wire, IReadOnlyList<ReferenceDelivery> local)
    {
        if (!UsesBridge)
        {
            return new ReferenceSwitchDecision(ReferenceTxOutcome.Sent, wire, false, false, false, local);
        }

        int channel = 0;
        if (HasChannels && wire.Length >= 16 && Be16(wire, 12) == TpidSTag)
        {
            channel = ChannelOfSvid(Be16(wire, 14) & 0xFFF);
        }

        bool group = (wire[0] & 1) != 0;
        if (channel < 0 || ModeOf(channel) != SwitchKind.Vepa)
        {
            return new ReferenceSwitchDecision(ReferenceTxOutcome.Sent, wire, false, true, false, local);
        }

        // The wire pads a short frame to its 64-byte minimum: it comes back as 60 bytes (zeros after the frame) and an FCS
        // (Runtime/Emulator/README.md, the wire). Then the station's S-component takes off the S-tag of a declared channel.
        byte[] back = wire;
        if (wire.Length < MinimumFrameWithoutFcs)
        {
            back = new byte[MinimumFrameWithoutFcs];
            wire.CopyTo(back, 0);
        }

        if (channel > 0)
        {
            back = StripSTag(back);
        }

        var hit = Lookup(back, channel);
        bool reflect = group || hit is { IsDrop: false };
        bool onward = group || !reflect;
        if (!reflect)
        {
            return new ReferenceSwitchDecision(ReferenceTxOutcome.Sent, wire, false, onward, false, local);
        }

        if (hit is { IsDrop: true })
        {
            return new ReferenceSwitchDecision(ReferenceTxOutcome.Sent, wire, true, onward, false, local, ReflectedRuleDrop: true);
        }

        // "filters out the copy for the pool that sent it, which it finds by the frame's source MAC".
        int? vlan = ReferenceFrameParser.Parse(back, _rules.VxlanPort).Cvid;
        var stations = StationPools(Mac48(back, 6));
        var targets = group
            ? Flood(vlan, channel).Where(p => !stations.Contains(p)).Select(p => (p, FirstQueue(p))).ToList()
            : stations.Contains(hit!.Pool) ? new List<(int, int)>() : new List<(int, int)> { (hit!.Pool, hit.Queue) };
        var copies = Deliver(targets, back);
        // (Local copies and reflected ones both, in pool order, as the tests read the rings. Only a frame a VM of a VEB channel wrote
        // with another channel's S-tag could have both, and the S-tag check drops those on posting.)
        return new ReferenceSwitchDecision(ReferenceTxOutcome.Sent, wire, true, onward, copies.Count == 0, local.Concat(copies).OrderBy(d => d.Pool).ToList());
    }

    /// <summary>The frame with <paramref name="channel"/>'s S-tag pushed after the source MAC (PCP 0, DEI 0); the frame itself for the untagged channel.</summary>
    public byte[] PushSTag(byte[] frame, int channel)
    {
        if (frame is null)
        {
            throw new ArgumentNullException(nameof(frame));
        }

        if (channel == 0)
        {
            return frame;
        }

        int svid = _rules.Channels[channel - 1].Svid;
        var tagged = new byte[frame.Length + 4];
        Array.Copy(frame, 0, tagged, 0, 12);
        tagged[12] = 0x88;
        tagged[13] = 0xA8;
        tagged[14] = (byte)(svid >> 8);
        tagged[15] = (byte)svid;
        Array.Copy(frame, 12, tagged, 16, frame.Length - 12);
        return tagged;
    }

    /// <summary>The frame without its outer S-tag (at offset 12), or itself when it has none.</summary>
    public static byte[] StripSTag(byte[] frame)
    {
        if (frame is null || frame.Length < 16 || Be16(frame, 12) != TpidSTag)
        {
            return frame!;
        }

        var stripped = new byte[frame.Length - 4];
        Array.Copy(frame, 0, stripped, 0, 12);
        Array.Copy(frame, 16, stripped, 12, frame.Length - 16);
        return stripped;
    }

    private IEnumerable<int> Flood(int? vlan, int channel) =>
        _rules.Pools.Where(p => p.Channel == channel).Select(p => p.Index).Where(p => IsMember(p, vlan)).OrderBy(p => p);

    private List<ReferenceDelivery> Deliver(IEnumerable<(int Pool, int Queue)> targets, byte[] frame) =>
        targets.Select(t =>
        {
            var (bytes, tci) = Receive(t.Pool, frame);
            return new ReferenceDelivery(t.Pool, t.Queue, bytes, tci);
        }).ToList();

    private int FirstQueue(int pool) => Pool(pool)?.FirstQueue ?? 0;

    private ResolvedPool? Pool(int index) => _rules.Pools.FirstOrDefault(p => p.Index == index);

    private static int Be16(byte[] b, int at) => (b[at] << 8) | b[at + 1];

    private static ulong Mac48(byte[] b, int at)
    {
        ulong v = 0;
        for (int i = 0; i < 6; i++)
        {
            v = (v << 8) | (at + i < b.Length ? b[at + i] : 0UL);
        }

        return v;
    }
}
