using System.Collections.Generic;
using Vmdq.Toolkit;

namespace Vmdq.Cli;

/// <summary>A rule as an explanation names it.</summary>
/// <param name="Line">Its line (for a rule added at run time, the line <c>RuntimeDispatcher.Apply</c> gave it).</param>
/// <param name="Kind">Its kind, which is its precedence.</param>
/// <param name="Text">Its text without comment and with single spaces, e.g. <c>mac 00:1b:21:0a:0b:01 -&gt; web</c>.</param>
/// <param name="IsRuntime">True for a rule added at run time rather than read from the file.</param>
internal sealed record ExplainedRule(int Line, RuleKind Kind, string Text, bool IsRuntime);

/// <summary>Where a verdict sends a frame.</summary>
/// <param name="Drop">True when the frame is dropped (pool and queue are then -1).</param>
/// <param name="Pool">Pool index.</param>
/// <param name="PoolName">The pool's declared name, or null when the pool is not declared (a bare default pool).</param>
/// <param name="Queue">Queue within the pool.</param>
internal sealed record ExplainedTarget(bool Drop, int Pool, string? PoolName, int Queue);

/// <summary>A rule that matched the frame too but lost to the deciding rule.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Target">Where it would have sent the frame.</param>
/// <param name="Reason">Why it lost, as a sentence that names both rules.</param>
internal sealed record LosingRule(ExplainedRule Rule, ExplainedTarget Target, string Reason);

/// <summary>Everything <c>vmdq explain</c> says about one frame.</summary>
/// <param name="Frame">The frame.</param>
/// <param name="Fields">Its fields as the dispatcher parses them.</param>
/// <param name="Verdict">The dispatcher's verdict.</param>
/// <param name="Target">Where the verdict sends it.</param>
/// <param name="Decider">The deciding rule, or null when the default pool decided.</param>
/// <param name="Replicas">The pools a broadcast/multicast verdict replicates to, in the rule's order; empty otherwise.</param>
/// <param name="Losers">The other rules that matched, by precedence.</param>
/// <param name="Notes">What the frame lacks that rules could have matched on (truncation, a cut tag...), and capture remarks.</param>
internal sealed record FrameExplanation(
    InputFrame Frame,
    FrameFields Fields,
    Verdict Verdict,
    ExplainedTarget Target,
    ExplainedRule? Decider,
    IReadOnlyList<ExplainedTarget> Replicas,
    IReadOnlyList<LosingRule> Losers,
    IReadOnlyList<string> Notes);
