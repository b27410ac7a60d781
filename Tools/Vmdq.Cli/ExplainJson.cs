using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using Vmdq.Toolkit;

namespace Vmdq.Cli;

/// <summary>
/// <c>vmdq explain --json</c>: one object per frame (an array of them for <c>--all</c>) with
/// <c>index, captureFrame, length, originalLength, fields{dst, svid, cvid, pcp, tunnel, vni, vsid, flowId,
/// innerDst, innerVid}, verdict{drop, default, pool, poolName, queue, kind, line, rule, runtime, replicas[]},
/// alsoMatched[{line, kind, rule, runtime, drop, pool, poolName, queue, reason}], notes[]</c>. Every name is
/// always there; an absent field or a value that does not apply is null. Written with
/// <see cref="Utf8JsonWriter"/>, as the other reports are.
/// </summary>
internal static class ExplainJson
{
    /// <summary>Writes <paramref name="explanations"/>: an array when <paramref name="asArray"/>, else the one object.</summary>
    public static void Write(IReadOnlyList<FrameExplanation> explanations, bool asArray, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (asArray)
            {
                json.WriteStartArray();
            }

            foreach (var e in explanations)
            {
                Write(e, json);
            }

            if (asArray)
            {
                json.WriteEndArray();
            }
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>A rule kind's JSON name: its <see cref="RuleKind"/> name in camel case (<c>vxlanInner</c>, <c>macVlan</c>, <c>default</c>).</summary>
    public static string KindName(RuleKind kind)
    {
        string name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static void Write(FrameExplanation e, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("index", e.Frame.Index);
        NumberOrNull(json, "captureFrame", e.Frame.Captured?.Number);
        json.WriteNumber("length", e.Frame.Data.Length);
        NumberOrNull(json, "originalLength", e.Frame.Captured?.OriginalLength);

        var f = e.Fields;
        json.WriteStartObject("fields");
        StringOrNull(json, "dst", f.Has(FrameField.Dst) ? FrameFields.FormatMac(f.Dst) : null);
        NumberOrNull(json, "svid", f.Has(FrameField.Svid) ? f.Svid : null);
        NumberOrNull(json, "cvid", f.Has(FrameField.Cvid) ? f.Cvid : null);
        NumberOrNull(json, "pcp", f.Has(FrameField.Pcp) ? f.Pcp : null);
        StringOrNull(json, "tunnel", f.Has(FrameField.Vni) ? "vxlan" : f.Has(FrameField.Vsid) ? "nvgre" : null);
        NumberOrNull(json, "vni", f.Has(FrameField.Vni) ? f.Vni : null);
        NumberOrNull(json, "vsid", f.Has(FrameField.Vsid) ? f.Vsid : null);
        NumberOrNull(json, "flowId", f.Has(FrameField.Vsid) ? f.FlowId : null);
        StringOrNull(json, "innerDst", f.Has(FrameField.InnerDst) ? FrameFields.FormatMac(f.InnerDst) : null);
        NumberOrNull(json, "innerVid", f.Has(FrameField.InnerVid) ? f.InnerVid : null);
        json.WriteEndObject();

        WriteVerdict(json, e.Verdict, e.Target, e.Decider, e.Replicas);

        json.WriteStartArray("alsoMatched");
        foreach (var loser in e.Losers)
        {
            json.WriteStartObject();
            json.WriteNumber("line", loser.Rule.Line);
            json.WriteString("kind", KindName(loser.Rule.Kind));
            json.WriteString("rule", loser.Rule.Text);
            json.WriteBoolean("runtime", loser.Rule.IsRuntime);
            json.WriteBoolean("drop", loser.Target.Drop);
            Target(json, loser.Target);
            json.WriteString("reason", loser.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("notes");
        foreach (string note in e.Notes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// The <c>verdict</c> object: <c>{drop, default, pool, poolName, queue, kind, line, rule, runtime, replicas[{pool, poolName}]}</c>
    /// (also each line of <c>vmdq replay --verdicts</c>).
    /// </summary>
    public static void WriteVerdict(Utf8JsonWriter json, Verdict verdict, ExplainedTarget target, ExplainedRule? decider, IReadOnlyList<ExplainedTarget> replicas)
    {
        json.WriteStartObject("verdict");
        json.WriteBoolean("drop", target.Drop);
        json.WriteBoolean("default", decider is null);
        Target(json, target);
        json.WriteString("kind", KindName(verdict.Kind));
        json.WriteNumber("line", verdict.RuleLine);
        StringOrNull(json, "rule", decider?.Text);
        json.WriteBoolean("runtime", decider?.IsRuntime ?? false);
        json.WriteStartArray("replicas");
        foreach (var replica in replicas)
        {
            json.WriteStartObject();
            json.WriteNumber("pool", replica.Pool);
            StringOrNull(json, "poolName", replica.PoolName);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Target(Utf8JsonWriter json, ExplainedTarget target)
    {
        NumberOrNull(json, "pool", target.Drop ? null : target.Pool);
        StringOrNull(json, "poolName", target.Drop ? null : target.PoolName);
        NumberOrNull(json, "queue", target.Drop ? null : target.Queue);
    }

    /// <summary>Writes <paramref name="value"/>, or null.</summary>
    public static void NumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>Writes <paramref name="value"/>, or null.</summary>
    public static void StringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
