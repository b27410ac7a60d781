namespace Vmdq.Rules.Model;

/// <summary>Facts about <see cref="MatchKind"/> (declared in Rules/Contract/DispatchContract.cs, shared with the runtime).</summary>
internal static class MatchKinds
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
internal readonly record struct MatchKey(MatchKind Kind, ulong Mac, uint Id);
