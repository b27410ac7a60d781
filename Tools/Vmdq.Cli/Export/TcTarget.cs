using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Vmdq.Rules.Model;

namespace Vmdq.Cli.Export;

/// <summary>
/// <c>--to tc</c>: flower filters on the device's clsact ingress, offloaded only (<c>skip_sw</c>), each steering to a
/// receive queue with <c>action skbedit queue_mapping</c> (the kernel takes a receive-queue mapping only from a
/// filter in hardware) or dropping. A pool is a group of receive queues; the spec's precedence is the filters'
/// <c>prio</c> (one prio per rule kind, so one mask per prio as flower requires). VXLAN rules go on the VXLAN device,
/// where flower matches the VNI as <c>enc_key_id</c> and the inner header as the frame's own.
/// </summary>
internal sealed class TcTarget : ExportTarget
{
    /// <inheritdoc />
    public override string Name => "tc";

    /// <inheritdoc />
    public override (IReadOnlyList<string> Comments, IReadOnlyList<string> Commands) Preamble(ExportContext context, IReadOnlyList<ExportRule> rules)
    {
        var model = context.Model;
        var comments = new List<string>
        {
            $"A pool is a group of {context.Device}'s receive queues: pool P's queue q is receive queue P*{model.Geometry.QueuesPerPool}+q.",
            "Filters are hardware-only (skip_sw): tc fails on a device that cannot offload one.",
            $"Frames no filter takes are not steered (the default pool, {context.PoolName(model.DefaultPool)}, is not programmed).",
        };
        var commands = new List<string> { $"tc qdisc add dev {context.Device} clsact" };
        if (rules.Any(r => r.Kind is MatchKind.Vxlan or MatchKind.VxlanInner))
        {
            comments.Add($"VXLAN filters go on {context.VxlanDevice}, a VXLAN device in external mode, e.g.:");
            comments.Add($"  ip link add {context.VxlanDevice} type vxlan dstport {model.VxlanPort} external");
            if (context.VxlanDevice != context.Device)
            {
                commands.Add($"tc qdisc add dev {context.VxlanDevice} clsact");
            }
        }

        return (comments, commands);
    }

    /// <inheritdoc />
    public override Translation Translate(ExportRule rule, ExportContext context)
    {
        var r = rule.Rule;
        string prio = ((int)r.Kind).ToString(CultureInfo.InvariantCulture);
        string action = r.IsDrop ? "action drop" : $"action skbedit queue_mapping {rule.DeviceQueue}";
        string Filter(string device, string protocol, string match) =>
            $"tc filter add dev {device} ingress protocol {protocol} prio {prio} flower skip_sw {match} {action}";

        switch (r.Kind)
        {
            case MatchKind.VxlanInner:
                return Translation.Exact(Filter(context.VxlanDevice, "all", $"enc_key_id {r.Id} enc_dst_port {context.Model.VxlanPort} dst_mac {rule.Mac}"));
            case MatchKind.Vxlan:
                return Translation.Exact(Filter(context.VxlanDevice, "all", $"enc_key_id {r.Id} enc_dst_port {context.Model.VxlanPort}"));
            case MatchKind.Nvgre:
            case MatchKind.NvgreInner:
                return Translation.Fail(ExportDescriptors.MatchNotExpressible,
                    $"{rule.Quoted} cannot be exported to tc: flower matches a GRE key only whole (enc_key_id, no mask), and NVGRE's key is the VSID and an 8-bit FlowID, so one VSID would need 256 filters on a gretap device.");
            case MatchKind.MacVlan:
                return Translation.Exact(Filter(context.Device, "802.1Q", $"dst_mac {rule.Mac} vlan_id {r.Id}"));
            case MatchKind.Mac:
                return Translation.Exact(Filter(context.Device, "all", $"dst_mac {rule.Mac}"));
            case MatchKind.Vlan:
                return Translation.Exact(Filter(context.Device, "802.1Q", $"vlan_id {r.Id}"));
            default:
                if (rule.Replicas.Count > 1)
                {
                    return ExportTargets.ReplicationFails(rule, context, "tc", "a flower filter sets one receive queue per frame");
                }

                string dst = r.Kind == MatchKind.Broadcast ? "ff:ff:ff:ff:ff:ff" : "01:00:00:00:00:00/01:00:00:00:00:00";
                return Translation.Exact(Filter(context.Device, "all", $"dst_mac {dst}"));
        }
    }
}
