using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Vmdq.Rules.Model;

namespace Vmdq.Cli.Export;

/// <summary>
/// <c>--to json</c>: the resolved rules for scripts: the NIC geometry, the default pool, the pools with their queue
/// ranges, and every rule in precedence order with its line, its text, its fields and its target (pool, queue within
/// the pool, receive queue on the device). Written with <see cref="Utf8JsonWriter"/>, as the check's JSON is.
/// </summary>
internal static class JsonExport
{
    /// <summary>Writes the dump of <paramref name="context"/>'s rules to <paramref name="output"/>.</summary>
    public static void Write(ExportContext context, IReadOnlyList<ExportRule> rules, TextWriter output)
    {
        var model = context.Model;
        int queuesPerPool = model.Geometry.QueuesPerPool;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("file", context.File);
            json.WriteStartObject("nic");
            json.WriteNumber("pools", model.Geometry.Pools);
            json.WriteNumber("queuesPerPool", queuesPerPool);
            json.WriteNumber("ring", model.Geometry.RingSize);
            json.WriteEndObject();
            json.WriteNumber("vxlanPort", model.VxlanPort);
            json.WriteStartObject("defaultPool");
            json.WriteString("name", context.PoolName(model.DefaultPool));
            json.WriteNumber("index", model.DefaultPool);
            json.WriteNumber("queue", model.DefaultQueue);
            json.WriteNumber("deviceQueue", (model.DefaultPool * queuesPerPool) + model.DefaultQueue);
            json.WriteEndObject();

            json.WriteStartArray("pools");
            foreach (var pool in model.Pools.OrderBy(p => p.Index))
            {
                json.WriteStartObject();
                json.WriteString("name", pool.Name);
                json.WriteNumber("index", pool.Index);
                json.WriteNumber("line", pool.Line);
                json.WriteNumber("firstQueue", pool.FirstQueue);
                json.WriteNumber("lastQueue", pool.LastQueue);
                json.WriteNumber("firstDeviceQueue", (pool.Index * queuesPerPool) + pool.FirstQueue);
                json.WriteNumber("lastDeviceQueue", (pool.Index * queuesPerPool) + pool.LastQueue);
                if (pool.Tenant is not null)
                {
                    json.WriteString("tenant", pool.Tenant);
                }

                json.WriteNumber("priority", pool.Priority);
                json.WriteNumber("bandwidthPercent", pool.BandwidthPercent);
                json.WriteBoolean("rss", pool.Rss);
                var transmit = PoolTransmit.Of(pool, model.Rules);
                json.WriteStartObject("antispoof");
                json.WriteBoolean("mac", transmit.MacCheck);
                json.WriteBoolean("vlan", transmit.VlanCheck);
                json.WriteEndObject();
                json.WriteNumber("vlanInsert", pool.VlanInsert);
                json.WriteNumber("rateBitsPerSecond", pool.RateBitsPerSecond);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                WriteRule(json, rule, context);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteRule(Utf8JsonWriter json, ExportRule rule, ExportContext context)
    {
        var r = rule.Rule;
        json.WriteStartObject();
        json.WriteNumber("line", r.Line);
        json.WriteString("text", rule.Text);
        json.WriteString("kind", Kind(r.Kind));
        json.WriteNumber("precedence", (int)r.Kind);
        switch (r.Kind)
        {
            case MatchKind.VxlanInner:
            case MatchKind.Vxlan:
                json.WriteNumber("vni", r.Id);
                break;
            case MatchKind.NvgreInner:
            case MatchKind.Nvgre:
                json.WriteNumber("vsid", r.Id);
                break;
            case MatchKind.MacVlan:
            case MatchKind.Vlan:
                json.WriteNumber("vlan", r.Id);
                break;
        }

        if (r.Kind is MatchKind.VxlanInner or MatchKind.NvgreInner)
        {
            json.WriteString("innerMac", rule.Mac);
        }
        else if (r.Kind is MatchKind.Mac or MatchKind.MacVlan)
        {
            json.WriteString("mac", rule.Mac);
        }

        json.WriteBoolean("drop", r.IsDrop);
        if (!r.IsDrop)
        {
            json.WriteString("pool", context.PoolName(r.Pool));
            json.WriteNumber("poolIndex", r.Pool);
            json.WriteNumber("queue", r.Queue);
            json.WriteNumber("deviceQueue", rule.DeviceQueue);
        }

        if (rule.Replicas.Count > 0)
        {
            json.WriteStartArray("replicas");
            foreach (int pool in rule.Replicas)
            {
                json.WriteStringValue(context.PoolName(pool));
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary>The rules language's keyword(s) for a kind: <c>mac</c>, <c>mac-vlan</c>, <c>vxlan-inner</c>...</summary>
    private static string Kind(MatchKind kind) => kind switch
    {
        MatchKind.VxlanInner => "vxlan-inner",
        MatchKind.Vxlan => "vxlan",
        MatchKind.NvgreInner => "nvgre-inner",
        MatchKind.Nvgre => "nvgre",
        MatchKind.MacVlan => "mac-vlan",
        MatchKind.Mac => "mac",
        MatchKind.Vlan => "vlan",
        MatchKind.Broadcast => "broadcast",
        _ => "multicast",
    };
}
