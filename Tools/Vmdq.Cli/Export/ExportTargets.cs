using System.Linq;

namespace Vmdq.Cli.Export;

/// <summary>Messages more than one target gives.</summary>
internal static class ExportTargets
{
    /// <summary>VMDQ0102 for a broadcast/multicast rule that lists several pools.</summary>
    public static Translation ReplicationFails(ExportRule rule, ExportContext context, string target, string why) =>
        Translation.Fail(ExportDescriptors.ReplicationNotExpressible,
            $"{rule.Quoted} cannot be exported to {target}: it replicates each frame to {rule.Replicas.Count} pools ({string.Join(", ", rule.Replicas.Select(context.PoolName))}), and {why}.");

    /// <summary>VMDQ0101 for a VXLAN or NVGRE rule on a target with no tunnel filters.</summary>
    public static Translation TunnelFails(ExportRule rule, string target, string why) =>
        Translation.Fail(ExportDescriptors.MatchNotExpressible, $"{rule.Quoted} cannot be exported to {target}: {why}.");
}
