using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Vmdq.Toolkit.Classification.BranchFree;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// Probes one perfect-hash table (<see cref="ProbeTable"/>): exactly two memory reads (the bucket's
/// displacement and the slot) and a masked key compare. Used by <see cref="DispatchKernel"/>; not meant
/// for direct use.
/// </summary>
/// <remarks>
/// Table layout (Rules/Contract/DispatchContract.cs; built at compile time by Vmdq.Toolkit.Rules' table
/// builder, or at run time): displacements are one little-endian ulong per bucket (pre-multiplied); slots are
/// 16 bytes each: the key (ulong, below 2^62; empty slots hold 2^62, which no key equals) and the payload
/// (ulong: a <see cref="Verdict"/>'s 40 bits, the key's extra bits at 40..63). Indices are in range by
/// construction (bucket and slot are the top bits of a multiply, and <see cref="ProbeTable"/>'s constructor
/// checks the arrays' lengths against the shifts), so no bounds checks are needed.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class TableProbe
{
    /// <summary>Bit position of a slot payload's extra key bits (the slot layout is defined once, in Rules/Contract/DispatchContract.cs).</summary>
    public const int ExtraShift = VerdictLayout.ExtraShift;

    private const ulong VerdictMask = VerdictLayout.PayloadMask;

    /// <summary>
    /// Looks up (<paramref name="key"/>, <paramref name="extra"/>). Returns the payload's verdict bits;
    /// <paramref name="hit"/> is all ones on a match and 0 otherwise (including when
    /// <paramref name="present"/> is 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Probe(in ProbeTable table, ulong key, ulong extra, ulong present, out ulong hit)
    {
        ulong hash = KeyHash.Hash(key, extra);
        ulong displacement = Unsafe.ReadUnaligned<ulong>(
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Displacements), (nint)(KeyHash.Bucket(hash, table.BucketShift) << 3)));
        ref byte slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(table.Slots), (nint)(KeyHash.Slot(hash, displacement, table.Shift) << VerdictLayout.SlotSizeLog2));
        ulong storedKey = Unsafe.ReadUnaligned<ulong>(ref slot);
        ulong payload = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref slot, VerdictLayout.PayloadOffset));
        hit = EqSmall(storedKey, key) & EqSmall(payload >> ExtraShift, extra) & present;
        return payload & VerdictMask;
    }
}
