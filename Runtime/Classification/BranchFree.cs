using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// Masks and selects: the building blocks of the per-frame path. A "mask" is all ones (true) or
/// all zeros (false), so conditions combine with &amp; and | and choose values without branches.
/// Used by generated dispatchers; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BranchFree
{
    /// <summary>All ones when <paramref name="a"/> == <paramref name="b"/>, else 0; both below 2^63 (3 instructions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong EqSmall(ulong a, ulong b) => (ulong)((long)((a ^ b) - 1) >> 63);

    /// <summary>All ones when <paramref name="x"/> != 0, else 0; <paramref name="x"/> below 2^63 (2 instructions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonZeroSmall(ulong x) => (ulong)((long)(0UL - x) >> 63);

    /// <summary>All ones when <paramref name="a"/> &lt;= <paramref name="b"/> (both below 2^62), else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Le(ulong a, ulong b) => (ulong)((long)(a - b - 1) >> 63);

    /// <summary><paramref name="ifTrue"/> where <paramref name="mask"/> is all ones, <paramref name="ifFalse"/> where it is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Select(ulong mask, ulong ifTrue, ulong ifFalse) => ifFalse ^ ((ifTrue ^ ifFalse) & mask);
}
