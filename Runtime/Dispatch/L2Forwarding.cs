using System;
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
}

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
public readonly record struct L2Filter(L2FilterKind Kind, ulong Mac, int Vlan, bool IsDrop, int Pool, int Queue, int RuleLine);

/// <summary>Pool <paramref name="Pool"/> is a member of VLANs <paramref name="FirstVlan"/>..<paramref name="LastVlan"/>, or of untagged frames when both are <see cref="L2ForwardingTable.Untagged"/>.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="FirstVlan">First VLAN ID, or <see cref="L2ForwardingTable.Untagged"/>.</param>
/// <param name="LastVlan">Last VLAN ID, or <see cref="L2ForwardingTable.Untagged"/>.</param>
public readonly record struct VlanMembership(int Pool, int FirstVlan, int LastVlan);

/// <summary>
/// The NIC switch's L2 forwarding data, built from a rules file's <c>mac</c>, <c>mac ... vlan</c> and <c>vlan</c> rules and its
/// pools' VLAN membership (docs/rules-language.md, "Switching"). Never keyed by VNI, VSID or a tunnel's inner header.
/// Generated dispatchers print it as data; runtime-loaded ones build it from the rules in force.
/// </summary>
public sealed class L2ForwardingTable
{
    /// <summary>The VLAN value meaning "no C-tag" (and a priority tag, VID 0, for membership).</summary>
    public const int Untagged = -1;

    private readonly Dictionary<(ulong Mac, int Vlan), int> _macVlan = new();
    private readonly Dictionary<ulong, int> _mac = new();
    private readonly Dictionary<int, int> _vlan = new();
    private readonly HashSet<(ulong Mac, int Pool)> _stations = new();

    /// <summary>Creates the table. When a match appears twice the first entry wins (a checked rules file has no conflicts).</summary>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    public L2ForwardingTable(IReadOnlyList<L2Filter> filters, IReadOnlyList<VlanMembership> members)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(members);
        Filters = filters.ToArray();
        Members = members.ToArray();
        for (int i = 0; i < Filters.Count; i++)
        {
            var f = Filters[i];
            switch (f.Kind)
            {
                case L2FilterKind.MacVlan:
                    _macVlan.TryAdd((f.Mac, f.Vlan), i);
                    break;
                case L2FilterKind.Mac:
                    _mac.TryAdd(f.Mac, i);
                    break;
                default:
                    _vlan.TryAdd(f.Vlan, i);
                    break;
            }

            if (f.Kind != L2FilterKind.Vlan && !f.IsDrop)
            {
                _stations.Add((f.Mac, f.Pool));
            }
        }
    }

    /// <summary>Bytes per filter in <see cref="FromBytes"/>.</summary>
    public const int FilterBytes = 18;

    /// <summary>Bytes per membership in <see cref="FromBytes"/>.</summary>
    public const int MemberBytes = 6;

    /// <summary>
    /// The table from the byte form generated dispatchers print (like their hash tables). Per filter, <see cref="FilterBytes"/>
    /// bytes: the <see cref="L2FilterKind"/>, 1 for a drop, the VLAN (16 bits), the MAC (6 bytes, first octet first), the pool
    /// (16 bits), the queue, 0, the rule line (32 bits); per membership, <see cref="MemberBytes"/> bytes: the pool, the first
    /// and the last VLAN (16 bits each, signed, -1 for untagged). Numbers are little-endian.
    /// </summary>
    /// <exception cref="ArgumentException">When a length is not a whole number of records.</exception>
    public static L2ForwardingTable FromBytes(ReadOnlySpan<byte> filters, ReadOnlySpan<byte> members)
    {
        if (filters.Length % FilterBytes != 0 || members.Length % MemberBytes != 0)
        {
            throw new ArgumentException($"L2 forwarding data is {FilterBytes} bytes a filter and {MemberBytes} bytes a membership; got {filters.Length} and {members.Length} bytes.");
        }

        var f = new L2Filter[filters.Length / FilterBytes];
        for (int i = 0; i < f.Length; i++)
        {
            var r = filters.Slice(i * FilterBytes, FilterBytes);
            ulong mac = 0;
            for (int k = 4; k < 10; k++)
            {
                mac = (mac << 8) | r[k];
            }

            f[i] = new L2Filter(
                (L2FilterKind)r[0], mac, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(r[2..]), r[1] != 0,
                System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(r[10..]), r[12], System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(r[14..]));
        }

        var m = new VlanMembership[members.Length / MemberBytes];
        for (int i = 0; i < m.Length; i++)
        {
            var r = members.Slice(i * MemberBytes, MemberBytes);
            m[i] = new VlanMembership(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(r),
                System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(r[2..]),
                System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(r[4..]));
        }

        return new L2ForwardingTable(f, m);
    }

    /// <summary>A table with no filters and no members: every unicast frame is unknown, no pool is a member of any VLAN.</summary>
    public static L2ForwardingTable Empty { get; } = new([], []);

    /// <summary>The filters, in rules-file order.</summary>
    public IReadOnlyList<L2Filter> Filters { get; }

    /// <summary>The pools' VLAN membership.</summary>
    public IReadOnlyList<VlanMembership> Members { get; }

    /// <summary>
    /// The filter that decides a frame to <paramref name="dst"/> in <paramref name="vlan"/> (its C-VID, or <see cref="Untagged"/>),
    /// by precedence <c>mac M vlan V</c>, <c>mac M</c>, <c>vlan V</c>; null when none matches (unknown unicast).
    /// </summary>
    public L2Filter? Lookup(ulong dst, int vlan)
    {
        if (vlan != Untagged && _macVlan.TryGetValue((dst, vlan), out int i))
        {
            return Filters[i];
        }

        if (_mac.TryGetValue(dst, out i))
        {
            return Filters[i];
        }

        return vlan != Untagged && _vlan.TryGetValue(vlan, out i) ? Filters[i] : null;
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
