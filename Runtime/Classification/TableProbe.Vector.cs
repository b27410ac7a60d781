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
}
