using System.Linq;
using Vmdq.Rules.Model;
using Vmdq.Rules.Tables;

namespace Vmdq.Generator.Plan;

/// <summary>
/// The lowered dispatcher of one rules file: what the printers write, decided once. Which tables the
/// shared kernel probes (the rule kinds present), the table bytes, the constant verdicts, the parse
/// variant the rule kinds need, and the comments that lead a reader back to the rules file. The kernels
/// themselves are the runtime's (<c>DispatchKernel</c>, one source for one, four and eight frames at a
/// time): they take the tables as data, so an engine that builds tables at run time runs the same code.
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
/// <param name="Transmit">Each pool's transmit attributes (anti-spoofing, VLAN insert), in the order of <paramref name="Pools"/>.</param>
/// <param name="Classes">Traffic classes, for <c>Info</c>.</param>
/// <param name="Switch">The <c>switch</c> mode, for <c>Info</c>.</param>
/// <param name="L2Rules">The switch's L2 filters (<c>mac</c>, <c>mac ... vlan</c>, <c>vlan</c> rules in file order), printed as data in <c>Info</c>.</param>
/// <param name="VlanMembers">The pools' VLAN membership, printed as data in <c>Info</c>.</param>
/// <param name="Channels">The S-channels (<c>channel</c> statements), in file order; empty without them.</param>
/// <param name="ChannelVerdicts">With S-channels, the constant verdicts of every channel (default, multicast, broadcast of channel c at 3c..3c + 2).</param>
/// <param name="ChannelGroups">With S-channels, the broadcast and multicast rules of every channel, by line (for <c>Replicas</c>).</param>
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
    EquatableArray<ProbePlan> Probes,
    EquatableArray<PoolTransmit> Transmit,
    EquatableArray<ResolvedClass> Classes = default,
    SwitchKind Switch = SwitchKind.Veb,
    EquatableArray<ResolvedRule> L2Rules = default,
    EquatableArray<VlanMember> VlanMembers = default,
    EquatableArray<ResolvedChannel> Channels = default,
    EquatableArray<ulong> ChannelVerdicts = default,
    EquatableArray<GroupRulePlan> ChannelGroups = default)
{
    /// <summary>True when the dispatcher is keyed by S-channel (<c>Kinds.Channels</c>).</summary>
    public bool HasChannels => Channels.Count > 0;

    /// <summary>Name of the file-local class holding the tables and verdict constants.</summary>
    public string TablesClass => ClassName + "Tables";

    /// <summary>True when the kernel selects the broadcast and multicast verdicts (there is a broadcast or a multicast rule).</summary>
    public bool HasGroups => Broadcast is not null || Multicast is not null || ChannelGroups.Count > 0;

    /// <summary>The <c>rss</c> pools (each has a redirection table the host can replace).</summary>
    public EquatableArray<ResolvedPool> RssPools => Pools.Where(p => p.Rss).ToEquatableArray();

    /// <summary>True when some verdict spreads by RSS: the kernels compute the hash (<c>Kinds.Rss</c>).</summary>
    public bool Spreads => DefaultVerdict >> VerdictBits.SpreadShift != 0
        || (Broadcast?.Verdict ?? 0) >> VerdictBits.SpreadShift != 0 || (Multicast?.Verdict ?? 0) >> VerdictBits.SpreadShift != 0
        || Probes.Any(p => p.SpreadCount > 0)
        || ChannelVerdicts.Any(v => v >> VerdictBits.SpreadShift != 0);

    /// <summary>The probe of <paramref name="kind"/>'s table, or null when the rules fill no such table.</summary>
    public ProbePlan? ProbeOf(TableKind kind) => Probes.FirstOrDefault(p => p.Kind == kind);
}

/// <summary>A broadcast or multicast rule: a constant verdict, selected by a mask on the destination MAC.</summary>
/// <param name="Comment">The rule as written, with its line, e.g. <c>line 16: broadcast -&gt; web, storage</c>.</param>
/// <param name="Verdict">Its verdict bits.</param>
/// <param name="Replicas">The pools it replicates to, in the order written.</param>
internal sealed record GroupPlan(string Comment, ulong Verdict, EquatableArray<int> Replicas);

/// <summary>A broadcast or multicast rule of a dispatcher with S-channels: its line (what a verdict carries) and its pools.</summary>
/// <param name="Line">Its rules-file line.</param>
/// <param name="Comment">The rule as written, with its line.</param>
/// <param name="Replicas">The pools it replicates to, in the order written.</param>
internal sealed record GroupRulePlan(int Line, string Comment, EquatableArray<int> Replicas);

/// <summary>One table probe: which rules, how the key is formed, and the perfect-hash table's data.</summary>
/// <param name="Kind">The table (its name in the tables class).</param>
/// <param name="Precedence">The spec's precedence and syntax of its rules, e.g. <c>5. mac M vlan V</c>.</param>
/// <param name="RuleCount">Rules in the table.</param>
/// <param name="Lines">Their rules-file lines (the first few, then <c>...</c>).</param>
/// <param name="BucketShift">64 - log2(buckets).</param>
/// <param name="Shift">64 - log2(slots).</param>
/// <param name="BucketCount">Buckets.</param>
/// <param name="SlotCount">Slots.</param>
/// <param name="Displacements">One little-endian ulong per bucket.</param>
/// <param name="KeySize">Bytes per key: 8, or 16 in the tunnel-inner table (key, then extra).</param>
/// <param name="Keys">The slots' keys.</param>
/// <param name="Verdicts">The slots' verdicts, 8 bytes each.</param>
/// <param name="SlotComments">One comment per slot (the rule in it, or <c>empty</c>); empty when the table is too large to comment.</param>
/// <param name="SpreadCount">Rules in the table whose verdict spreads by RSS.</param>
internal sealed record ProbePlan(
    TableKind Kind,
    string Precedence,
    int RuleCount,
    string Lines,
    int BucketShift,
    int Shift,
    int BucketCount,
    int SlotCount,
    EquatableArray<byte> Displacements,
    int KeySize,
    EquatableArray<byte> Keys,
    EquatableArray<byte> Verdicts,
    EquatableArray<string> SlotComments,
    int SpreadCount = 0)
{
    /// <summary>The table's name in the tables class (its members are <c>{Name}Keys</c>...).</summary>
    public string Name => Kind.ToString();
}
