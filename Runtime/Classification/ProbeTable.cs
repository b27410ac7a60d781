using System;
using System.ComponentModel;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// One perfect-hash table as the dispatch kernels read it (the layout of Rules/Contract/DispatchContract.cs):
/// one little-endian <c>ulong</c> displacement per bucket; per slot, a key of <see cref="KeySize"/> bytes
/// (8, or 16 for a table whose keys have an extra part: key, then extra) and, in a separate array, an
/// 8-byte verdict; with the shifts that pick a bucket and a slot from a hash. A probe reads only the
/// displacement and the key; the kernel fetches one verdict per frame, for the slot that won.
/// Built once (by generated code from its build-time data, or by an engine that builds tables at run
/// time) and then only read. Used by generated dispatchers; not meant for direct use.
/// </summary>
/// <remarks>
/// The constructor checks that the arrays hold exactly the buckets and slots the shifts address,
/// so a kernel's unchecked reads stay inside them whatever the key.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ProbeTable
{
    /// <summary>Bytes of a key in a narrow table.</summary>
    public const int NarrowKeySize = VerdictLayout.KeySize;

    /// <summary>Bytes of a key in a wide table (key, then extra).</summary>
    public const int WideKeySize = VerdictLayout.WideKeySize;

    /// <summary>Bytes of a verdict.</summary>
    public const int VerdictSize = VerdictLayout.VerdictSize;

    /// <summary>The smallest shift (64 - log2(count)): at most 2^31 buckets or slots.</summary>
    private const int MinShift = 33;

    /// <summary>Creates a table from its data.</summary>
    /// <param name="displacements">8 bytes per bucket: 2^(64 - <paramref name="bucketShift"/>) buckets.</param>
    /// <param name="keys">8 bytes per slot (a narrow table) or 16 (a wide one): 2^(64 - <paramref name="shift"/>) slots.</param>
    /// <param name="verdicts"><see cref="VerdictSize"/> bytes per slot: the verdict bits (only the verdict layout's bits).</param>
    /// <param name="bucketShift">64 - log2(buckets), 33..63.</param>
    /// <param name="shift">64 - log2(slots), 33..63.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A shift is outside 33..63.</exception>
    /// <exception cref="ArgumentException">An array's length is not what its shift addresses, or a verdict has bits outside the verdict layout.</exception>
    public ProbeTable(byte[] displacements, byte[] keys, byte[] verdicts, int bucketShift, int shift)
    {
        ArgumentNullException.ThrowIfNull(displacements);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(verdicts);
        CheckShift(bucketShift, nameof(bucketShift));
        CheckShift(shift, nameof(shift));
        long slots = 1L << (64 - shift);
        CheckLength(displacements, 1L << (64 - bucketShift), 8, "buckets", bucketShift, nameof(displacements));
        CheckLength(verdicts, slots, VerdictSize, "slots", shift, nameof(verdicts));
        if (keys.LongLength != slots * NarrowKeySize && keys.LongLength != slots * WideKeySize)
        {
            throw new ArgumentException(
                $"With shift {shift} the table has {slots} slots, so its keys take {slots * NarrowKeySize} bytes (8 per key) or {slots * WideKeySize} (16 per key), but keys has {keys.LongLength} bytes.",
                nameof(keys));
        }

        for (int at = 0; at < verdicts.Length; at += VerdictSize)
        {
            if ((BitConverter.ToUInt64(verdicts, at) & ~VerdictLayout.VerdictMask) != 0)
            {
                throw new ArgumentException(
                    $"The verdict of slot {at / VerdictSize} has bits above the verdict layout's {VerdictLayout.VerdictBitCount}.", nameof(verdicts));
            }
        }

        Displacements = displacements;
        Keys = keys;
        Verdicts = verdicts;
        KeySize = (int)(keys.LongLength / slots);
        BucketShift = bucketShift;
        Shift = shift;
    }

    /// <summary>A narrow table with two buckets and two empty slots: every probe misses.</summary>
    public static ProbeTable Empty { get; } = CreateEmpty(NarrowKeySize);

    /// <summary>A wide table with two buckets and two empty slots: every probe misses.</summary>
    public static ProbeTable EmptyWide { get; } = CreateEmpty(WideKeySize);

    /// <summary>One little-endian ulong per bucket.</summary>
    internal byte[] Displacements { get; }

    /// <summary>The keys' bytes.</summary>
    internal byte[] Keys { get; }

    /// <summary>The verdicts' bytes.</summary>
    internal byte[] Verdicts { get; }

    /// <summary>Bytes per key: <see cref="NarrowKeySize"/> or <see cref="WideKeySize"/>.</summary>
    public int KeySize { get; }

    /// <summary>64 - log2(buckets).</summary>
    internal int BucketShift { get; }

    /// <summary>64 - log2(slots).</summary>
    internal int Shift { get; }

    /// <summary>Number of slots.</summary>
    public long SlotCount => IsValid ? 1L << (64 - Shift) : 0;

    /// <summary>True when this is a table (not the default value of the struct).</summary>
    public bool IsValid => Displacements is not null;

    /// <summary>Bytes of table data (displacements, keys and verdicts).</summary>
    public long Bytes => IsValid ? (long)Displacements.Length + Keys.Length + Verdicts.Length : 0;

    private static ProbeTable CreateEmpty(int keySize)
    {
        var keys = new byte[2 * keySize];
        BitConverter.TryWriteBytes(keys.AsSpan(0, 8), VerdictLayout.EmptyKey);
        BitConverter.TryWriteBytes(keys.AsSpan(keySize, 8), VerdictLayout.EmptyKey);
        return new ProbeTable(new byte[16], keys, new byte[2 * VerdictSize], 63, 63);
    }

    private static void CheckShift(int shift, string name)
    {
        if (shift is < MinShift or > 63)
        {
            throw new ArgumentOutOfRangeException(name, shift, $"A table shift is 64 - log2(count) for 2 to 2^31 entries: {MinShift}..63.");
        }
    }

    private static void CheckLength(byte[] array, long count, int size, string what, int shift, string name)
    {
        if (array.LongLength != count * size)
        {
            throw new ArgumentException(
                $"With shift {shift} the table has {count} {what} of {size} bytes ({count * size} bytes), but {name} has {array.LongLength} bytes.",
                name);
        }
    }
}
