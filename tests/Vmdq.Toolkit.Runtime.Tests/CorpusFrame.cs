using System;
using System.Globalization;
using Vmdq.Rules.Reference;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>The fields of one frame in a comparable form: null = absent (as in the expected-*.jsonl files).</summary>
internal sealed record CorpusFrame(string? Dst, int? Svid, int? Cvid, int? Pcp, int? Vni, int? Vsid, int? FlowId, string? InnerDst, int? InnerVid)
{
    public static string Mac(ulong mac) => FrameFields.FormatMac(mac);

    public static CorpusFrame From(in FrameFields f) => new(
        f.Has(FrameField.Dst) ? Mac(f.Dst) : null,
        f.Has(FrameField.Svid) ? f.Svid : null,
        f.Has(FrameField.Cvid) ? f.Cvid : null,
        f.Has(FrameField.Pcp) ? f.Pcp : null,
        f.Has(FrameField.Vni) ? (int)f.Vni : null,
        f.Has(FrameField.Vsid) ? (int)f.Vsid : null,
        f.Has(FrameField.Vsid) ? f.FlowId : null,
        f.Has(FrameField.InnerDst) ? Mac(f.InnerDst) : null,
        f.Has(FrameField.InnerVid) ? f.InnerVid : null);

    public static CorpusFrame From(ReferenceFrameFields f) => new(
        f.Dst is { } d ? Mac(d) : null, f.Svid, f.Cvid, f.Pcp, f.Vni, f.Vsid, f.FlowId,
        f.InnerDst is { } i ? Mac(i) : null, f.InnerVid);

    public static CorpusFrame FromJson(System.Text.Json.JsonElement e)
    {
        static int? Int(System.Text.Json.JsonElement e, string name) =>
            e.GetProperty(name).ValueKind == System.Text.Json.JsonValueKind.Null ? null : e.GetProperty(name).GetInt32();
        static string? Str(System.Text.Json.JsonElement e, string name) =>
            e.GetProperty(name).ValueKind == System.Text.Json.JsonValueKind.Null ? null : e.GetProperty(name).GetString()!.ToLower(CultureInfo.InvariantCulture);
        return new(Str(e, "dst"), Int(e, "svid"), Int(e, "cvid"), Int(e, "pcp"), Int(e, "vni"), Int(e, "vsid"), Int(e, "flowid"), Str(e, "inner_dst"), Int(e, "inner_vid"));
    }
}
