using System.Linq;
using Vmdq.Rules.Model;
using Vmdq.Rules.Tables;

namespace Vmdq.Generator.Plan;

/// <summary>
/// The lowered dispatcher of one rules file: what the printers write, decided once. Which probes run
/// and in which order, how each probe's key is formed from the parsed frame, the table bytes, the
/// constant verdicts, the parse variant the rule kinds need, and the comments that lead a reader back
/// to the rules file. The single-frame and the batch kernel are two printers of the same plan.
/// </summary>
/// <remarks>
/// Caching contract: a value (records, <see cref="EquatableArray{T}"/>, strings and numbers, no Roslyn
/// objects), built from a <see cref="RuleSet"/> alone. Equal rule sets give equal plans, so an edit that
/// leaves the model equal (a comment in the rules file, C# elsewhere) leaves this step and the printed
/// source cached. After dotnet/runtime's Regex generator (RegexTree → RegexMethod → emitter) and
/// System.Text.Json's <c>ContextGenerationSpec</c>.
/// </remarks>
/// <param name="FileName">The rules file's name (no directory), for comments.</param>
/// <param name="Namespace">Namespace of the dispatcher (may be empty).</param>
/// <param name="ClassName">The dispatcher class.</param>
/// <param name="FullTypeName">The namespace-qualified class.</param>
/// <param name="Geometry">Pools, queues per pool, ring size.</param>
/// <param name="DefaultPool">Where unmatched frames go.</param>
/// <param name="DefaultQueue">The default pool's queue.</param>
/// <param name="VxlanPort">UDP port that carries VXLAN.</param>
/// <param name="RuleCount">Rules compiled in.</param>
/// <param name="TableBytes">Bytes of table data (displacements and slots).</param>
/// <param name="Pools">Declared pools, for <c>Info</c>.</param>
/// <param name="Parse">How much of a frame the rule kinds need parsed: the parse variant the kernels run.</param>
/// <param name="DefaultVerdict">The default pool's verdict bits.</param>
/// <param name="Broadcast">The broadcast rule, if any.</param>
/// <param name="Multicast">The multicast rule, if any.</param>
/// <param name="Probes">The table probes, highest precedence first (kernels run them in reverse, so the highest that hits wins).</param>
internal sealed record DispatchPlan(
    string FileName,
    string Namespace,
    string ClassName,
    string FullTypeName,
    NicGeometry Geometry,
    int DefaultPool,
    int DefaultQueue,
    int VxlanPort,
    int RuleCount,
    long TableBytes,
    EquatableArray<ResolvedPool> Pools,
    ParseLevel Parse,
    ulong DefaultVerdict,
    GroupPlan? Broadcast,
    GroupPlan? Multicast,
    EquatableArray<ProbePlan> Probes)
{
    /// <summary>Name of the file-local class holding the tables and verdict constants.</summary>
    public string TablesClass => ClassName + "Tables";

    /// <summary>True when a probe's key or presence uses the tunnel locals (<c>hasTunnel</c>, <c>tunnelType</c>).</summary>
    public bool UsesTunnel => Probes.Any(p => p.Key.TunnelTypeBit > 0 || p.Key.Presence.Contains(FrameMask.HasTunnel));

    /// <summary>True when the broadcast mask is needed (a broadcast or a multicast rule).</summary>
    public bool UsesBroadcastMask => Broadcast is not null || Multicast is not null;
}

/// <summary>A broadcast or multicast rule: a constant verdict, selected by a mask on the destination MAC.</summary>
/// <param name="Comment">The rule as written, with its line, e.g. <c>line 16: broadcast -&gt; web, storage</c>.</param>
/// <param name="Verdict">Its verdict bits.</param>
/// <param name="Replicas">The pools it replicates to, in the order written.</param>
internal sealed record GroupPlan(string Comment, ulong Verdict, EquatableArray<int> Replicas);

/// <summary>One table probe: which rules, how the key is formed, and the perfect-hash table's data.</summary>
/// <param name="Kind">The table (its name in the tables class).</param>
/// <param name="Precedence">The spec's precedence and syntax of its rules, e.g. <c>5. mac M vlan V</c>.</param>
/// <param name="RuleCount">Rules in the table.</param>
/// <param name="Lines">Their rules-file lines (the first few, then <c>...</c>).</param>
/// <param name="Key">Which parsed-frame fields form the key, the extra bits and the presence mask.</param>
/// <param name="BucketShift">64 - log2(buckets).</param>
/// <param name="Shift">64 - log2(slots).</param>
/// <param name="BucketCount">Buckets.</param>
/// <param name="SlotCount">Slots.</param>
/// <param name="Displacements">One little-endian ulong per bucket.</param>
/// <param name="Slots">The slots' bytes (key, payload).</param>
/// <param name="SlotComments">One comment per slot (the rule in it, or <c>empty</c>); empty when the table is too large to comment.</param>
internal sealed record ProbePlan(
    TableKind Kind,
    string Precedence,
    int RuleCount,
    string Lines,
    KeyLayout Key,
    int BucketShift,
    int Shift,
    int BucketCount,
    int SlotCount,
    EquatableArray<byte> Displacements,
    EquatableArray<byte> Slots,
    EquatableArray<string> SlotComments)
{
    /// <summary>The table's name in the tables class (its members are <c>{Name}Slots</c>...).</summary>
    public string Name => Kind.ToString();
}

/// <summary>
/// How a probe's lookup key is formed from a parsed frame: <c>key = Key | (tunnelType &lt;&lt; TunnelTypeBit)</c>,
/// <c>extra = Extra</c> (0 when <see cref="FrameValue.None"/>), and the probe counts only where every
/// mask of <see cref="Presence"/> is set. Mirrors <see cref="DispatchTables.KeyOf"/>, which stores rules
/// under the same key.
/// </summary>
/// <param name="Key">The parsed-frame field that is the key.</param>
/// <param name="TunnelTypeBit">Bit of the key that marks NVGRE, or 0 for none.</param>
/// <param name="Extra">The parsed-frame field that is the extra key part, or <see cref="FrameValue.None"/>.</param>
/// <param name="Presence">The masks that must all be set for a hit.</param>
internal sealed record KeyLayout(FrameValue Key, int TunnelTypeBit, FrameValue Extra, EquatableArray<FrameMask> Presence);

/// <summary>A value field of the parsed frame (<c>ParsedFrame</c> and <c>ParsedFrame4</c> have the same names).</summary>
internal enum FrameValue
{
    /// <summary>No field: the value 0.</summary>
    None,
    /// <summary>Destination MAC.</summary>
    Dst,
    /// <summary>C-tag VLAN ID.</summary>
    Cvid,
    /// <summary>VNI or VSID.</summary>
    TunnelId,
    /// <summary>Inner destination MAC.</summary>
    InnerDst,
}

/// <summary>A presence mask: a parsed-frame field, or one the kernel derives (<see cref="HasTunnel"/>).</summary>
internal enum FrameMask
{
    /// <summary>The destination MAC is there.</summary>
    HasDst,
    /// <summary>There is a C-tag.</summary>
    HasCvid,
    /// <summary>The frame is VXLAN or NVGRE (the kernel's <c>hasTunnel</c> local).</summary>
    HasTunnel,
    /// <summary>The inner destination MAC is there.</summary>
    HasInnerDst,
}
