using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Vmdq.Rules.Model;

namespace Vmdq.Cli.Export;

/// <summary>
/// <c>--to ip</c>: a pool is an SR-IOV virtual function of the device (pool P is VF P), given its MAC, or its MAC and
/// port VLAN, with <c>ip link set dev PF vf P mac M [vlan V]</c>. A VF has one MAC and one port VLAN, so a pool can
/// hold one <c>mac</c> or <c>mac ... vlan</c> rule; the NIC's switch decides the rest (broadcast goes to every VF,
/// the VF's own driver picks its queues), so no other rule kind is expressible. A pool's transmit attributes are the VF's:
/// <c>spoofchk</c> (anti-spoofing), <c>vlan V [qos P]</c> (<c>vlan-insert</c>: the VF's port VLAN, tagged on transmit and
/// stripped on receive) and <c>max_tx_rate</c> (<c>rate</c>, in Mb/s); <c>switch vepa</c> is the device's
/// <c>bridge link set dev PF hwmode vepa</c> (VEB is the drivers' own mode once VFs exist).
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
                .. NotSet(context.Model),
            ],
            // VEB is what ixgbe and i40e set once VFs exist (docs/rules-language.md, "Switching"): only VEPA needs saying.
            context.Model.Switch == SwitchKind.Vepa ? [$"bridge link set dev {context.Device} hwmode vepa"] : []);

    /// <summary>What the rules declare that ip link has no setting for, said in the header rather than dropped in silence.</summary>
    private static IEnumerable<string> NotSet(RuleSet model)
    {
        var unset = new List<string>();
        if (model.Pools.Any(p => p.Priority != 0 && p.VlanInsert == 0))
        {
            unset.Add("a pool's 'priority' without 'vlan-insert' (ip link sets a VF's priority only as the qos of its port VLAN)");
        }

        if (model.Pools.Any(p => p.BandwidthPercent != 0) || model.Classes.Count > 0)
        {
            unset.Add("'bandwidth' and the 'class' statements (ETS is the device's: dcb ets or lldptool)");
        }

        if (model.Pools.Any(p => p.AntiSpoofMac is null))
        {
            unset.Add("spoofchk for the pools without 'antispoof' (they keep the driver's default: on in ixgbe and i40e, which check the MAC and the VLAN, where the rules' default checks the MAC only, of a pool that has one)");
        }

        if (model.Pools.Any(p => p.Rss))
        {
            unset.Add("'rss' (the VF's own driver spreads its frames: ethtool -X on the VF)");
        }

        return unset.Count == 0 ? [] : ["Not set here: " + string.Join("; ", unset) + "."];
    }

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

    /// <inheritdoc />
    public override Translation? TranslatePool(ExportPool pool, ExportContext context)
    {
        var p = pool.Pool;
        var t = pool.Transmit;
        string vf = $"ip link set dev {context.Device} vf {p.Index}";
        var commands = new List<string>();
        var problems = new List<string>();

        // One switch per VF: ixgbe's and i40e's ndo_set_vf_spoofchk turn on (or off) the MAC and the VLAN check together. A pool
        // without 'antispoof' keeps the driver's default (the header says so).
        if (p.AntiSpoofMac is not null && t.MacCheck == t.VlanCheck)
        {
            commands.Add($"{vf} spoofchk {(t.MacCheck ? "on" : "off")}");
        }
        else if (p.AntiSpoofMac is not null)
        {
            commands.Add($"{vf} spoofchk on");
            problems.Add($"it checks only the source {(t.MacCheck ? "MAC" : "VLAN")}, and ip link's spoofchk turns on the MAC and the VLAN check together (so VF {p.Index} also drops frames {(t.MacCheck ? "on a VLAN that is not its own" : "from a MAC that is not its own")})");
        }

        if (p.VlanInsert != 0)
        {
            if (_filterOfPool.TryGetValue(p.Index, out var taken) && taken.Kind == MatchKind.MacVlan && taken.Rule.Id != (uint)p.VlanInsert)
            {
                problems.Add($"its 'vlan-insert {p.VlanInsert}' would be the port VLAN of VF {p.Index}, which {taken.Quoted} on line {taken.Line} sets to {taken.Rule.Id}; a VF has one");
            }
            else
            {
                commands.Add($"{vf} vlan {p.VlanInsert}" + (p.Priority != 0 ? $" qos {p.Priority}" : string.Empty));
            }
        }

        if (p.RateBitsPerSecond > 0)
        {
            long mbps = p.RateBitsPerSecond / 1_000_000;
            if (p.RateBitsPerSecond % 1_000_000 != 0 || mbps == 0)
            {
                mbps = System.Math.Max(mbps, 1);
                problems.Add($"its rate, {p.RateBitsPerSecond.ToString(CultureInfo.InvariantCulture)} b/s, is not a whole number of Mb/s, the unit of max_tx_rate (set to {mbps} Mb/s)");
            }

            commands.Add($"{vf} max_tx_rate {mbps.ToString(CultureInfo.InvariantCulture)}");
        }

        return problems.Count == 0
            ? Translation.Exact([.. commands])
            : new Translation(commands, ExportDescriptors.PoolAttributeNotExpressible,
                $"{pool.Quoted} cannot be exported to ip exactly: {string.Join("; ", problems)}.", KeptWhenPartial: true);
    }
}
