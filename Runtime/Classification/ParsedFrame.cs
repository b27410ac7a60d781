using System.ComponentModel;
using System.Runtime.CompilerServices;
using static Vmdq.Toolkit.Classification.BranchFree;

namespace Vmdq.Toolkit;

/// <summary>
/// A parsed frame as generated dispatchers consume it: each field as read (garbage when absent) and
/// its presence as a mask (all ones or 0), so a dispatcher combines them without branches or
/// unpacking. <see cref="FrameFields"/> is the friendly form; convert with <see cref="ToFields"/>.
/// The field order is relied on by the four-frame parser, which stores four fields at a time.
/// Used by generated code; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
public struct ParsedFrame
{
    /// <summary>Destination MAC (48 bits, first octet most significant).</summary>
    public ulong Dst;
    /// <summary>All ones when <see cref="Dst"/> is present.</summary>
    public ulong HasDst;
    /// <summary>S-tag VLAN ID.</summary>
    public ulong Svid;
    /// <summary>All ones when there is an S-tag.</summary>
    public ulong HasSvid;
    /// <summary>C-tag VLAN ID.</summary>
    public ulong Cvid;
    /// <summary>All ones when there is a C-tag.</summary>
    public ulong HasCvid;
    /// <summary>Priority of the outermost tag.</summary>
    public ulong Pcp;
    /// <summary>All ones when the frame is tagged.</summary>
    public ulong HasPcp;
    /// <summary>The VNI of a VXLAN frame or the VSID of an NVGRE frame (24 bits).</summary>
    public ulong TunnelId;
    /// <summary>NVGRE flow ID (low 8 bits of the key).</summary>
    public ulong FlowId;
    /// <summary>All ones for a VXLAN frame.</summary>
    public ulong IsVxlan;
    /// <summary>All ones for an NVGRE frame.</summary>
    public ulong IsNvgre;
    /// <summary>Inner destination MAC.</summary>
    public ulong InnerDst;
    /// <summary>All ones when <see cref="InnerDst"/> is present.</summary>
    public ulong HasInnerDst;
    /// <summary>Inner C-tag VLAN ID.</summary>
    public ulong InnerVid;
    /// <summary>All ones when there is an inner C-tag.</summary>
    public ulong HasInnerVid;

    /// <summary>The friendly form: absent fields 0, presence as <see cref="FrameField"/> flags.</summary>
    public readonly FrameFields ToFields()
    {
        var present =
            (FrameField)((uint)HasDst & (uint)FrameField.Dst)
            | (FrameField)((uint)HasSvid & (uint)FrameField.Svid)
            | (FrameField)((uint)HasCvid & (uint)FrameField.Cvid)
            | (FrameField)((uint)HasPcp & (uint)FrameField.Pcp)
            | (FrameField)((uint)IsVxlan & (uint)FrameField.Vni)
            | (FrameField)((uint)IsNvgre & (uint)FrameField.Vsid)
            | (FrameField)((uint)HasInnerDst & (uint)FrameField.InnerDst)
            | (FrameField)((uint)HasInnerVid & (uint)FrameField.InnerVid);
        return new FrameFields(
            present,
            Dst & HasDst,
            (ushort)(Svid & HasSvid),
            (ushort)(Cvid & HasCvid),
            (byte)(Pcp & HasPcp),
            (uint)(TunnelId & IsVxlan),
            (uint)(TunnelId & IsNvgre),
            (byte)(FlowId & IsNvgre),
            InnerDst & HasInnerDst,
            (ushort)(InnerVid & HasInnerVid));
    }

    /// <summary>The mask form of already-parsed <paramref name="fields"/>.</summary>
    public static ParsedFrame From(in FrameFields fields)
    {
        var p = fields.Present;
        return new ParsedFrame
        {
            Dst = fields.Dst,
            HasDst = Flag(p, FrameField.Dst),
            Svid = fields.Svid,
            HasSvid = Flag(p, FrameField.Svid),
            Cvid = fields.Cvid,
            HasCvid = Flag(p, FrameField.Cvid),
            Pcp = fields.Pcp,
            HasPcp = Flag(p, FrameField.Pcp),
            TunnelId = fields.Has(FrameField.Vni) ? fields.Vni : fields.Vsid,
            FlowId = fields.FlowId,
            IsVxlan = Flag(p, FrameField.Vni),
            IsNvgre = Flag(p, FrameField.Vsid) & ~Flag(p, FrameField.Vni),
            InnerDst = fields.InnerDst,
            HasInnerDst = Flag(p, FrameField.InnerDst),
            InnerVid = fields.InnerVid,
            HasInnerVid = Flag(p, FrameField.InnerVid),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Flag(FrameField present, FrameField field) => NonZeroSmall((ulong)(present & field));
}
