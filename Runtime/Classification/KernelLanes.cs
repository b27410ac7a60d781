using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static Vmdq.Toolkit.Classification.BranchFree;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// How a dispatch kernel's operations are spelled for one width: one frame (<c>ulong</c> masks and
/// <see cref="BranchFree"/> selects) or four (one <c>Vector256&lt;ulong&gt;</c> lane per frame). The
/// kernel (<see cref="DispatchKernel"/>) is written once against this interface; a new width (eight
/// frames in a <c>Vector512</c>) is a new implementation, not another copy of the kernel. Every member
/// is a static abstract on a struct, so the JIT specialises and inlines them: no interface calls remain.
/// </summary>
/// <typeparam name="TValue">A value or mask for all the frames at once.</typeparam>
/// <typeparam name="TFrame">The parsed frames (<see cref="ParsedFrame"/>, <see cref="ParsedFrame4"/>).</typeparam>
internal interface IKernelLanes<TValue, TFrame>
    where TValue : struct
    where TFrame : struct
{
    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract TValue Splat(ulong value);

    /// <summary><c>a &amp; b</c>.</summary>
    static abstract TValue And(TValue a, TValue b);

    /// <summary><c>a &amp; ~b</c>.</summary>
    static abstract TValue AndNot(TValue a, TValue b);

    /// <summary><c>a | b</c>.</summary>
    static abstract TValue Or(TValue a, TValue b);

    /// <summary><c>a &lt;&lt; count</c>.</summary>
    static abstract TValue ShiftLeft(TValue a, int count);

    /// <summary>All ones where <c>a == b</c> (both below 2^63), else 0.</summary>
    static abstract TValue Equal(TValue a, TValue b);

    /// <summary>All ones where <c>a != 0</c> (below 2^63), else 0.</summary>
    static abstract TValue NonZero(TValue a);

    /// <summary><c>mask ? ifTrue : ifFalse</c> per lane, for masks of all ones or 0; no branch.</summary>
    static abstract TValue Select(TValue mask, TValue ifTrue, TValue ifFalse);

    /// <summary><c>a + b</c>.</summary>
    static abstract TValue Add(TValue a, TValue b);

    /// <summary>A probe's first half: the slot <paramref name="key"/> lands in, in a narrow <paramref name="table"/> (the displacement read; see <see cref="TableProbe"/>).</summary>
    static abstract TValue Slot(in ProbeTable table, TValue key);

    /// <summary>A probe's first half in a wide <paramref name="table"/>: the slot (<paramref name="key"/>, <paramref name="extra"/>) lands in.</summary>
    static abstract TValue SlotWide(in ProbeTable table, TValue key, TValue extra);

    /// <summary>A probe's second half: all ones where <paramref name="slot"/> of a narrow <paramref name="table"/> holds <paramref name="key"/> and <paramref name="present"/> is set (the key read).</summary>
    static abstract TValue Hit(in ProbeTable table, TValue slot, TValue key, TValue present);

    /// <summary>A probe's second half in a wide <paramref name="table"/>: the key and extra read and compared.</summary>
    static abstract TValue HitWide(in ProbeTable table, TValue slot, TValue key, TValue extra, TValue present);

    /// <summary>The entries of <paramref name="verdicts"/> at <paramref name="index"/> (in range by construction: no check).</summary>
    static abstract TValue Fetch(ulong[] verdicts, TValue index);

    /// <summary>Starts loading the displacement line <paramref name="key"/>'s probe of a narrow <paramref name="table"/> will read (a prefetch: no result, no fault).</summary>
    static abstract void PrefetchBucket(in ProbeTable table, TValue key);

    /// <summary>Starts loading the displacement line a wide probe of (<paramref name="key"/>, <paramref name="extra"/>) will read.</summary>
    static abstract void PrefetchBucketWide(in ProbeTable table, TValue key, TValue extra);

    /// <summary>
    /// Reads the displacement <paramref name="key"/>'s probe of a narrow <paramref name="table"/> lands on (prefetched a step
    /// before) and starts loading the key line and the verdict line (at <paramref name="verdictBase"/> plus the slot in
    /// <paramref name="verdicts"/>) the probe and the final fetch will read.
    /// </summary>
    static abstract void PrefetchSlot(in ProbeTable table, TValue key, ulong[] verdicts, ulong verdictBase);

    /// <summary>The same for a wide probe of (<paramref name="key"/>, <paramref name="extra"/>).</summary>
    static abstract void PrefetchSlotWide(in ProbeTable table, TValue key, TValue extra, ulong[] verdicts, ulong verdictBase);

    /// <summary>The frames' destination MACs.</summary>
    static abstract TValue Dst(in TFrame f);

    /// <summary>Destination MAC presence.</summary>
    static abstract TValue HasDst(in TFrame f);

    /// <summary>S-tag VLAN IDs (S-VIDs).</summary>
    static abstract TValue Svid(in TFrame f);

    /// <summary>S-tag presence.</summary>
    static abstract TValue HasSvid(in TFrame f);

    /// <summary>C-tag VLAN IDs.</summary>
    static abstract TValue Cvid(in TFrame f);

    /// <summary>C-tag presence.</summary>
    static abstract TValue HasCvid(in TFrame f);

    /// <summary>VNIs or VSIDs.</summary>
    static abstract TValue TunnelId(in TFrame f);

    /// <summary>VXLAN masks.</summary>
    static abstract TValue IsVxlan(in TFrame f);

    /// <summary>NVGRE masks.</summary>
    static abstract TValue IsNvgre(in TFrame f);

    /// <summary>Inner destination MACs.</summary>
    static abstract TValue InnerDst(in TFrame f);

    /// <summary>Inner destination MAC presence.</summary>
    static abstract TValue HasInnerDst(in TFrame f);
}

/// <summary>One frame: <c>ulong</c> values and masks.</summary>
internal readonly struct ScalarLanes : IKernelLanes<ulong, ParsedFrame>
{
#pragma warning disable CS1591 // the interface documents the members
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Splat(ulong value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong And(ulong a, ulong b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong AndNot(ulong a, ulong b) => a & ~b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Or(ulong a, ulong b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong ShiftLeft(ulong a, int count) => a << count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Equal(ulong a, ulong b) => EqSmall(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong NonZero(ulong a) => NonZeroSmall(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Select(ulong mask, ulong ifTrue, ulong ifFalse) => BranchFree.Select(mask, ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Add(ulong a, ulong b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Slot(in ProbeTable table, ulong key) => TableProbe.Slot(in table, key);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong SlotWide(in ProbeTable table, ulong key, ulong extra) => TableProbe.SlotWide(in table, key, extra);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Hit(in ProbeTable table, ulong slot, ulong key, ulong present) => TableProbe.Hit(in table, slot, key, present);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong HitWide(in ProbeTable table, ulong slot, ulong key, ulong extra, ulong present) => TableProbe.HitWide(in table, slot, key, extra, present);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Fetch(ulong[] verdicts, ulong index) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(verdicts), (nint)index);

    // One frame at a time is the batch loops' tail and the single-frame Classify: neither prefetches, so these do nothing.
    public static void PrefetchBucket(in ProbeTable table, ulong key) { }
    public static void PrefetchBucketWide(in ProbeTable table, ulong key, ulong extra) { }
    public static void PrefetchSlot(in ProbeTable table, ulong key, ulong[] verdicts, ulong verdictBase) { }
    public static void PrefetchSlotWide(in ProbeTable table, ulong key, ulong extra, ulong[] verdicts, ulong verdictBase) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Dst(in ParsedFrame f) => f.Dst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong HasDst(in ParsedFrame f) => f.HasDst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Svid(in ParsedFrame f) => f.Svid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong HasSvid(in ParsedFrame f) => f.HasSvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong Cvid(in ParsedFrame f) => f.Cvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong HasCvid(in ParsedFrame f) => f.HasCvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong TunnelId(in ParsedFrame f) => f.TunnelId;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong IsVxlan(in ParsedFrame f) => f.IsVxlan;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong IsNvgre(in ParsedFrame f) => f.IsNvgre;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong InnerDst(in ParsedFrame f) => f.InnerDst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong HasInnerDst(in ParsedFrame f) => f.HasInnerDst;
#pragma warning restore CS1591
}

/// <summary>Four frames: one <c>Vector256&lt;ulong&gt;</c> lane each, tables probed with scalar loads (<see cref="TableProbe.Slot4"/>, <see cref="TableProbe.Hit4"/>: faster than AVX2 gathers on Zen 4, the same on the AVX2 VM of 2026-11-27).</summary>
internal readonly struct Vector256Lanes : IKernelLanes<Vector256<ulong>, ParsedFrame4>
{
#pragma warning disable CS1591 // the interface documents the members
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Splat(ulong value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> And(Vector256<ulong> a, Vector256<ulong> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> AndNot(Vector256<ulong> a, Vector256<ulong> b) => Vector256.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Or(Vector256<ulong> a, Vector256<ulong> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> ShiftLeft(Vector256<ulong> a, int count) => a << count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Equal(Vector256<ulong> a, Vector256<ulong> b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> NonZero(Vector256<ulong> a) => ~Vector256.Equals(a, Vector256<ulong>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Select(Vector256<ulong> mask, Vector256<ulong> ifTrue, Vector256<ulong> ifFalse) => Vector256.ConditionalSelect(mask, ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Add(Vector256<ulong> a, Vector256<ulong> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Slot(in ProbeTable table, Vector256<ulong> key) => TableProbe.Slot4(in table, key);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> SlotWide(in ProbeTable table, Vector256<ulong> key, Vector256<ulong> extra) => TableProbe.Slot4Wide(in table, key, extra);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Hit(in ProbeTable table, Vector256<ulong> slot, Vector256<ulong> key, Vector256<ulong> present) => TableProbe.Hit4(in table, slot, key, present);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> HitWide(in ProbeTable table, Vector256<ulong> slot, Vector256<ulong> key, Vector256<ulong> extra, Vector256<ulong> present) => TableProbe.Hit4Wide(in table, slot, key, extra, present);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Fetch(ulong[] verdicts, Vector256<ulong> index) => TableProbe.Fetch4(verdicts, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void PrefetchBucket(in ProbeTable table, Vector256<ulong> key) => TableProbe.PrefetchBuckets4(in table, key * Vector256.Create(KeyHash.KeyMultiplier));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void PrefetchBucketWide(in ProbeTable table, Vector256<ulong> key, Vector256<ulong> extra) => TableProbe.PrefetchBuckets4(in table, (key ^ (extra * Vector256.Create(KeyHash.Golden))) * Vector256.Create(KeyHash.KeyMultiplier));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void PrefetchSlot(in ProbeTable table, Vector256<ulong> key, ulong[] verdicts, ulong verdictBase) => TableProbe.PrefetchSlots4(in table, key * Vector256.Create(KeyHash.KeyMultiplier), 3, verdicts, verdictBase);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void PrefetchSlotWide(in ProbeTable table, Vector256<ulong> key, Vector256<ulong> extra, ulong[] verdicts, ulong verdictBase) => TableProbe.PrefetchSlots4(in table, (key ^ (extra * Vector256.Create(KeyHash.Golden))) * Vector256.Create(KeyHash.KeyMultiplier), 4, verdicts, verdictBase);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Dst(in ParsedFrame4 f) => f.Dst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> HasDst(in ParsedFrame4 f) => f.HasDst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Svid(in ParsedFrame4 f) => f.Svid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> HasSvid(in ParsedFrame4 f) => f.HasSvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> Cvid(in ParsedFrame4 f) => f.Cvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> HasCvid(in ParsedFrame4 f) => f.HasCvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> TunnelId(in ParsedFrame4 f) => f.TunnelId;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> IsVxlan(in ParsedFrame4 f) => f.IsVxlan;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> IsNvgre(in ParsedFrame4 f) => f.IsNvgre;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> InnerDst(in ParsedFrame4 f) => f.InnerDst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<ulong> HasInnerDst(in ParsedFrame4 f) => f.HasInnerDst;
#pragma warning restore CS1591
}

/// <summary>
/// Eight frames: one <c>Vector512&lt;ulong&gt;</c> lane each. Each table read is eight scalar loads
/// (<see cref="TableProbe.Slot8"/>, <see cref="TableProbe.Hit8"/>: .NET has no AVX-512 gather, and two AVX2 gathers were slower on Zen 4); the
/// rest is one instruction per operation where AVX-512 is there. Used only where AVX2 is (the batch loop checks).
/// </summary>
internal readonly struct Vector512Lanes : IKernelLanes<Vector512<ulong>, ParsedFrame8>
{
#pragma warning disable CS1591 // the interface documents the members
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Splat(ulong value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> And(Vector512<ulong> a, Vector512<ulong> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> AndNot(Vector512<ulong> a, Vector512<ulong> b) => Vector512.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Or(Vector512<ulong> a, Vector512<ulong> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> ShiftLeft(Vector512<ulong> a, int count) => a << count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Equal(Vector512<ulong> a, Vector512<ulong> b) => Vector512.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> NonZero(Vector512<ulong> a) => ~Vector512.Equals(a, Vector512<ulong>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Select(Vector512<ulong> mask, Vector512<ulong> ifTrue, Vector512<ulong> ifFalse) => Vector512.ConditionalSelect(mask, ifTrue, ifFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Add(Vector512<ulong> a, Vector512<ulong> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Slot(in ProbeTable table, Vector512<ulong> key) => TableProbe.Slot8(in table, key);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> SlotWide(in ProbeTable table, Vector512<ulong> key, Vector512<ulong> extra) => TableProbe.Slot8Wide(in table, key, extra);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Hit(in ProbeTable table, Vector512<ulong> slot, Vector512<ulong> key, Vector512<ulong> present) => TableProbe.Hit8(in table, slot, key, present);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> HitWide(in ProbeTable table, Vector512<ulong> slot, Vector512<ulong> key, Vector512<ulong> extra, Vector512<ulong> present) => TableProbe.Hit8Wide(in table, slot, key, extra, present);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Fetch(ulong[] verdicts, Vector512<ulong> index) => TableProbe.Fetch8(verdicts, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void PrefetchBucket(in ProbeTable table, Vector512<ulong> key) => TableProbe.PrefetchBuckets8(in table, key * Vector512.Create(KeyHash.KeyMultiplier));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void PrefetchBucketWide(in ProbeTable table, Vector512<ulong> key, Vector512<ulong> extra) => TableProbe.PrefetchBuckets8(in table, (key ^ (extra * Vector512.Create(KeyHash.Golden))) * Vector512.Create(KeyHash.KeyMultiplier));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void PrefetchSlot(in ProbeTable table, Vector512<ulong> key, ulong[] verdicts, ulong verdictBase) => TableProbe.PrefetchSlots8(in table, key * Vector512.Create(KeyHash.KeyMultiplier), 3, verdicts, verdictBase);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void PrefetchSlotWide(in ProbeTable table, Vector512<ulong> key, Vector512<ulong> extra, ulong[] verdicts, ulong verdictBase) => TableProbe.PrefetchSlots8(in table, (key ^ (extra * Vector512.Create(KeyHash.Golden))) * Vector512.Create(KeyHash.KeyMultiplier), 4, verdicts, verdictBase);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Dst(in ParsedFrame8 f) => f.Dst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> HasDst(in ParsedFrame8 f) => f.HasDst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Svid(in ParsedFrame8 f) => f.Svid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> HasSvid(in ParsedFrame8 f) => f.HasSvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> Cvid(in ParsedFrame8 f) => f.Cvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> HasCvid(in ParsedFrame8 f) => f.HasCvid;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> TunnelId(in ParsedFrame8 f) => f.TunnelId;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> IsVxlan(in ParsedFrame8 f) => f.IsVxlan;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> IsNvgre(in ParsedFrame8 f) => f.IsNvgre;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> InnerDst(in ParsedFrame8 f) => f.InnerDst;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<ulong> HasInnerDst(in ParsedFrame8 f) => f.HasInnerDst;
#pragma warning restore CS1591
}
