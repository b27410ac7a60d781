using System.Collections.Generic;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Cli.Export;

/// <summary>
/// The diagnostics of <c>vmdq export</c>: a rule the chosen target cannot express. IDs VMDQ0101 and up, documented in
/// docs/diagnostics.md ("Export diagnostics"). They are errors (the command exits 1 and writes no commands) unless
/// <c>--allow-partial</c> makes them warnings.
/// </summary>
internal static class ExportDescriptors
{
    /// <summary>The target has no filter for this kind of match (tunnels in <c>ip</c>/<c>ethtool</c>, NVGRE in <c>tc</c>...).</summary>
    public static readonly RuleDescriptor MatchNotExpressible = new("VMDQ0101", "Match not expressible by the export target", RuleSeverity.Error);

    /// <summary>A <c>broadcast</c>/<c>multicast</c> rule that replicates to several pools: the target delivers a frame to one queue.</summary>
    public static readonly RuleDescriptor ReplicationNotExpressible = new("VMDQ0102", "Replication not expressible by the export target", RuleSeverity.Error);

    /// <summary>A <c>-&gt; drop</c> rule on a target that cannot drop (<c>ip</c>).</summary>
    public static readonly RuleDescriptor DropNotExpressible = new("VMDQ0103", "Drop not expressible by the export target", RuleSeverity.Error);

    /// <summary>A second MAC (or MAC and VLAN) rule for a pool that is an SR-IOV VF, which has one MAC and one VLAN.</summary>
    public static readonly RuleDescriptor PoolFilterTaken = new("VMDQ0104", "The pool's one filter is taken", RuleSeverity.Error);

    /// <summary>A rule that names a queue the target cannot steer to (a VF's queues are chosen by the VF).</summary>
    public static readonly RuleDescriptor QueueNotExpressible = new("VMDQ0105", "Queue not expressible by the export target", RuleSeverity.Error);

    /// <summary>A pool's transmit attribute (anti-spoofing, VLAN insert, rate) the target can set only in part or not at all.</summary>
    public static readonly RuleDescriptor PoolAttributeNotExpressible = new("VMDQ0106", "Pool attribute not expressible by the export target", RuleSeverity.Error);

    /// <summary>All export descriptors, in ID order.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } =
        [MatchNotExpressible, ReplicationNotExpressible, DropNotExpressible, PoolFilterTaken, QueueNotExpressible, PoolAttributeNotExpressible];
}
