using System;
using System.Collections.Generic;
using static Vmdq.Toolkit.Fuzz.InvariantViolationException;

namespace Vmdq.Toolkit.Fuzz;

/// <summary>The per-frame promises of a runtime-loaded dispatcher, shared by the rules and frame harnesses.</summary>
internal static class DispatcherChecks
{
    /// <summary>
    /// Classifies <paramref name="frame"/> through <see cref="RuntimeDispatcher.Classify(ReadOnlySpan{byte})"/>, checks that
    /// <see cref="FrameParser.Parse"/>, the dispatcher's own parse, the fields entry point and the rule scan
    /// (<see cref="RuntimeDispatcher.MatchingRules"/>) agree with it and that the verdict names a real pool, queue and rule.
    /// </summary>
    /// <returns>The verdict.</returns>
    public static Verdict CheckOne(string name, RuntimeDispatcher d, byte[] frame)
    {
        var fields = FrameParser.Parse(frame, d.VxlanPort);
        var own = d.Parse(frame);
        Check(SameFields(fields, own), () => $"{name}: FrameParser.Parse and the dispatcher's Parse disagree on {Hex(frame)}: {fields} vs {own}.");
        _ = FrameParser.Parse(frame);

        // An rss pool's queue comes from the hash of the frame's addresses and ports, which the fields do not
        // carry (Classify(fields) takes redirection entry 0): compare the decision, and the queue only when not spread.
        var verdict = d.Classify(frame);
        var byFields = d.Classify(in fields);
        Check(Decision(verdict) == Decision(byFields) && verdict.IsSpread == byFields.IsSpread,
            () => $"{name}: Classify(frame) = {verdict}, Classify(fields) = {byFields} for {Hex(frame)} ({fields}).");

        IReadOnlyList<Verdict> matching = d.MatchingRules(in fields);
        if (matching.Count > 0)
        {
            Check(Decision(matching[0]) == Decision(verdict), () => $"{name}: the kernel says {verdict}, the rule scan's first match is {matching[0]} for {Hex(frame)} ({fields}).");
        }
        else
        {
            Check(verdict.RuleLine == 0 && !verdict.IsDrop && verdict.Pool == d.Info.DefaultPool,
                () => $"{name}: no rule matches {Hex(frame)} ({fields}), yet the verdict is {verdict}, not the default pool {d.Info.DefaultPool}.");
        }

        CheckVerdict(name, d, verdict, frame);
        return verdict;
    }

    /// <summary>What a verdict decides: its queue only when RSS did not pick it.</summary>
    private static (int Pool, int Queue, bool Drop, int Line, RuleKind Kind) Decision(Verdict v) =>
        (v.Pool, v.IsSpread ? -1 : v.Queue, v.IsDrop, v.RuleLine, v.Kind);

    /// <summary>A verdict names a pool and queue of the dispatcher (or is a drop), a rule line it has, and replicas for broadcast/multicast.</summary>
    public static void CheckVerdict(string name, RuntimeDispatcher d, Verdict v, byte[] frame)
    {
        var info = d.Info;
        if (v.IsDrop)
        {
            Check(v.Pool == -1 && v.Queue == -1 && v.RuleLine > 0, () => $"{name}: a drop verdict {v} with a pool, a queue or no rule, for {Hex(frame)}.");
        }
        else
        {
            Check(v.Pool >= 0 && v.Pool < info.PoolCount && v.Queue >= 0 && v.Queue < info.QueuesPerPool,
                () => $"{name}: verdict {v} is outside {info.PoolCount} pools x {info.QueuesPerPool} queues, for {Hex(frame)}.");
        }

        Check(v.RuleLine == 0 || d.RuleText(v.RuleLine) is not null, () => $"{name}: verdict {v} names line {v.RuleLine}, which holds no rule, for {Hex(frame)}.");
        if (v.Kind is RuleKind.Broadcast or RuleKind.Multicast && !v.IsDrop)
        {
            int[] replicas = d.Replicas(v).ToArray();
            Check(replicas.Length > 0 && replicas[0] == v.Pool,
                () => $"{name}: {v.Kind} verdict {v} has replicas [{string.Join(",", replicas)}], which do not start with its pool, for {Hex(frame)}.");
            foreach (int pool in replicas)
            {
                Check(pool >= 0 && pool < info.PoolCount, () => $"{name}: verdict {v} replicates to pool {pool} of {info.PoolCount}.");
            }
        }
    }

    /// <summary>Every field and presence bit equal.</summary>
    public static bool SameFields(in FrameFields a, in FrameFields b) =>
        a.Present == b.Present && a.Dst == b.Dst && a.Svid == b.Svid && a.Cvid == b.Cvid && a.Pcp == b.Pcp && a.Vni == b.Vni
        && a.Vsid == b.Vsid && a.FlowId == b.FlowId && a.InnerDst == b.InnerDst && a.InnerVid == b.InnerVid;

    /// <summary>The frame's first 64 bytes in hex, for messages.</summary>
    public static string Hex(byte[] frame) =>
        frame.Length <= 64 ? Convert.ToHexString(frame) : Convert.ToHexString(frame, 0, 64) + $"... ({frame.Length} bytes)";
}
