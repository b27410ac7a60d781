using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Benchmarks.Baselines;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// Keeps the baselines honest: before anything is measured, every baseline must give the generated
/// dispatcher's verdict (all 64 bits: line, pool, queue, drop, kind) on every frame of the mix and on
/// every truncation of its first frames (which exercises each "field absent" rule of the spec), the
/// branchy parser must read the same fields as <see cref="FrameParser"/>, and each frame of the mix
/// must be decided by the kind of rule it was built for (so the mix really is 90% hits).
/// </summary>
internal static class BaselineCheck
{
    /// <summary>Frames of the mix whose every truncation (0..length bytes) is checked too.</summary>
    public const int TruncatedFrames = 192;

    /// <summary>Runs the checks; throws <see cref="InvalidOperationException"/> on the first disagreement. Returns a one-line summary.</summary>
    public static string Run<TD>(
        FrameMix mix, int vxlanPort, DictionaryClassifier dictionary, FrozenDictionaryClassifier frozen,
        LinearScanClassifier? linear, ReferenceClassifier? reference)
        where TD : struct, IBenchDispatcher
    {
        // The generated entry points agree with one another on the mix.
        var single = new Verdict[mix.Frames.Length];
        var batch = new Verdict[mix.Frames.Length];
        var arrays = new Verdict[mix.Frames.Length];
        for (int i = 0; i < single.Length; i++)
        {
            single[i] = TD.Classify(mix.Frames[i]);
        }

        TD.ClassifyBatch(mix.Buffer, mix.Slices, batch);
        TD.ClassifyBatch(mix.Frames, arrays);
        int hits = 0;
        for (int i = 0; i < single.Length; i++)
        {
            if (single[i] != batch[i] || single[i] != arrays[i])
            {
                throw new InvalidOperationException($"{typeof(TD).Name}: frame {i}: Classify gives {single[i]}, ClassifyBatch {batch[i]}, ClassifyBatch(arrays) {arrays[i]}.");
            }

            var expected = FrameMix.ExpectedKind(mix.Classes[i]);
            if (single[i].Kind != expected)
            {
                throw new InvalidOperationException($"{typeof(TD).Name}: frame {i} ({mix.Classes[i]}) was decided by {single[i]}, not by a {expected} rule: the frame mix is wrong.");
            }

            hits += single[i].IsDefault ? 0 : 1;
        }

        // Every baseline against the generated dispatcher, on the mix and on truncated frames.
        var frames = new List<byte[]>(mix.Frames);
        foreach (var frame in mix.Frames.Take(TruncatedFrames))
        {
            for (int length = 0; length < frame.Length; length++)
            {
                frames.Add(frame.AsSpan(0, length).ToArray());
            }
        }

        var baselines = new List<(string Name, Func<byte[], Verdict> Classify)>
        {
            ("Dictionary", f => dictionary.Classify(f)),
            ("FrozenDictionary", f => frozen.Classify(f)),
        };
        if (linear is not null)
        {
            baselines.Add(("LinearScan", f => linear.Classify(f)));
        }

        if (reference is not null)
        {
            baselines.Add(("Reference", f => FromReference(reference.Classify(f))));
        }

        int defaults = 0;
        foreach (var frame in frames)
        {
            var generated = TD.Classify(frame);
            defaults += generated.IsDefault ? 1 : 0;
            foreach (var (name, classify) in baselines)
            {
                var verdict = classify(frame);
                if (verdict != generated)
                {
                    throw new InvalidOperationException(
                        $"{typeof(TD).Name}: baseline {name} gives {verdict} (0x{verdict.Bits:X}) but the generated dispatcher {generated} (0x{generated.Bits:X}) for the {frame.Length}-byte frame {Convert.ToHexString(frame)}.");
                }
            }

            CheckParser(frame, vxlanPort);
        }

        return $"Checked {frames.Count} frames ({mix.Frames.Length} of the mix, {hits * 100.0 / mix.Frames.Length:F1}% hits; "
            + $"{frames.Count - mix.Frames.Length} truncations, {defaults} defaults in all): generated Classify/ClassifyBatch and "
            + string.Join(", ", baselines.Select(b => b.Name)) + " agree; BranchyParser reads FrameParser's fields.";
    }

    /// <summary>The runtime encoding of a reference verdict.</summary>
    public static Verdict FromReference(ReferenceVerdict v) =>
        Verdict.Create(v.IsDrop ? 0 : v.Pool, v.IsDrop ? 0 : v.Queue, v.IsDrop, v.RuleLine, (RuleKind)(byte)v.Kind);

    private static void CheckParser(byte[] frame, int vxlanPort)
    {
        var fast = FrameParser.Parse(frame, vxlanPort);
        BranchyParser.Parse(frame, vxlanPort, out var b);
        bool same =
            fast.Has(FrameField.Dst) == b.HasDst && (!b.HasDst || fast.Dst == b.Dst)
            && (fast.Has(FrameField.Cvid) ? fast.Cvid : -1) == b.Cvid
            && (fast.Has(FrameField.Vni) ? (int)fast.Vni : -1) == b.Vni
            && (fast.Has(FrameField.Vsid) ? (int)fast.Vsid : -1) == b.Vsid
            && fast.Has(FrameField.InnerDst) == b.HasInnerDst && (!b.HasInnerDst || fast.InnerDst == b.InnerDst);
        if (!same)
        {
            throw new InvalidOperationException(
                $"BranchyParser reads dst={b.Dst:X}({b.HasDst}) cvid={b.Cvid} vni={b.Vni} vsid={b.Vsid} inner={b.InnerDst:X}({b.HasInnerDst}) "
                + $"but FrameParser {fast} from the {frame.Length}-byte frame {Convert.ToHexString(frame)}.");
        }
    }
}
