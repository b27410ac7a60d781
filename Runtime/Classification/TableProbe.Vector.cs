using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vmdq.Toolkit.Classification;

public static partial class TableProbe
{
    /// <summary><see cref="Slot"/> for four keys (the same hash and layout; four scalar loads per table read, faster than one AVX2 gather on Zen 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Slot4(in ProbeTable table, Vector256<ulong> key) => SlotOf4(in table, key * Vector256.Create(KeyHash.KeyMultiplier));

    /// <summary><see cref="SlotWide"/> for four (key, extra) pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Slot4Wide(in ProbeTable table, Vector256<ulong> key, Vector256<ulong> extra) =>
        SlotOf4(in table, (key ^ (extra * Vector256.Create(KeyHash.Golden))) * Vector256.Create(KeyHash.KeyMultiplier));

    /// <summary><see cref="Hit"/> for four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Hit4(in ProbeTable table, Vector256<ulong> slot, Vector256<ulong> key, Vector256<ulong> present) =>
        Vector256.Equals(Read4(ref MemoryMarshal.GetArrayDataReference(table.Keys), slot << 3), key) & present;

    /// <summary><see cref="HitWide"/> for four lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Hit4Wide(in ProbeTable table, Vector256<ulong> slot, Vector256<ulong> key, Vector256<ulong> extra, Vector256<ulong> present)
    {
        var offset = slot << 4;
        ref byte keys = ref MemoryMarshal.GetArrayDataReference(table.Keys);
        return Vector256.Equals(Read4(ref keys, offset), key) & Vector256.Equals(Read4(ref Unsafe.Add(ref keys, 8), offset), extra) & present;
    }

    /// <summary>
    /// <see cref="Slot"/> for eight keys (the same hash and layout). The hashing, shifts and compares are one eight-lane operation
    /// each; each table read is eight scalar loads (<see cref="Read8"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Slot8(in ProbeTable table, Vector512<ulong> key) =>
        SlotOf8(in table, key * Vector512.Create(KeyHash.KeyMultiplier));

    /// <summary><see cref="SlotWide"/> for eight (key, extra) pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Slot8Wide(in ProbeTable table, Vector512<ulong> key, Vector512<ulong> extra) =>
        SlotOf8(in table, (key ^ (extra * Vector512.Create(KeyHash.Golden))) * Vector512.Create(KeyHash.KeyMultiplier));

    /// <summary><see cref="Hit"/> for eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Hit8(in ProbeTable table, Vector512<ulong> slot, Vector512<ulong> key, Vector512<ulong> present) =>
        Vector512.Equals(Read8(ref MemoryMarshal.GetArrayDataReference(table.Keys), slot << 3), key) & present;

    /// <summary><see cref="HitWide"/> for eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Hit8Wide(in ProbeTable table, Vector512<ulong> slot, Vector512<ulong> key, Vector512<ulong> extra, Vector512<ulong> present)
    {
        var offset = slot << 4;
        ref byte keys = ref MemoryMarshal.GetArrayDataReference(table.Keys);
        return Vector512.Equals(Read8(ref keys, offset), key) & Vector512.Equals(Read8(ref Unsafe.Add(ref keys, 8), offset), extra) & present;
    }

    /// <summary>Eight verdicts: <paramref name="index"/>'s entries of <paramref name="verdicts"/> (the indices are in range by construction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> Fetch8(ulong[] verdicts, Vector512<ulong> index) =>
        Read8(ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(verdicts)), index << 3);

    /// <summary>The slots eight hashes land in: the displacement reads, then the slot hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> SlotOf8(in ProbeTable table, Vector512<ulong> hash)
    {
        var displacement = Read8(ref MemoryMarshal.GetArrayDataReference(table.Displacements), Vector512.ShiftRightLogical(hash, table.BucketShift) << 3);
        return Vector512.ShiftRightLogical((hash ^ displacement) * Vector512.Create(KeyHash.SlotMultiplier), table.Shift);
    }

    /// <summary>
    /// The eight ulongs at <paramref name="b"/> + each lane of <paramref name="offset"/> (bytes; in range by construction):
    /// each half's four by <see cref="Read4"/>. On Zen 4 this is faster than two AVX2 gathers (.NET has no AVX-512 gather),
    /// and it needs no pinning: the reads go through a GC-tracked reference.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Read8(ref byte b, Vector512<ulong> offset) =>
        Read4(ref b, offset.GetLower()).ToVector512Unsafe().WithUpper(Read4(ref b, offset.GetUpper()));

    /// <summary>The ulong at <paramref name="b"/> + <paramref name="offset"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Read(ref byte b, ulong offset) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.AddByteOffset(ref b, (nuint)offset));

    /// <summary>Four verdicts: <paramref name="index"/>'s entries of <paramref name="verdicts"/> (four scalar loads; the indices are in range by construction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> Fetch4(ulong[] verdicts, Vector256<ulong> index) =>
        Read4(ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(verdicts)), index << 3);

    /// <summary>
    /// Prefetches the displacement lines of the buckets four hashes fall in (the first of a probe's two dependent
    /// reads), so a batch loop can start them for the next step's frames while it decides this step's. The bucket
    /// indices are in range by construction (the top bits of the hash), and a prefetch never faults. No-op without SSE.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void PrefetchBuckets4(in ProbeTable table, Vector256<ulong> hash)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        fixed (byte* d = &MemoryMarshal.GetArrayDataReference(table.Displacements))
        {
            Prefetch4(d, Vector256.ShiftRightLogical(hash, table.BucketShift) << 3);
        }
    }

    /// <summary>
    /// The second prefetch step: the slots four hashes land in (four displacement reads, of lines <see cref="PrefetchBuckets4"/>
    /// started a step before), then the key lines (slot &lt;&lt; <paramref name="keyShift"/>: 3 narrow, 4 wide) and the verdict
    /// lines (<paramref name="verdictBase"/> + slot) the probe and the final fetch will read. No-op without SSE.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void PrefetchSlots4(in ProbeTable table, Vector256<ulong> hash, int keyShift, ulong[] verdicts, ulong verdictBase)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var slot = SlotOf4(in table, hash);
        fixed (byte* k = &MemoryMarshal.GetArrayDataReference(table.Keys))
        fixed (ulong* v = &MemoryMarshal.GetArrayDataReference(verdicts))
        {
            Prefetch4(k, slot << keyShift);
            Prefetch4((byte*)v, (slot + Vector256.Create(verdictBase)) << 3);
        }
    }

    /// <summary>Prefetch step one for eight hashes (<see cref="PrefetchBuckets4"/>, the shift as one eight-lane operation). No-op without SSE.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void PrefetchBuckets8(in ProbeTable table, Vector512<ulong> hash)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var offset = Vector512.ShiftRightLogical(hash, table.BucketShift) << 3;
        fixed (byte* d = &MemoryMarshal.GetArrayDataReference(table.Displacements))
        {
            Prefetch8(d, offset);
        }
    }

    /// <summary>Prefetch step two for eight hashes (<see cref="PrefetchSlots4"/>: eight displacement reads, then eight key and eight verdict lines). No-op without SSE.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void PrefetchSlots8(in ProbeTable table, Vector512<ulong> hash, int keyShift, ulong[] verdicts, ulong verdictBase)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var slot = SlotOf8(in table, hash);
        fixed (byte* k = &MemoryMarshal.GetArrayDataReference(table.Keys))
        fixed (ulong* v = &MemoryMarshal.GetArrayDataReference(verdicts))
        {
            Prefetch8(k, slot << keyShift);
            Prefetch8((byte*)v, (slot + Vector512.Create(verdictBase)) << 3);
        }
    }

    /// <summary>Starts loading the lines at <paramref name="b"/> + each lane of <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch8(byte* b, Vector512<ulong> offset)
    {
        Prefetch4(b, offset.GetLower());
        Prefetch4(b, offset.GetUpper());
    }

    /// <summary>Starts loading the lines at <paramref name="b"/> + each lane of <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch4(byte* b, Vector256<ulong> offset)
    {
        Sse.Prefetch0(b + offset.GetElement(0));
        Sse.Prefetch0(b + offset.GetElement(1));
        Sse.Prefetch0(b + offset.GetElement(2));
        Sse.Prefetch0(b + offset.GetElement(3));
    }

    /// <summary>The slots four hashes land in: four displacement reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> SlotOf4(in ProbeTable table, Vector256<ulong> hash)
    {
        var displacement = Read4(ref MemoryMarshal.GetArrayDataReference(table.Displacements), Vector256.ShiftRightLogical(hash, table.BucketShift) << 3);
        return Vector256.ShiftRightLogical((hash ^ displacement) * Vector256.Create(KeyHash.SlotMultiplier), table.Shift);
    }

    /// <summary>The four ulongs at <paramref name="b"/> + each lane of <paramref name="offset"/> (bytes; in range by construction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Read4(ref byte b, Vector256<ulong> offset)
    {
        Vector128<ulong> o0 = offset.GetLower(), o1 = offset.GetUpper();
        return Vector256.Create(Read(ref b, o0.ToScalar()), Read(ref b, o0.GetElement(1)), Read(ref b, o1.ToScalar()), Read(ref b, o1.GetElement(1)));
    }
}
