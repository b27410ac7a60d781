using System.Collections.Generic;
using System.IO;
using System.Linq;
using Vmdq.Toolkit;

namespace Vmdq.Cli;

/// <summary>
/// <c>vmdq explain</c>'s text: per frame, a label column and a value column (the fields present, the verdict,
/// the deciding rule, the rules that lost and why, notes). Plain text with no colour or cursor codes, so it
/// reads the same on a terminal, in a pipe and in a CI log.
/// </summary>
internal static class ExplainText
{
    private const int LabelWidth = 14;

    /// <summary>Writes <paramref name="explanations"/>, a blank line between frames.</summary>
    public static void Write(IReadOnlyList<FrameExplanation> explanations, TextWriter output)
    {
        for (int i = 0; i < explanations.Count; i++)
        {
            if (i > 0)
            {
                output.WriteLine();
            }

            Write(explanations[i], output);
        }
    }

    private static void Write(FrameExplanation e, TextWriter output)
    {
        var frame = e.Frame;
        string origin = frame.Captured is { } c ? $", capture frame {c.Number}" : string.Empty;
        output.WriteLine($"frame {frame.Index}: {Bytes(frame.Data.Length)}{origin}");

        void Row(string label, string value) => output.WriteLine($"  {label.PadRight(LabelWidth)}{value}");
        void More(string value) => output.WriteLine($"  {string.Empty.PadRight(LabelWidth)}{value}");

        foreach (var (label, value) in Fields(e.Fields))
        {
            Row(label, value);
        }

        Row("verdict", Target(e.Target) + (e.Decider is null ? " (default pool: no rule matched)" : string.Empty));
        if (e.Decider is { } decider)
        {
            Row("decided by", Rule(decider));
        }

        if (e.Replicas.Count > 0)
        {
            Row("replicas", string.Join(", ", e.Replicas.Select(r => PoolLabel(r.Pool, r.PoolName))));
        }

        for (int i = 0; i < e.Losers.Count; i++)
        {
            var loser = e.Losers[i];
            if (i == 0)
            {
                Row("also matched", Rule(loser.Rule));
            }
            else
            {
                More(Rule(loser.Rule));
            }

            More(e.Decider is { } winner
                ? $"  lost to line {winner.Line}: {Explainer.KindName(winner.Kind)} (precedence {Explainer.Precedence(winner.Kind)}) comes before {Explainer.KindName(loser.Rule.Kind)} ({Explainer.Precedence(loser.Rule.Kind)})"
                : "  " + loser.Reason);
        }

        foreach (string note in e.Notes)
        {
            Row("note", note);
        }
    }

    /// <summary>The fields present, as label and value, in header order.</summary>
    internal static IEnumerable<(string Label, string Value)> Fields(FrameFields f)
    {
        if (f.Has(FrameField.Dst))
        {
            string cast = f.Dst == 0xFFFF_FFFF_FFFFUL ? " (broadcast)" : ((f.Dst >> 40) & 1) != 0 ? " (multicast)" : string.Empty;
            yield return ("dst", FrameFields.FormatMac(f.Dst) + cast);
        }

        if (f.Has(FrameField.Svid))
        {
            yield return ("s-vlan", f.Svid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (f.Has(FrameField.Cvid))
        {
            yield return ("c-vlan", f.Cvid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (f.Has(FrameField.Pcp))
        {
            yield return ("pcp", f.Pcp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (f.Has(FrameField.Vni))
        {
            yield return ("tunnel", $"vxlan, vni {f.Vni} (0x{f.Vni:x6})");
        }

        if (f.Has(FrameField.Vsid))
        {
            yield return ("tunnel", $"nvgre, vsid {f.Vsid} (0x{f.Vsid:x6}), flow id {f.FlowId}");
        }

        if (f.Has(FrameField.InnerDst))
        {
            yield return ("inner dst", FrameFields.FormatMac(f.InnerDst));
        }

        if (f.Has(FrameField.InnerVid))
        {
            yield return ("inner vlan", f.InnerVid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (f.Present == FrameField.None)
        {
            yield return ("fields", "none");
        }
    }

    private static string Target(ExplainedTarget t) => t.Drop ? "drop" : $"pool {PoolLabel(t.Pool, t.PoolName)}, queue {t.Queue}";

    private static string PoolLabel(int pool, string? name) => name is null ? pool.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{name} ({pool})";

    private static string Rule(ExplainedRule r) => $"line {r.Line}{(r.IsRuntime ? " (runtime rule)" : string.Empty)}: {r.Text}";

    private static string Bytes(int count) => count == 1 ? "1 byte" : $"{count} bytes";
}
