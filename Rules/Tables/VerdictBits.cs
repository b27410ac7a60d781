using Vmdq.Rules.Model;

namespace Vmdq.Rules.Tables;

/// <summary>
/// The bit encoding of a verdict, as the runtime's <c>Vmdq.Toolkit.Verdict</c> reads it:
/// 0..21 rule line, 22..30 pool, 31..34 queue, 35 drop, 36..39 rule kind (the <see cref="MatchKind"/> value).
/// </summary>
public static class VerdictBits
{
    /// <summary>Bit position of the pool.</summary>
    public const int PoolShift = 22;
    /// <summary>Bit position of the queue.</summary>
    public const int QueueShift = 31;
    /// <summary>Bit position of the drop flag.</summary>
    public const int DropShift = 35;
    /// <summary>Bit position of the rule kind.</summary>
    public const int KindShift = 36;
    /// <summary>Largest line a verdict can carry.</summary>
    public const int MaxLine = (1 << PoolShift) - 1;

    /// <summary>Encodes a verdict without its kind (what a table slot stores).</summary>
    public static ulong Payload(int line, int pool, int queue, bool drop) =>
        drop
            ? (ulong)(uint)line | (1UL << DropShift)
            : (ulong)(uint)line | ((ulong)(uint)pool << PoolShift) | ((ulong)(uint)queue << QueueShift);

    /// <summary>The kind's bits, ORed into a payload when its table decides.</summary>
    public static ulong Kind(MatchKind kind) => (ulong)kind << KindShift;

    /// <summary>The full verdict of a resolved rule.</summary>
    public static ulong Of(ResolvedRule rule) => Payload(rule.Line, rule.Pool, rule.Queue, rule.IsDrop) | Kind(rule.Kind);
}
