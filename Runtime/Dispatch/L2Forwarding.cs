using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;

namespace Vmdq.Toolkit;

/// <summary>How the NIC switches frames its VMs transmit (the rules file's <c>switch</c> statement; IEEE 802.1Qbg edge relays).</summary>
public enum SwitchMode
{
    /// <summary>
    /// Virtual Ethernet Bridge (the default, as on the 82599 and X710): a frame addressed to another local pool is delivered
    /// to that pool's RX ring without touching the wire; group frames go to the local members of the frame's VLAN and the uplink.
    /// </summary>
    Veb = 0,

    /// <summary>
    /// Virtual Ethernet Port Aggregator: every frame goes to the uplink; the adjacent bridge, in reflective relay, sends
    /// back those addressed to local stations (see <see cref="Emulator.ReflectiveRelayBridge"/>).
    /// </summary>
    Vepa = 1,

    /// <summary>
    /// Only an S-channel's mode (<c>channel NAME svid N vsi</c>, <see cref="L2Channel.Mode"/>): the channel is one VSI with no edge
    /// relay, so everything it sends goes to the uplink (IEEE 802.1Qbg-2012 clause 40).
    /// </summary>
    Vsi = 2,
}

/// <summary>An S-channel (IEEE 802.1Qbg-2012 clause 40, a rules file's <c>channel</c> statement) as the NIC's switch uses it.</summary>
/// <param name="Index">Its channel index, 1..K in file order (0 is the untagged channel, which has no entry).</param>
/// <param name="Svid">Its S-VID, 1..4094: the S-tag the NIC pushes on what the channel sends to the uplink, and selects it on receive.</param>
/// <param name="Mode">Its edge relay: <see cref="SwitchMode.Veb"/>, <see cref="SwitchMode.Vepa"/> or <see cref="SwitchMode.Vsi"/>.</param>
public readonly record struct L2Channel(int Index, int Svid, SwitchMode Mode);

/// <summary>Which L2 filter an <see cref="L2Filter"/> is (the rules language's precedence 5, 6 and 7).</summary>
public enum L2FilterKind
{
    /// <summary><c>mac M vlan V</c> (precedence 5).</summary>
    MacVlan = 0,

    /// <summary><c>mac M</c> (precedence 6).</summary>
    Mac = 1,

    /// <summary><c>vlan V</c> (precedence 7).</summary>
    Vlan = 2,
}

/// <summary>One L2 filter rule, as the NIC's switch uses it to forward transmitted frames.</summary>
/// <param name="Kind">What it matches.</param>
/// <param name="Mac">The destination MAC (48 bits, first octet most significant), 0 for <see cref="L2FilterKind.Vlan"/>.</param>
/// <param name="Vlan">The C-VID, 0 for <see cref="L2FilterKind.Mac"/>.</param>
/// <param name="IsDrop">True for <c>-&gt; drop</c>.</param>
/// <param name="Pool">The target pool (0 for a drop).</param>
/// <param name="Queue">The queue within the pool: the rule's <c>:QUEUE</c>, or the pool's first allowed queue.</param>
/// <param name="RuleLine">The rule's source line.</param>
public readonly record struct L2Filter(L2FilterKind Kind, ulong Mac, int Vlan, bool IsDrop, int Pool, int Queue, int RuleLine)
{
    /// <summary>The S-channel the rule belongs to (0: the untagged channel; 1..K: the file's <c>channel</c> statements in order).</summary>
    public int Channel { get; init; }
}

/// <summary>Pool <paramref name="Pool"/> is a member of VLANs <paramref name="FirstVlan"/>..<paramref name="LastVlan"/>, or of untagged frames when both are <see cref="L2ForwardingTable.Untagged"/>.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="FirstVlan">First VLAN ID, or <see cref="L2ForwardingTable.Untagged"/>.</param>
/// <param name="LastVlan">Last VLAN ID, or <see cref="L2ForwardingTable.Untagged"/>.</param>
public readonly record struct VlanMembership(int Pool, int FirstVlan, int LastVlan)
{
    /// <summary>The pool's S-channel (0: the untagged channel): VLANs are per S-channel, each S-channel being a port of its own.</summary>
    public int Channel { get; init; }
}

/// <summary>
/// The NIC switch's L2 forwarding data, built from a rules file's <c>mac</c>, <c>mac ... vlan</c> and <c>vlan</c> rules and its
/// pools' VLAN membership (docs/rules-language.md, "Switching"). Never keyed by VNI, VSID or a tunnel's inner header.
/// Generated dispatchers print it as data; runtime-loaded ones build it from the rules in force.
/// </summary>
public sealed class L2ForwardingTable
{
    /// <summary>The VLAN value meaning "no C-tag" (and a priority tag, VID 0, for membership).</summary>
    public const int Untagged = -1;

    private readonly Dictionary<(ulong Mac, int Vlan, int Channel), int> _macVlan = new();
    private readonly Dictionary<(ulong Mac, int Channel), int> _mac = new();
    private readonly Dictionary<(int Vlan, int Channel), int> _vlan = new();
    private readonly HashSet<(ulong Mac, int Pool)> _stations = new();
    private readonly Dictionary<int, int> _poolChannels = new();
    private readonly int[] _channelOfSvid;

    /// <summary>Creates the table. When a match appears twice the first entry wins (a checked rules file has no conflicts).</summary>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    public L2ForwardingTable(IReadOnlyList<L2Filter> filters, IReadOnlyList<VlanMembership> members)
        : this(filters, members, Array.Empty<L2Channel>())
    {
    }

    /// <summary>
    /// Creates the table of a rules file with S-channels (IEEE 802.1Qbg-2012 clause 40): each filter and membership names its channel
    /// (<see cref="L2Filter.Channel"/>, <see cref="VlanMembership.Channel"/>), and <paramref name="channels"/> lists the declared ones.
    /// When a match appears twice in one channel the first entry wins.
    /// </summary>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    /// <exception cref="ArgumentException">When a channel's S-VID is not 1..4094, or a filter or membership names a channel not listed.</exception>
    public L2ForwardingTable(IReadOnlyList<L2Filter> filters, IReadOnlyList<VlanMembership> members, IReadOnlyList<L2Channel> channels)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(channels);
        Filters = filters.ToArray();
        Members = members.ToArray();
        Channels = channels.ToArray();
        _channelOfSvid = new int[4096];
        _channelOfSvid.AsSpan().Fill(-1);
        for (int c = 0; c < Channels.Count; c++)
        {
            var channel = Channels[c];
            if (channel.Index != c + 1 || channel.Svid is < 1 or > 4094)
            {
                throw new ArgumentException($"Channel {c + 1} must have index {c + 1} and an S-VID 1..4094; got index {channel.Index}, S-VID {channel.Svid}.", nameof(channels));
            }

            _channelOfSvid[channel.Svid] = channel.Index;
        }

        foreach (var m in Members)
        {
            CheckChannel(m.Channel, "A VLAN membership");
            _poolChannels.TryAdd(m.Pool, m.Channel);
        }

        for (int i = 0; i < Filters.Count; i++)
        {
            var f = Filters[i];
            CheckChannel(f.Channel, $"The L2 filter of rule line {f.RuleLine}");
            switch (f.Kind)
            {
                case L2FilterKind.MacVlan:
                    _macVlan.TryAdd((f.Mac, f.Vlan, f.Channel), i);
                    break;
                case L2FilterKind.Mac:
                    _mac.TryAdd((f.Mac, f.Channel), i);
                    break;
                default:
                    _vlan.TryAdd((f.Vlan, f.Channel), i);
                    break;
            }

            if (f.Kind != L2FilterKind.Vlan && !f.IsDrop)
            {
                _stations.Add((f.Mac, f.Pool));
            }
        }
    }

    private void CheckChannel(int channel, string what)
    {
        if ((uint)channel > (uint)Channels.Count)
        {
            throw new ArgumentException($"{what} names S-channel {channel}; the table declares {Channels.Count}.");
        }
    }

    /// <summary>Bytes per filter in <see cref="FromBytes(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</summary>
    public const int FilterBytes = 18;

    /// <summary>Bytes per membership in <see cref="FromBytes(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</summary>
    public const int MemberBytes = 6;

    /// <summary>Bytes per filter in <see cref="FromBytes(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with S-channels: <see cref="FilterBytes"/> and the channel (16 bits).</summary>
    public const int ChannelFilterBytes = FilterBytes + 2;

    /// <summary>Bytes per membership in <see cref="FromBytes(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with S-channels: <see cref="MemberBytes"/> and the pool's channel (16 bits).</summary>
    public const int ChannelMemberBytes = MemberBytes + 2;

    /// <summary>Bytes per S-channel in <see cref="FromBytes(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>: the S-VID (16 bits), the <see cref="SwitchMode"/>, 0.</summary>
    public const int ChannelBytes = 4;

    /// <summary>
    /// The table from the byte form generated dispatchers print (like their hash tables). Per filter, <see cref="FilterBytes"/>
    /// bytes: the <see cref="L2FilterKind"/>, 1 for a drop, the VLAN (16 bits), the MAC (6 bytes, first octet first), the pool
    /// (16 bits), the queue, 0, the rule line (32 bits); per membership, <see cref="MemberBytes"/> bytes: the pool, the first
    /// and the last VLAN (16 bits each, signed, -1 for untagged). Numbers are little-endian.
    /// </summary>
    /// <exception cref="ArgumentException">When a length is not a whole number of records.</exception>
    public static L2ForwardingTable FromBytes(ReadOnlySpan<byte> filters, ReadOnlySpan<byte> members) => FromBytes(filters, members, default);

    /// <summary>
    /// The table from the byte form generated dispatchers print, with S-channels when <paramref name="channels"/> is not empty: then
    /// each filter record is <see cref="ChannelFilterBytes"/> bytes (the <see cref="FilterBytes"/> of the two-argument form, then its
    /// channel), each membership <see cref="ChannelMemberBytes"/> (then the pool's channel), and each S-channel, in index order,
    /// <see cref="ChannelBytes"/>: its S-VID (16 bits), its <see cref="SwitchMode"/>, 0. Numbers are little-endian.
    /// </summary>
    /// <exception cref="ArgumentException">When a length is not a whole number of records, or a channel is out of range.</exception>
    public static L2ForwardingTable FromBytes(ReadOnlySpan<byte> filters, ReadOnlySpan<byte> members, ReadOnlySpan<byte> channels)
    {
        bool withChannels = !channels.IsEmpty;
        int filterBytes = withChannels ? ChannelFilterBytes : FilterBytes;
        int memberBytes = withChannels ? ChannelMemberBytes : MemberBytes;
        if (filters.Length % filterBytes != 0 || members.Length % memberBytes != 0 || channels.Length % ChannelBytes != 0)
        {
            throw new ArgumentException(
                $"L2 forwarding data is {filterBytes} bytes a filter, {memberBytes} bytes a membership and {ChannelBytes} bytes a channel; got {filters.Length}, {members.Length} and {channels.Length} bytes.");
        }

        var f = new L2Filter[filters.Length / filterBytes];
        for (int i = 0; i < f.Length; i++)
        {
            var r = filters.Slice(i * filterBytes, filterBytes);
            ulong mac = 0;
            for (int k = 4; k < 10; k++)
            {
                mac = (mac << 8) | r[k];
            }

            f[i] = new L2Filter(
                (L2FilterKind)r[0], mac, BinaryPrimitives.ReadUInt16LittleEndian(r[2..]), r[1] != 0,
                BinaryPrimitives.ReadUInt16LittleEndian(r[10..]), r[12], BinaryPrimitives.ReadInt32LittleEndian(r[14..]))
            {
                Channel = withChannels ? BinaryPrimitives.ReadUInt16LittleEndian(r[FilterBytes..]) : 0,
            };
        }

        var m = new VlanMembership[members.Length / memberBytes];
        for (int i = 0; i < m.Length; i++)
        {
            var r = members.Slice(i * memberBytes, memberBytes);
            m[i] = new VlanMembership(
                BinaryPrimitives.ReadUInt16LittleEndian(r),
                BinaryPrimitives.ReadInt16LittleEndian(r[2..]),
                BinaryPrimitives.ReadInt16LittleEndian(r[4..]))
            {
                Channel = withChannels ? BinaryPrimitives.ReadUInt16LittleEndian(r[MemberBytes..]) : 0,
            };
        }

        var c = new L2Channel[channels.Length / ChannelBytes];
        for (int i = 0; i < c.Length; i++)
        {
            var r = channels.Slice(i * ChannelBytes, ChannelBytes);
            c[i] = new L2Channel(i + 1, BinaryPrimitives.ReadUInt16LittleEndian(r), (SwitchMode)r[2]);
        }

        return new L2ForwardingTable(f, m, c);
    }

    /// <summary>A table with no filters and no members: every unicast frame is unknown, no pool is a member of any VLAN.</summary>
    public static L2ForwardingTable Empty { get; } = new([], []);

    /// <summary>The filters, in rules-file order.</summary>
    public IReadOnlyList<L2Filter> Filters { get; }

    /// <summary>The pools' VLAN membership.</summary>
    public IReadOnlyList<VlanMembership> Members { get; }

    /// <summary>The declared S-channels, in index order (entry i is channel i + 1); empty for a file without <c>channel</c> statements.</summary>
    public IReadOnlyList<L2Channel> Channels { get; }

    /// <summary>True when the file declares S-channels: the switch keeps each one apart, and pushes its S-tag on the uplink.</summary>
    public bool HasChannels => Channels.Count > 0;

    /// <summary>The S-channel of <paramref name="pool"/>: that of its memberships (every declared pool has one); 0, the untagged channel, for an undeclared pool.</summary>
    public int ChannelOfPool(int pool) => _poolChannels.TryGetValue(pool, out int channel) ? channel : 0;

    /// <summary>The channel whose S-VID is <paramref name="svid"/>, or -1 when no channel declares it (0 and 4095 included).</summary>
    public int ChannelOfSvid(int svid) => (uint)svid < 4096u ? _channelOfSvid[svid] : -1;

    /// <summary>The edge-relay mode of <paramref name="channel"/>: <paramref name="untagged"/> (the <c>switch</c> statement's) for channel 0.</summary>
    public SwitchMode ModeOf(int channel, SwitchMode untagged) => channel == 0 ? untagged : Channels[channel - 1].Mode;

    /// <summary>The S-VID of <paramref name="channel"/>, 0 for the untagged channel (no S-tag).</summary>
    public int SvidOf(int channel) => channel == 0 ? 0 : Channels[channel - 1].Svid;

    /// <summary>
    /// The filter that decides a frame to <paramref name="dst"/> in <paramref name="vlan"/> (its C-VID, or <see cref="Untagged"/>),
    /// by precedence <c>mac M vlan V</c>, <c>mac M</c>, <c>vlan V</c>; null when none matches (unknown unicast). Over the untagged
    /// channel's filters (all of them in a file without S-channels).
    /// </summary>
    public L2Filter? Lookup(ulong dst, int vlan) => Lookup(dst, vlan, 0);

    /// <summary>
    /// As <see cref="Lookup(ulong, int)"/>, over the filters of S-channel <paramref name="channel"/> only: another channel's rules never
    /// match (each S-channel is a port with its own edge relay, IEEE 802.1Qbg-2012 clause 40).
    /// </summary>
    public L2Filter? Lookup(ulong dst, int vlan, int channel)
    {
        if (vlan != Untagged && _macVlan.TryGetValue((dst, vlan, channel), out int i))
        {
            return Filters[i];
        }

        if (_mac.TryGetValue((dst, channel), out i))
        {
            return Filters[i];
        }

        return vlan != Untagged && _vlan.TryGetValue((vlan, channel), out i) ? Filters[i] : null;
    }

    /// <summary>True when <paramref name="pool"/> is a member of <paramref name="vlan"/> (a C-VID, or <see cref="Untagged"/>; VID 0, a priority tag, counts as untagged).</summary>
    public bool IsMember(int pool, int vlan)
    {
        vlan = vlan == 0 ? Untagged : vlan;
        foreach (var m in Members)
        {
            if (m.Pool == pool && vlan >= m.FirstVlan && vlan <= m.LastVlan)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="mac"/> is a station address of <paramref name="pool"/>: the target of a non-drop <c>mac</c> or
    /// <c>mac ... vlan</c> rule for it. One address can be several pools' (on different VLANs): it is each one's.
    /// </summary>
    public bool IsStation(ulong mac, int pool) => _stations.Contains((mac, pool));
}
