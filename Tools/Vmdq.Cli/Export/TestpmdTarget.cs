using System.Collections.Generic;
using System.Globalization;
using Vmdq.Rules.Model;

namespace Vmdq.Cli.Export;

/// <summary>
/// <c>--to testpmd</c>: DPDK testpmd <c>flow create</c> commands (rte_flow), each steering to a receive queue of the
/// port (<c>actions queue index Q</c>) or dropping. A pool is a group of the port's receive queues, as in DPDK's VMDq
/// mode (pool P owns queues P*Q..P*Q+Q-1). The spec's precedence is the flow's <c>priority</c> (lower wins). A tunnel
/// rule is two flows, one over IPv4 and one over IPv6, as the spec parses both.
/// </summary>
internal sealed class TestpmdTarget : ExportTarget
{
    /// <inheritdoc />
    public override string Name => "testpmd";

    /// <inheritdoc />
    public override (IReadOnlyList<string> Comments, IReadOnlyList<string> Commands) Preamble(ExportContext context, IReadOnlyList<ExportRule> rules)
    {
        var model = context.Model;
        int queues = model.Geometry.Pools * model.Geometry.QueuesPerPool;
        return (
            [
                $"A pool is a group of port {context.Device}'s receive queues: pool P's queue q is queue P*{model.Geometry.QueuesPerPool}+q.",
                $"Start testpmd with all of them, e.g.: dpdk-testpmd -a PCI_ADDRESS -- -i --rxq={queues} --txq={queues}",
                $"Frames no flow takes are not steered (the default pool, {context.PoolName(model.DefaultPool)}, is not programmed).",
            ],
            []);
    }

    /// <inheritdoc />
    public override Translation Translate(ExportRule rule, ExportContext context)
    {
        var r = rule.Rule;
        string priority = ((int)r.Kind - 1).ToString(CultureInfo.InvariantCulture);
        string action = r.IsDrop ? "drop" : $"queue index {rule.DeviceQueue}";
        string Flow(string pattern) => $"flow create {context.Device} priority {priority} ingress pattern {pattern} / end actions {action} / end";
        string inner = r.Kind is MatchKind.VxlanInner or MatchKind.NvgreInner ? $" / eth dst is {rule.Mac}" : string.Empty;

        switch (r.Kind)
        {
            case MatchKind.VxlanInner:
            case MatchKind.Vxlan:
                string vxlan = $"udp dst is {context.Model.VxlanPort} / vxlan vni is {r.Id}{inner}";
                return Translation.Exact(Flow($"eth / ipv4 / {vxlan}"), Flow($"eth / ipv6 / {vxlan}"));
            case MatchKind.NvgreInner:
            case MatchKind.Nvgre:
                string nvgre = $"nvgre tni is {r.Id}{inner}";
                return Translation.Exact(Flow($"eth / ipv4 / {nvgre}"), Flow($"eth / ipv6 / {nvgre}"));
            case MatchKind.MacVlan:
                return Translation.Exact(Flow($"eth dst is {rule.Mac} / vlan vid is {r.Id}"));
            case MatchKind.Mac:
                return Translation.Exact(Flow($"eth dst is {rule.Mac}"));
            case MatchKind.Vlan:
                return Translation.Exact(Flow($"eth / vlan vid is {r.Id}"));
            default:
                if (rule.Replicas.Count > 1)
                {
                    return ExportTargets.ReplicationFails(rule, context, "testpmd", "a flow's queue action sends a frame to one queue");
                }

                return Translation.Exact(Flow(r.Kind == MatchKind.Broadcast
                    ? "eth dst is ff:ff:ff:ff:ff:ff"
                    : "eth dst spec 01:00:00:00:00:00 dst mask 01:00:00:00:00:00"));
        }
    }
}
