using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace Vmdq.Toolkit;

/// <summary>
/// Four parsed frames, one vector per field, lane k holding frame k (the four-frame form of
/// <see cref="ParsedFrame"/>, same meaning field by field). Used by generated batch classifiers.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct ParsedFrame4
{
    /// <summary>Destination MACs.</summary>
    public Vector256<ulong> Dst;
    /// <summary>Destination MAC presence masks.</summary>
    public Vector256<ulong> HasDst;
    /// <summary>S-tag VLAN IDs.</summary>
    public Vector256<ulong> Svid;
    /// <summary>S-tag presence masks.</summary>
    public Vector256<ulong> HasSvid;
    /// <summary>C-tag VLAN IDs.</summary>
    public Vector256<ulong> Cvid;
    /// <summary>C-tag presence masks.</summary>
    public Vector256<ulong> HasCvid;
    /// <summary>Outermost tag priorities.</summary>
    public Vector256<ulong> Pcp;
    /// <summary>Tag presence masks.</summary>
    public Vector256<ulong> HasPcp;
    /// <summary>VNIs or VSIDs.</summary>
    public Vector256<ulong> TunnelId;
    /// <summary>NVGRE flow IDs.</summary>
    public Vector256<ulong> FlowId;
    /// <summary>VXLAN masks.</summary>
    public Vector256<ulong> IsVxlan;
    /// <summary>NVGRE masks.</summary>
    public Vector256<ulong> IsNvgre;
    /// <summary>Inner destination MACs.</summary>
    public Vector256<ulong> InnerDst;
    /// <summary>Inner destination presence masks.</summary>
    public Vector256<ulong> HasInnerDst;
    /// <summary>Inner C-tag VLAN IDs.</summary>
    public Vector256<ulong> InnerVid;
    /// <summary>Inner C-tag presence masks.</summary>
    public Vector256<ulong> HasInnerVid;
}
