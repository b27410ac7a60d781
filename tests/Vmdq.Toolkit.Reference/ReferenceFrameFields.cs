namespace Vmdq.Rules.Reference;

/// <summary>
/// The fields rules match on, as <see cref="ReferenceFrameParser"/> reads them. A null field is
/// absent (spec, "Frame parsing": a field is present only when all its bytes and every header it
/// depends on are), so 0 and absent are never confused.
/// </summary>
/// <param name="Dst">Destination MAC (48 bits, first octet most significant).</param>
/// <param name="Svid">S-tag (TPID 0x88A8) VLAN ID.</param>
/// <param name="Cvid">C-tag (TPID 0x8100) VLAN ID: what <c>vlan</c> rules match.</param>
/// <param name="Pcp">Priority (3 bits) of the outermost tag.</param>
/// <param name="Vni">VXLAN network identifier (24 bits).</param>
/// <param name="Vsid">NVGRE virtual subnet ID: the upper 24 bits of the GRE key.</param>
/// <param name="FlowId">NVGRE flow ID: the low 8 bits of the GRE key; present with <paramref name="Vsid"/>.</param>
/// <param name="InnerDst">Inner destination MAC of a VXLAN or NVGRE frame.</param>
/// <param name="InnerVid">VLAN ID of an inner C-tag of a VXLAN or NVGRE frame.</param>
internal sealed record ReferenceFrameFields(
    ulong? Dst, int? Svid, int? Cvid, int? Pcp, int? Vni, int? Vsid, int? FlowId, ulong? InnerDst, int? InnerVid)
{
    /// <summary>A frame with no fields at all (fewer than 6 bytes).</summary>
    public static ReferenceFrameFields Empty { get; } = new(null, null, null, null, null, null, null, null, null);

    /// <inheritdoc />
    public override string ToString()
    {
        string Mac(ulong? m) => m is { } v ? Model.Mac.Format(v) : "-";
        string Num(int? n) => n is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
        return $"dst={Mac(Dst)} svid={Num(Svid)} cvid={Num(Cvid)} pcp={Num(Pcp)} vni={Num(Vni)} vsid={Num(Vsid)} flowid={Num(FlowId)} inner={Mac(InnerDst)} inner_vid={Num(InnerVid)}";
    }
}
