using Vmdq.Rules.Model;

namespace Vmdq.Rules.Tables;

// The layout's constants and Encode are in Rules/Contract/DispatchContract.cs, shared with the runtime.
internal static partial class VerdictBits
{
    /// <summary>Encodes a verdict without its kind (what a table slot stores).</summary>
    public static ulong Payload(int line, int pool, int queue, bool drop, bool spread = false) => Encode(line, pool, queue, drop, 0, spread);

    /// <summary>The kind's bits, ORed into a payload when its table decides.</summary>
    public static ulong Kind(MatchKind kind) => (ulong)kind << KindShift;

    /// <summary>The full verdict of a resolved rule.</summary>
    public static ulong Of(ResolvedRule rule) => Encode(rule.Line, rule.Pool, rule.Queue, rule.IsDrop, (int)rule.Kind, rule.Spread);
}
