using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vmdq.Toolkit;

/// <summary>
/// Eight parsed frames, one vector per field, lane k holding frame k (the eight-frame form of
/// <see cref="ParsedFrame"/>, same meaning, names and order field by field: the order is relied on
/// to move lanes in and out, field j lane k being the k-th <c>ulong</c> of the j-th vector).
/// Produced by <see cref="FrameParser.ParseRaw8Padded{TVariant}(System.ReadOnlySpan{byte}, System.ReadOnlySpan{FrameSlice}, int, out ParsedFrame8)"/> and <see cref="FrameParser.ParseRaw8{TVariant}(System.ReadOnlySpan{byte}, System.ReadOnlySpan{FrameSlice}, int, out ParsedFrame8)"/>.
/// Used by generated batch classifiers.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[StructLayout(LayoutKind.Sequential)]
public struct ParsedFrame8
{
    /// <summary>The number of fields (vectors), as in <see cref="ParsedFrame"/>.</summary>
    internal const int FieldCount = 16;

    /// <summary>Destination MACs.</summary>
    public Vector512<ulong> Dst;
    /// <summary>Destination MAC presence masks.</summary>
    public Vector512<ulong> HasDst;
    /// <summary>S-tag VLAN IDs.</summary>
    public Vector512<ulong> Svid;
    /// <summary>S-tag presence masks.</summary>
    public Vector512<ulong> HasSvid;
    /// <summary>C-tag VLAN IDs.</summary>
    public Vector512<ulong> Cvid;
    /// <summary>C-tag presence masks.</summary>
    public Vector512<ulong> HasCvid;
    /// <summary>Outermost tag priorities.</summary>
    public Vector512<ulong> Pcp;
    /// <summary>Tag presence masks.</summary>
    public Vector512<ulong> HasPcp;
    /// <summary>VNIs or VSIDs.</summary>
    public Vector512<ulong> TunnelId;
    /// <summary>NVGRE flow IDs.</summary>
    public Vector512<ulong> FlowId;
    /// <summary>VXLAN masks.</summary>
    public Vector512<ulong> IsVxlan;
    /// <summary>NVGRE masks.</summary>
    public Vector512<ulong> IsNvgre;
    /// <summary>Inner destination MACs.</summary>
    public Vector512<ulong> InnerDst;
    /// <summary>Inner destination presence masks.</summary>
    public Vector512<ulong> HasInnerDst;
    /// <summary>Inner C-tag VLAN IDs.</summary>
    public Vector512<ulong> InnerVid;
    /// <summary>Inner C-tag presence masks.</summary>
    public Vector512<ulong> HasInnerVid;

    /// <summary>Frame <paramref name="lane"/> (0..7) as a <see cref="ParsedFrame"/>.</summary>
    internal readonly ParsedFrame Lane(int lane)
    {
        ParsedFrame one = default;
        ref ulong to = ref one.Dst;
        ref readonly ulong from = ref Unsafe.As<Vector512<ulong>, ulong>(ref Unsafe.AsRef(in Dst));
        for (int field = 0; field < FieldCount; field++)
        {
            Unsafe.Add(ref to, field) = Unsafe.Add(ref Unsafe.AsRef(in from), (field * 8) + (lane & 7));
        }

        return one;
    }

    /// <summary>Sets frame <paramref name="lane"/> (0..7) to <paramref name="one"/>.</summary>
    internal void SetLane(int lane, in ParsedFrame one)
    {
        ref ulong to = ref Unsafe.As<Vector512<ulong>, ulong>(ref Dst);
        ref ulong from = ref Unsafe.AsRef(in one.Dst);
        for (int field = 0; field < FieldCount; field++)
        {
            Unsafe.Add(ref to, (field * 8) + (lane & 7)) = Unsafe.Add(ref from, field);
        }
    }

    /// <summary>Frames 0..3 from <paramref name="low"/> and 4..7 from <paramref name="high"/>.</summary>
    internal static void Join(in ParsedFrame4 low, in ParsedFrame4 high, out ParsedFrame8 f)
    {
        Unsafe.SkipInit(out f);
        ref Vector512<ulong> to = ref f.Dst;
        ref Vector256<ulong> lo = ref Unsafe.AsRef(in low.Dst);
        ref Vector256<ulong> hi = ref Unsafe.AsRef(in high.Dst);
        for (int field = 0; field < FieldCount; field++)
        {
            Unsafe.Add(ref to, field) = Vector512.Create(Unsafe.Add(ref lo, field), Unsafe.Add(ref hi, field));
        }
    }
}
