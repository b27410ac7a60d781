using System.Collections.Generic;
using Vmdq.Rules.Model;

namespace Vmdq.Cli.Export;

/// <summary>
/// <c>--to ethtool</c>: ntuple (RX classification) rules of <c>flow-type ether</c>, each steering to a receive queue
/// (<c>action Q</c>) or dropping (<c>action -1</c>). A pool is a group of receive queues; the spec's precedence is the
/// rules' locations (<c>loc</c>: the lowest-numbered rule that matches decides). VLANs are matched on the VLAN ID
/// bits only (<c>vlan V m 0xf000</c>: ethtool's mask names the bits to ignore). Ntuple rules have no tunnel fields.
/// </summary>
internal sealed class EthtoolTarget : ExportTarget
{
    private int _nextLocation;

    /// <inheritdoc />
    public override string Name => "ethtool";

    /// <inheritdoc />
    public override (IReadOnlyList<string> Comments, IReadOnlyList<string> Commands) Preamble(ExportContext context, IReadOnlyList<ExportRule> rules)
    {
        var model = context.Model;
        return (
            [
                $"A pool is a group of {context.Device}'s receive queues: pool P's queue q is receive queue P*{model.Geometry.QueuesPerPool}+q.",
                "Locations (loc) follow the rules' precedence: the lowest-numbered matching rule decides.",
                $"Frames no rule takes are not steered (the default pool, {context.PoolName(model.DefaultPool)}, is not programmed).",
            ],
            [$"ethtool -K {context.Device} ntuple on"]);
    }

    /// <inheritdoc />
    public override Translation Translate(ExportRule rule, ExportContext context)
    {
        var r = rule.Rule;
        string Rule(string match) =>
            $"ethtool -N {context.Device} flow-type ether {match} action {(r.IsDrop ? "-1" : rule.DeviceQueue.ToString(System.Globalization.CultureInfo.InvariantCulture))} loc {_nextLocation++}";

        switch (r.Kind)
        {
            case MatchKind.VxlanInner:
            case MatchKind.Vxlan:
                return ExportTargets.TunnelFails(rule, "ethtool", "ntuple rules have no VXLAN VNI field");
            case MatchKind.NvgreInner:
            case MatchKind.Nvgre:
                return ExportTargets.TunnelFails(rule, "ethtool", "ntuple rules have no NVGRE VSID field");
            case MatchKind.MacVlan:
                return Translation.Exact(Rule($"dst {rule.Mac} vlan {r.Id} m 0xf000"));
            case MatchKind.Mac:
                return Translation.Exact(Rule($"dst {rule.Mac}"));
            case MatchKind.Vlan:
                return Translation.Exact(Rule($"vlan {r.Id} m 0xf000"));
            default:
                if (rule.Replicas.Count > 1)
                {
                    return ExportTargets.ReplicationFails(rule, context, "ethtool", "an ntuple rule sends a frame to one receive queue");
                }

                return Translation.Exact(Rule(r.Kind == MatchKind.Broadcast ? "dst ff:ff:ff:ff:ff:ff" : "dst 01:00:00:00:00:00 m fe:ff:ff:ff:ff:ff"));
        }
    }
}
