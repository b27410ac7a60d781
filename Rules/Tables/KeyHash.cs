// This file is compiled into both Vmdq.Toolkit.Rules (which builds the tables at build time)
// and Vmdq.Toolkit (whose generated dispatchers probe them per frame): the two must agree bit for bit.
using System.Runtime.CompilerServices;

#if VMDQ_RUNTIME
namespace Vmdq.Toolkit.Classification;
#else
namespace Vmdq.Rules.Tables;
#endif

/// <summary>The hash behind the generated perfect-hash tables (CHD-style: a bucket's displacement re-mixes its keys into free slots).</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class KeyHash
{
    /// <summary>Golden-ratio multiplier, also used to spread displacements.</summary>
    public const ulong Golden = 0x9E3779B97F4A7C15UL;

    private const ulong Mix1 = 0xBF58476D1CE4E5B9UL;
    private const ulong Mix2 = 0x94D049BB133111EBUL;

    /// <summary>Hashes a table key: <paramref name="key"/> (up to 64 bits) and <paramref name="extra"/> (up to 24 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ulong key, ulong extra)
    {
        // splitmix64's finaliser over the key with the extra bits folded in: a bijection of x.
        ulong x = key ^ (extra * Golden);
        x = (x ^ (x >> 30)) * Mix1;
        x = (x ^ (x >> 27)) * Mix2;
        return x ^ (x >> 31);
    }

    /// <summary>The slot of a key with hash <paramref name="hash"/> in its bucket with displacement <paramref name="displacement"/>: the top bits of a multiply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Slot(ulong hash, uint displacement, int shift) =>
        ((hash ^ (displacement * Golden)) * Mix1) >> shift;
}
