using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vmdq.Toolkit.Classification;

public static partial class TableProbe
{
    /// <summary>
    /// Probes a narrow table for four keys at once (AVX2 gathers; the same hash and layout as
    /// <see cref="Probe"/>). Returns each lane's slot index; <paramref name="hit"/> is all ones in the
    /// lanes that matched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<ulong> Probe4(in ProbeTable table, Vector256<ulong> key, Vector256<ulong> present, out Vector256<ulong> hit)
    {
        var slot = SlotOf4(in table, key * Vector256.Create(KeyHash.KeyMultiplier));
        fixed (byte* k = &MemoryMarshal.GetArrayDataReference(table.Keys))
        {
            var storedKey = Avx2.GatherVector256((ulong*)k, slot.AsInt64(), 8);
            hit = Vector256.Equals(storedKey, key) & present;
        }

        return slot;
    }

    /// <summary>
    /// Probes a wide table for four (key, extra) pairs at once (AVX2 gathers; the same hash and layout
    /// as <see cref="ProbeWide"/>). Returns each lane's slot index; <paramref name="hit"/> is all ones
    /// in the lanes that matched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<ulong> Probe4Wide(
        in ProbeTable table, Vector256<ulong> key, Vector256<ulong> extra, Vector256<ulong> present, out Vector256<ulong> hit)
    {
        var slot = SlotOf4(in table, (key ^ (extra * Vector256.Create(KeyHash.Golden))) * Vector256.Create(KeyHash.KeyMultiplier));
        fixed (byte* k = &MemoryMarshal.GetArrayDataReference(table.Keys))
        {
            var offset = (slot << 4).AsInt64();
            var storedKey = Avx2.GatherVector256((ulong*)k, offset, 1);
            var storedExtra = Avx2.GatherVector256((ulong*)(k + 8), offset, 1);
            hit = Vector256.Equals(storedKey, key) & Vector256.Equals(storedExtra, extra) & present;
        }

        return slot;
    }

    /// <summary>Probes a narrow table for eight keys (two four-lane probes: .NET has no AVX-512 gather). Requires AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Probe8(in ProbeTable table, Vector512<ulong> key, Vector512<ulong> present, out Vector512<ulong> hit)
    {
        var lower = Probe4(in table, key.GetLower(), present.GetLower(), out var hitLower);
        var upper = Probe4(in table, key.GetUpper(), present.GetUpper(), out var hitUpper);
        hit = Vector512.Create(hitLower, hitUpper);
        return Vector512.Create(lower, upper);
    }

    /// <summary>Probes a wide table for eight (key, extra) pairs (two four-lane probes). Requires AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Probe8Wide(
        in ProbeTable table, Vector512<ulong> key, Vector512<ulong> extra, Vector512<ulong> present, out Vector512<ulong> hit)
    {
        var lower = Probe4Wide(in table, key.GetLower(), extra.GetLower(), present.GetLower(), out var hitLower);
        var upper = Probe4Wide(in table, key.GetUpper(), extra.GetUpper(), present.GetUpper(), out var hitUpper);
        hit = Vector512.Create(hitLower, hitUpper);
        return Vector512.Create(lower, upper);
    }

    /// <summary>Four verdicts: <paramref name="index"/>'s entries of <paramref name="verdicts"/> (one gather; the indices are in range by construction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector256<ulong> Fetch4(ulong[] verdicts, Vector256<ulong> index)
    {
        fixed (ulong* v = &MemoryMarshal.GetArrayDataReference(verdicts))
        {
            return Avx2.GatherVector256(v, index.AsInt64(), 8);
        }
    }

    /// <summary>The slots four hashes land in: one displacement gather.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<ulong> SlotOf4(in ProbeTable table, Vector256<ulong> hash)
    {
        fixed (byte* d = &MemoryMarshal.GetArrayDataReference(table.Displacements))
        {
            var displacement = Avx2.GatherVector256((ulong*)d, Vector256.ShiftRightLogical(hash, table.BucketShift).AsInt64(), 8);
            return Vector256.ShiftRightLogical((hash ^ displacement) * Vector256.Create(KeyHash.SlotMultiplier), table.Shift);
        }
    }
}
