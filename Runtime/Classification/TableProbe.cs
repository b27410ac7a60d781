using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Vmdq.Toolkit.Classification.BranchFree;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// Probes one perfect-hash table (<see cref="ProbeTable"/>): exactly two memory reads (the bucket's
/// displacement and the slot's key) and a masked key compare. A probe returns the slot's index, not its
/// verdict: the kernel keeps the index of the winning slot and fetches one verdict per frame at the end
/// (<see cref="ClassifierTables"/>). Used by <see cref="DispatchKernel"/>; not meant for direct use.
/// </summary>
/// <remarks>
/// Table layout (Rules/Contract/DispatchContract.cs; built at compile time by Vmdq.Toolkit.Rules' table
/// builder, or at run time): displacements are one little-endian ulong per bucket (pre-multiplied); keys
/// are 8 bytes per slot (below 2^62; empty slots hold 2^62, which no key equals), or 16 in a wide table
/// (key, then extra). Indices are in range by construction (bucket and slot are the top bits of a
/// multiply, and <see cref="ProbeTable"/>'s constructor checks the arrays' lengths against the shifts),
/// so no bounds checks are needed.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class TableProbe
{
    /// <summary>
    /// Looks <paramref name="key"/> up in a narrow table (8-byte keys). Returns the slot's index;
    /// <paramref name="hit"/> is all ones on a match and 0 otherwise (including when
    /// <paramref name="present"/> is 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Probe(in ProbeTable table, ulong key, ulong present, out ulong hit)
    {
        ulong slot = Slot(in table, key);
        hit = Hit(in table, slot, key, present);
        return slot;
    }

    /// <summary>
    /// Looks (<paramref name="key"/>, <paramref name="extra"/>) up in a wide table (16-byte keys: key, then
    /// extra). Returns the slot's index; <paramref name="hit"/> is all ones on a match and 0 otherwise
    /// (including when <paramref name="present"/> is 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ProbeWide(in ProbeTable table, ulong key, ulong extra, ulong present, out ulong hit)
    {
        ulong slot = SlotWide(in table, key, extra);
        hit = HitWide(in table, slot, key, extra, present);
        return slot;
    }

    /// <summary>A probe's first half: the slot <paramref name="key"/> lands in, in a narrow table (one displacement read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Slot(in ProbeTable table, ulong key) => SlotOf(in table, KeyHash.Hash(key, 0));

    /// <summary>A probe's first half: the slot (<paramref name="key"/>, <paramref name="extra"/>) lands in, in a wide table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SlotWide(in ProbeTable table, ulong key, ulong extra) => SlotOf(in table, KeyHash.Hash(key, extra));

    /// <summary>A probe's second half: all ones where <paramref name="slot"/> of a narrow table holds <paramref name="key"/> and <paramref name="present"/> is set (one key read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hit(in ProbeTable table, ulong slot, ulong key, ulong present) =>
        EqSmall(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Keys), (nint)(slot << 3))), key) & present;

    /// <summary>A probe's second half in a wide table: the key and the extra read and compared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong HitWide(in ProbeTable table, ulong slot, ulong key, ulong extra, ulong present)
    {
        ref byte stored = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Keys), (nint)(slot << 4));
        return EqSmall(Unsafe.ReadUnaligned<ulong>(ref stored), key) & EqSmall(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref stored, 8)), extra) & present;
    }

    /// <summary>The slot a hash lands in: one displacement read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SlotOf(in ProbeTable table, ulong hash)
    {
        ulong displacement = Unsafe.ReadUnaligned<ulong>(
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Displacements), (nint)(KeyHash.Bucket(hash, table.BucketShift) << 3)));
        return KeyHash.Slot(hash, displacement, table.Shift);
    }
}
