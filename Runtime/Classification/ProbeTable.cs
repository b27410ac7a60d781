using System;
using System.ComponentModel;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// One perfect-hash table as the dispatch kernels read it: one little-endian <c>ulong</c> displacement
/// per bucket and one <see cref="SlotSize"/>-byte slot per slot (the layout of
/// Rules/Contract/DispatchContract.cs), with the shifts that pick a bucket and a slot from a hash.
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
    /// <summary>Bytes per slot.</summary>
    public const int SlotSize = VerdictLayout.SlotSize;

    /// <summary>The smallest shift (64 - log2(count)): at most 2^31 buckets or slots.</summary>
    private const int MinShift = 33;

    /// <summary>Creates a table from its data.</summary>
    /// <param name="displacements">8 bytes per bucket: 2^(64 - <paramref name="bucketShift"/>) buckets.</param>
    /// <param name="slots"><see cref="SlotSize"/> bytes per slot: 2^(64 - <paramref name="shift"/>) slots.</param>
    /// <param name="bucketShift">64 - log2(buckets), 33..63.</param>
    /// <param name="shift">64 - log2(slots), 33..63.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A shift is outside 33..63.</exception>
    /// <exception cref="ArgumentException">An array's length is not what its shift addresses.</exception>
    public ProbeTable(byte[] displacements, byte[] slots, int bucketShift, int shift)
    {
        ArgumentNullException.ThrowIfNull(displacements);
        ArgumentNullException.ThrowIfNull(slots);
        CheckShift(bucketShift, nameof(bucketShift));
        CheckShift(shift, nameof(shift));
        CheckLength(displacements, 1L << (64 - bucketShift), 8, "buckets", bucketShift, nameof(displacements));
        CheckLength(slots, 1L << (64 - shift), SlotSize, "slots", shift, nameof(slots));
        Displacements = displacements;
        Slots = slots;
        BucketShift = bucketShift;
        Shift = shift;
    }

    /// <summary>A table with two buckets and two empty slots: every probe misses.</summary>
    public static ProbeTable Empty { get; } = CreateEmpty();

    /// <summary>One little-endian ulong per bucket.</summary>
    internal byte[] Displacements { get; }

    /// <summary>The slots' bytes.</summary>
    internal byte[] Slots { get; }

    /// <summary>64 - log2(buckets).</summary>
    internal int BucketShift { get; }

    /// <summary>64 - log2(slots).</summary>
    internal int Shift { get; }

    /// <summary>True when this is a table (not the default value of the struct).</summary>
    public bool IsValid => Displacements is not null;

    /// <summary>Bytes of table data (displacements and slots).</summary>
    public long Bytes => IsValid ? (long)Displacements.Length + Slots.Length : 0;

    private static ProbeTable CreateEmpty()
    {
        var slots = new byte[2 * SlotSize];
        BitConverter.TryWriteBytes(slots.AsSpan(0, 8), VerdictLayout.EmptyKey);
        BitConverter.TryWriteBytes(slots.AsSpan(SlotSize, 8), VerdictLayout.EmptyKey);
        return new ProbeTable(new byte[16], slots, 63, 63);
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
