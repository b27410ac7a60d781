using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vmdq.Toolkit.Classification;

public static partial class TableProbe
{
    /// <summary>
    /// Probes one table for four keys at once (AVX2 gathers; the same hash and layout as
    /// <see cref="Probe"/>). Returns each lane's verdict bits; <paramref name="hit"/> is all ones in
    /// the lanes that matched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<ulong> Probe4(
        in ProbeTable table, Vector256<ulong> key, Vector256<ulong> extra, Vector256<ulong> present, out Vector256<ulong> hit)
    {
        int bucketShift = table.BucketShift, shift = table.Shift;
        fixed (byte* d = &MemoryMarshal.GetArrayDataReference(table.Displacements))
        fixed (byte* s = &MemoryMarshal.GetArrayDataReference(table.Slots))
        {
            var hash = (key ^ (extra * Vector256.Create(KeyHash.Golden))) * Vector256.Create(KeyHash.KeyMultiplier);
            var displacement = Avx2.GatherVector256((ulong*)d, Vector256.ShiftRightLogical(hash, bucketShift).AsInt64(), 8);
            var slot = Vector256.ShiftRightLogical((hash ^ displacement) * Vector256.Create(KeyHash.SlotMultiplier), shift) << VerdictLayout.SlotSizeLog2;
            var storedKey = Avx2.GatherVector256((ulong*)s, slot.AsInt64(), 1);
            var payload = Avx2.GatherVector256((ulong*)(s + VerdictLayout.PayloadOffset), slot.AsInt64(), 1);
            hit = Vector256.Equals(storedKey, key) & Vector256.Equals(payload >> ExtraShift, extra) & present;
            return payload & Vector256.Create(VerdictMask);
        }
    }

    /// <summary>
    /// Probes one table for eight keys (two four-lane probes: .NET has no AVX-512 gather). Returns each lane's
    /// verdict bits; <paramref name="hit"/> is all ones in the lanes that matched. Requires AVX2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Probe8(
        in ProbeTable table, Vector512<ulong> key, Vector512<ulong> extra, Vector512<ulong> present, out Vector512<ulong> hit)
    {
        var lower = Probe4(in table, key.GetLower(), extra.GetLower(), present.GetLower(), out var hitLower);
        var upper = Probe4(in table, key.GetUpper(), extra.GetUpper(), present.GetUpper(), out var hitUpper);
        hit = Vector512.Create(hitLower, hitUpper);
        return Vector512.Create(lower, upper);
    }
}
