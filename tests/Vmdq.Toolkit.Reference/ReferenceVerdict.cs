using System.Collections.Generic;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Reference;

/// <summary>The reference interpreter's decision for one frame (spec, "Which rule wins").</summary>
/// <param name="Pool">Pool index (for broadcast/multicast, the first listed pool); -1 for a drop.</param>
/// <param name="Queue">Queue within the pool; -1 for a drop.</param>
/// <param name="IsDrop">True when a <c>-&gt; drop</c> rule decided.</param>
/// <param name="RuleLine">Source line of the deciding rule; 0 for the default pool.</param>
/// <param name="Kind">Kind of the deciding rule; <see cref="MatchKind.None"/> for the default pool.</param>
/// <param name="Replicas">Pools a broadcast/multicast frame is replicated to, in the order written; empty otherwise (an <see cref="EquatableArray{T}"/>, so verdicts compare by value).</param>
/// <param name="Spread">True when the queue was picked by the pool's RSS redirection table.</param>
internal sealed record ReferenceVerdict(int Pool, int Queue, bool IsDrop, int RuleLine, MatchKind Kind, IReadOnlyList<int> Replicas, bool Spread = false)
{
    /// <inheritdoc />
    public override string ToString() => IsDrop
        ? $"drop (line {RuleLine}, {Kind})"
        : $"pool {Pool} queue {Queue} (line {RuleLine}, {Kind}){(Replicas.Count > 0 ? " replicas " + string.Join(",", Replicas) : string.Empty)}";
}
