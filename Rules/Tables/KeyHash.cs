// This file is compiled into both Vmdq.Toolkit.Rules (which builds the tables at build time)
// and Vmdq.Toolkit (whose generated dispatchers probe them per frame): the two must agree bit for bit.
using System.Runtime.CompilerServices;

#if VMDQ_RUNTIME
namespace Vmdq.Toolkit.Classification;
#else
namespace Vmdq.Rules.Tables;
#endif

/// <summary>
/// The hash behind the generated perfect-hash tables (hash and displace, as in CHD): a key's bucket
/// is the top bits of one multiply, and the bucket's displacement re-mixes its keys into free slots
/// with a second multiply. Multiplying by an odd constant is a bijection, so distinct keys never
/// share a hash, and its top bits spread sequential keys (MACs, VLAN IDs) evenly.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
#if VMDQ_RUNTIME
public
#else
internal
#endif
static class KeyHash
{
    /// <summary>Golden-ratio multiplier (folds in the extra key bits and spreads displacements).</summary>
    public const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Multiplier of the key hash.</summary>
    public const ulong KeyMultiplier = 0xBF58476D1CE4E5B9UL;

    /// <summary>Multiplier of the slot hash.</summary>
    public const ulong SlotMultiplier = 0x94D049BB133111EBUL;

    /// <summary>Hashes a table key: <paramref name="key"/> (below 2^62) and <paramref name="extra"/> (below 2^24).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ulong key, ulong extra) => (key ^ (extra * Golden)) * KeyMultiplier;

    /// <summary>The bucket of a hash: its top bits (<paramref name="bucketShift"/> = 64 - log2(buckets)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Bucket(ulong hash, int bucketShift) => hash >> bucketShift;

    /// <summary>A bucket's displacement as the tables store it: spread by the golden ratio, so the probe needs no multiply for it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Displacement(uint displacement) => displacement * Golden;

    /// <summary>The slot of a key with hash <paramref name="hash"/> in a bucket whose stored displacement is <paramref name="displacement"/>: the top bits of a multiply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Slot(ulong hash, ulong displacement, int shift) =>
        ((hash ^ displacement) * SlotMultiplier) >> shift;
}
