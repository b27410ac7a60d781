using System.Text;

namespace Vmdq.Toolkit;

/// <summary>
/// The fields of a frame that rules match on, as <see cref="FrameParser"/> reads them. Absent fields
/// read as 0; check <see cref="Present"/> (or the nullable accessors) to tell 0 from absent.
/// Use it to explain a verdict.
/// </summary>
public readonly struct FrameFields
{
    /// <summary>Creates parsed fields (absent fields must be 0).</summary>
    public FrameFields(FrameField present, ulong dst, ushort svid, ushort cvid, byte pcp, uint vni, uint vsid, byte flowId, ulong innerDst, ushort innerVid)
    {
        Present = present;
        Dst = dst;
        Svid = svid;
        Cvid = cvid;
        Pcp = pcp;
        Vni = vni;
        Vsid = vsid;
        FlowId = flowId;
        InnerDst = innerDst;
        InnerVid = innerVid;
    }

    /// <summary>Which fields are present.</summary>
    public FrameField Present { get; }

    /// <summary>Destination MAC as a 48-bit number, first octet most significant.</summary>
    public ulong Dst { get; }

    /// <summary>S-tag VLAN ID.</summary>
    public ushort Svid { get; }

    /// <summary>C-tag VLAN ID (what <c>vlan</c> rules mean).</summary>
    public ushort Cvid { get; }

    /// <summary>Priority (3 bits) of the outermost tag.</summary>
    public byte Pcp { get; }

    /// <summary>VXLAN VNI (24 bits).</summary>
    public uint Vni { get; }

    /// <summary>NVGRE VSID (upper 24 bits of the GRE key).</summary>
    public uint Vsid { get; }

    /// <summary>NVGRE flow ID (low 8 bits of the GRE key); present with <see cref="Vsid"/>.</summary>
    public byte FlowId { get; }

    /// <summary>Inner destination MAC of a VXLAN/NVGRE frame.</summary>
    public ulong InnerDst { get; }

    /// <summary>Inner C-tag VLAN ID of a VXLAN/NVGRE frame.</summary>
    public ushort InnerVid { get; }

    /// <summary>True when every field in <paramref name="fields"/> is present.</summary>
    public bool Has(FrameField fields) => (Present & fields) == fields;

    /// <summary>Formats a 48-bit MAC as aa:bb:cc:dd:ee:ff.</summary>
    public static string FormatMac(ulong mac)
    {
        var sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--)
        {
            sb.Append(((byte)(mac >> (8 * i))).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            if (i > 0)
            {
                sb.Append(':');
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        FrameField present = Present;
        void Add(FrameField f, string text)
        {
            if ((present & f) == f)
            {
                sb.Append(sb.Length == 0 ? string.Empty : " ").Append(text);
            }
        }

        Add(FrameField.Dst, "dst=" + FormatMac(Dst));
        Add(FrameField.Svid, "svid=" + Svid);
        Add(FrameField.Cvid, "cvid=" + Cvid);
        Add(FrameField.Pcp, "pcp=" + Pcp);
        Add(FrameField.Vni, "vni=" + Vni);
        Add(FrameField.Vsid, "vsid=" + Vsid + " flowid=" + FlowId);
        Add(FrameField.InnerDst, "inner=" + FormatMac(InnerDst));
        Add(FrameField.InnerVid, "inner_vid=" + InnerVid);
        return sb.Length == 0 ? "(no fields)" : sb.ToString();
    }
}
