using System.Collections.Generic;
using Vmdq.Rules.Model;

namespace Vmdq.Cli.Export;

/// <summary>
/// <c>--to ip</c>: a pool is an SR-IOV virtual function of the device (pool P is VF P), given its MAC, or its MAC and
/// port VLAN, with <c>ip link set dev PF vf P mac M [vlan V]</c>. A VF has one MAC and one port VLAN, so a pool can
/// hold one <c>mac</c> or <c>mac ... vlan</c> rule; the NIC's switch decides the rest (broadcast goes to every VF,
/// the VF's own driver picks its queues), so no other rule kind is expressible.
/// </summary>
internal sealed class IpTarget : ExportTarget
{
    private readonly Dictionary<int, ExportRule> _filterOfPool = new();

    /// <inheritdoc />
    public override string Name => "ip";

    /// <inheritdoc />
    public override bool MulticastFilterTakesBroadcast => false;

    /// <inheritdoc />
    public override (IReadOnlyList<string> Comments, IReadOnlyList<string> Commands) Preamble(ExportContext context, IReadOnlyList<ExportRule> rules) =>
        (
            [
                $"A pool is an SR-IOV virtual function of {context.Device}: pool P is VF P (create the VFs first, e.g.",
                $"  echo {context.Model.Geometry.Pools} > /sys/class/net/{context.Device}/device/sriov_numvfs).",
                "A VF has one MAC and one port VLAN: each pool takes one 'mac' or 'mac ... vlan' rule.",
                $"Frames no VF takes go to {context.Device} itself (the default pool, {context.PoolName(context.Model.DefaultPool)}, is not programmed).",
            ],
            []);

    /// <inheritdoc />
    public override Translation Translate(ExportRule rule, ExportContext context)
    {
        var r = rule.Rule;
        if (r.Kind is not (MatchKind.Mac or MatchKind.MacVlan))
        {
            string what = r.Kind switch
            {
                MatchKind.Vxlan or MatchKind.VxlanInner => "a VF is chosen by the outer MAC and VLAN only; tunnels are not looked into",
                MatchKind.Nvgre or MatchKind.NvgreInner => "a VF is chosen by the outer MAC and VLAN only; tunnels are not looked into",
                MatchKind.Vlan => "a VF receives the frames for its MAC; a VLAN alone selects no VF",
                _ => "the NIC's switch delivers broadcast and multicast to the VFs by its own rules (every VF gets broadcast)",
            };
            return Translation.Fail(ExportDescriptors.MatchNotExpressible, $"{rule.Quoted} cannot be exported to ip: {what}.");
        }

        if (r.IsDrop)
        {
            return Translation.Fail(ExportDescriptors.DropNotExpressible, $"{rule.Quoted} cannot be exported to ip: a VF's MAC steers frames to the VF; ip link has no filter that drops them.");
        }

        if (_filterOfPool.TryGetValue(r.Pool, out var taken))
        {
            return Translation.Fail(ExportDescriptors.PoolFilterTaken,
                $"{rule.Quoted} cannot be exported to ip: pool {context.PoolName(r.Pool)} is VF {r.Pool}, which has one MAC and one VLAN, already set by {taken.Quoted} on line {taken.Line}.");
        }

        _filterOfPool[r.Pool] = rule;
        string command = r.Kind == MatchKind.MacVlan
            ? $"ip link set dev {context.Device} vf {r.Pool} mac {rule.Mac} vlan {r.Id}"
            : $"ip link set dev {context.Device} vf {r.Pool} mac {rule.Mac}";
        int firstQueue = rule.Pool?.FirstQueue ?? 0;
        if (r.Queue != firstQueue)
        {
            return new Translation([command], ExportDescriptors.QueueNotExpressible,
                $"{rule.Quoted} cannot be exported to ip exactly: the frames reach VF {r.Pool}, but the VF's own driver picks the queue, not queue {r.Queue}.",
                KeptWhenPartial: true);
        }

        return Translation.Exact(command);
    }
}
