using System;
using System.Runtime.CompilerServices;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit;

/// <summary>
/// The decision for one frame: pool, queue, drop, the deciding rule's line and kind. Eight bytes,
/// so a batch of verdicts is a dense array.
/// </summary>
/// <remarks>
/// Bit layout of <see cref="Bits"/> (the generated tables store these 41 bits in each slot):
/// 0..21 rule line, 22..30 pool, 31..34 queue, 35 drop, 36..39 <see cref="RuleKind"/>, 40 <see cref="IsSpread"/>.
/// For a drop, <see cref="Pool"/> and <see cref="Queue"/> are -1.
/// </remarks>
public readonly struct Verdict : IEquatable<Verdict>
{
    // The layout is defined once, in Rules/Contract/DispatchContract.cs (shared with the rules library).

    /// <summary>Bit position of the pool index.</summary>
    public const int PoolShift = VerdictLayout.PoolShift;
    /// <summary>Bit position of the queue index.</summary>
    public const int QueueShift = VerdictLayout.QueueShift;
    /// <summary>Bit position of the drop flag.</summary>
    public const int DropShift = VerdictLayout.DropShift;
    /// <summary>Bit position of the rule kind.</summary>
    public const int KindShift = VerdictLayout.KindShift;
    /// <summary>Largest rule line a verdict can carry.</summary>
    public const int MaxLine = VerdictLayout.MaxLine;
    /// <summary>Bit position of the spread flag (<see cref="IsSpread"/>).</summary>
    public const int SpreadShift = VerdictLayout.SpreadShift;
    /// <summary>Entries of an <c>rss</c> pool's redirection table: the RSS hash's low 7 bits pick one.</summary>
    public const int RetaSize = VerdictLayout.RetaSize;

    private readonly ulong _bits;

    /// <summary>Wraps raw bits (as produced by <see cref="Bits"/> or a generated table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Verdict(ulong bits) => _bits = bits;

    /// <summary>Builds a verdict from its parts.</summary>
    /// <param name="pool">Pool index 0..511 (ignored for drops).</param>
    /// <param name="queue">Queue within the pool 0..15 (ignored for drops).</param>
    /// <param name="isDrop">True to drop the frame.</param>
    /// <param name="ruleLine">Rules-file line of the deciding rule, 0 for the default pool.</param>
    /// <param name="kind">Kind of the deciding rule.</param>
    public static Verdict Create(int pool, int queue, bool isDrop, int ruleLine, RuleKind kind)
    {
        if ((uint)pool > VerdictLayout.PoolMask)
        {
            throw new ArgumentOutOfRangeException(nameof(pool), pool, $"A pool index must be 0..{VerdictLayout.PoolMask}.");
        }

        if ((uint)queue > VerdictLayout.QueueMask)
        {
            throw new ArgumentOutOfRangeException(nameof(queue), queue, $"A queue index must be 0..{VerdictLayout.QueueMask}.");
        }

        if ((uint)ruleLine > MaxLine)
        {
            throw new ArgumentOutOfRangeException(nameof(ruleLine), ruleLine, $"A rule line must be 0..{MaxLine}.");
        }

        return new Verdict(VerdictLayout.Encode(ruleLine, pool, queue, isDrop, (int)kind));
    }

    /// <summary>The raw 64-bit encoding.</summary>
    public ulong Bits => _bits;

    /// <summary>Pool index the frame goes to (for broadcast/multicast, the first listed pool); -1 for a drop.</summary>
    public int Pool
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (int)((_bits >> PoolShift) & VerdictLayout.PoolMask) | DropMask;
    }

    /// <summary>Queue index within <see cref="Pool"/>; -1 for a drop.</summary>
    public int Queue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (int)((_bits >> QueueShift) & VerdictLayout.QueueMask) | DropMask;
    }

    /// <summary>True when a <c>-&gt; drop</c> rule decided.</summary>
    public bool IsDrop
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ((_bits >> DropShift) & 1) != 0;
    }

    /// <summary>
    /// True when <see cref="Queue"/> was picked for this frame by its pool's RSS redirection table: the pool is an
    /// <c>rss</c> pool and the deciding rule names no queue (docs/rules-language.md, "RSS within a pool").
    /// </summary>
    public bool IsSpread
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ((_bits >> SpreadShift) & 1) != 0;
    }

    /// <summary>Rules-file line of the deciding rule; 0 for the default pool.</summary>
    public int RuleLine
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (int)(_bits & MaxLine);
    }

    /// <summary>Kind of the deciding rule.</summary>
    public RuleKind Kind
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (RuleKind)((_bits >> KindShift) & VerdictLayout.KindMask);
    }

    /// <summary>True for broadcast/multicast verdicts, which replicate to every pool their rule lists.</summary>
    public bool IsReplicated => Kind is RuleKind.Broadcast or RuleKind.Multicast;

    /// <summary>True when no rule matched (the default pool decided).</summary>
    public bool IsDefault => Kind == RuleKind.Default;

    /// <summary>
    /// True for the drop of a frame whose S-VID no <c>channel</c> statement declares (IEEE 802.1Qbg S-channels): a drop with
    /// kind <see cref="RuleKind.Default"/> and rule line 0. (A declared S-channel without a <c>default-pool</c> drops its
    /// unmatched frames with the <c>channel</c> statement's line instead.) Never true for a dispatcher without channels, whose
    /// default verdict is never a drop.
    /// </summary>
    public bool IsUnknownChannel => IsDrop && Kind == RuleKind.Default && RuleLine == 0;

    // -1 when dropped, else 0: branch-free.
    private int DropMask => -(int)((_bits >> DropShift) & 1);

    /// <inheritdoc />
    public bool Equals(Verdict other) => _bits == other._bits;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Verdict other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _bits.GetHashCode();

    /// <summary>Equality of encodings.</summary>
    public static bool operator ==(Verdict left, Verdict right) => left.Equals(right);

    /// <summary>Inequality of encodings.</summary>
    public static bool operator !=(Verdict left, Verdict right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => IsDrop
        ? $"drop (line {RuleLine}, {Kind})"
        : (RuleLine == 0 ? $"pool {Pool} queue {Queue} (default" : $"pool {Pool} queue {Queue} (line {RuleLine}, {Kind}") + (IsSpread ? ", by RSS)" : ")");
}
