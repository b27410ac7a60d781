namespace Vmdq.Rules.Model;

/// <summary>
/// The kinds of match a filter rule can make. The numeric values are the spec's precedence
/// ("Which rule wins"): a lower value wins. <see cref="None"/> is the default pool.
/// </summary>
public enum MatchKind : byte
{
    /// <summary>No rule matched: the default pool.</summary>
    None = 0,
    /// <summary><c>vxlan VNI inner M</c>.</summary>
    VxlanInner = 1,
    /// <summary><c>vxlan VNI</c>.</summary>
    Vxlan = 2,
    /// <summary><c>nvgre VSID inner M</c>.</summary>
    NvgreInner = 3,
    /// <summary><c>nvgre VSID</c>.</summary>
    Nvgre = 4,
    /// <summary><c>mac M vlan V</c>.</summary>
    MacVlan = 5,
    /// <summary><c>mac M</c>.</summary>
    Mac = 6,
    /// <summary><c>vlan V</c>.</summary>
    Vlan = 7,
    /// <summary><c>broadcast</c> (dst ff:ff:ff:ff:ff:ff).</summary>
    Broadcast = 8,
    /// <summary><c>multicast</c> (group bit set, not broadcast).</summary>
    Multicast = 9,
}

/// <summary>Facts about <see cref="MatchKind"/>.</summary>
public static class MatchKinds
{
    /// <summary>The rules-language spelling of a match, e.g. <c>vxlan 5001 inner 52:54:00:12:34:56</c>.</summary>
    public static string Describe(this MatchKey key) => key.Kind switch
    {
        MatchKind.VxlanInner => $"vxlan {key.Id} inner {Mac.Format(key.Mac)}",
        MatchKind.Vxlan => $"vxlan {key.Id}",
        MatchKind.NvgreInner => $"nvgre {key.Id} inner {Mac.Format(key.Mac)}",
        MatchKind.Nvgre => $"nvgre {key.Id}",
        MatchKind.MacVlan => $"mac {Mac.Format(key.Mac)} vlan {key.Id}",
        MatchKind.Mac => $"mac {Mac.Format(key.Mac)}",
        MatchKind.Vlan => $"vlan {key.Id}",
        MatchKind.Broadcast => "broadcast",
        MatchKind.Multicast => "multicast",
        _ => "default",
    };
}

/// <summary>A normalised match: two rules match the same frames exactly when their keys are equal.</summary>
/// <param name="Kind">What is matched.</param>
/// <param name="Mac">The (outer or inner) MAC as a 48-bit big-endian number, or 0.</param>
/// <param name="Id">The VLAN ID, VNI or VSID, or 0.</param>
public readonly record struct MatchKey(MatchKind Kind, ulong Mac, uint Id);
