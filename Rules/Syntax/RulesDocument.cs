using System.Collections.Generic;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Syntax;

/// <summary>
/// What the parser read from one rules file, before names are resolved and checks run.
/// Statements with syntax errors are left out (their diagnostics say why), except that a
/// pool or tenant whose name was read is remembered so that rules naming it do not also
/// report it as undefined.
/// </summary>
internal sealed class RulesDocument
{
    /// <summary>The file's path as the compiler knows it.</summary>
    public string Path { get; }

    /// <summary>Creates an empty document for <paramref name="path"/>.</summary>
    public RulesDocument(string path) => Path = path;

    /// <summary>The file's text, so that messages can echo values as they are spelled (hex stays hex).</summary>
    public string Text { get; internal set; } = string.Empty;

    /// <summary>True when the file has at least one filter-rule line, even a broken one.</summary>
    public bool HasRuleLines { get; internal set; }

    /// <summary>The <c>dispatcher</c> name, if given.</summary>
    public string? Dispatcher { get; internal set; }

    /// <summary>Where the dispatcher name is written.</summary>
    public SourceSpan? DispatcherSpan { get; internal set; }

    /// <summary>
    /// True when a <c>dispatcher</c> statement (or a line that looks like one, such as a misspelled keyword)
    /// could not be read: the type the user's code names is then unknown and no dispatcher shape is generated.
    /// </summary>
    public bool DispatcherUnreadable { get; internal set; }

    /// <summary>The <c>nic pools</c> value and where it is written.</summary>
    public (long Value, SourceSpan Span)? NicPools { get; internal set; }

    /// <summary>The <c>nic queues</c> value and where it is written.</summary>
    public (long Value, SourceSpan Span)? NicQueues { get; internal set; }

    /// <summary>The <c>nic ring</c> value and where it is written.</summary>
    public (long Value, SourceSpan Span)? NicRing { get; internal set; }

    /// <summary>True when a <c>nic</c> statement had errors: checks against the geometry are skipped.</summary>
    public bool GeometryInvalid { get; internal set; }

    /// <summary>Line of the <c>nic</c> statement, 0 if none.</summary>
    public int NicLine { get; internal set; }

    /// <summary>The <c>default-pool</c> value: an index or a pool name.</summary>
    public (long? Index, string? Name, SourceSpan Span)? DefaultPool { get; internal set; }

    /// <summary>The <c>vxlan-port</c> value.</summary>
    public (long Value, SourceSpan Span)? VxlanPort { get; internal set; }

    /// <summary>The <c>profile</c> name.</summary>
    public (string Name, SourceSpan Span)? Profile { get; internal set; }

    /// <summary>The <c>switch</c> mode and where it is written.</summary>
    public (SwitchKind Mode, SourceSpan Span)? Switch { get; internal set; }

    /// <summary>Tenants, in file order.</summary>
    public List<TenantDecl> Tenants { get; } = new();

    /// <summary>Pools, in file order.</summary>
    public List<PoolDecl> Pools { get; } = new();

    /// <summary>Traffic classes (<c>class</c> statements), in file order.</summary>
    public List<ClassDecl> Classes { get; } = new();

    /// <summary><c>channel</c> statements (S-channels), in file order; S-channel section N (1-based) is the one the Nth opens.</summary>
    public List<ChannelDecl> Channels { get; } = new();

    /// <summary>The <c>default-pool</c> of each S-channel section that writes one, by section number (1-based).</summary>
    public Dictionary<int, (long? Index, string? Name, SourceSpan Span)> SectionDefaults { get; } = new();

    /// <summary>Filter rules, in file order.</summary>
    public List<FilterRule> Rules { get; } = new();

    /// <summary>Pool names declared by statements that had errors: references to them are not reported again.</summary>
    public HashSet<string> PoisonedPools { get; } = new();

    /// <summary>Tenant names declared by statements that had errors: references to them are not reported again.</summary>
    public HashSet<string> PoisonedTenants { get; } = new();

    /// <summary>
    /// Targets of rules whose match had a value error but whose target parsed: checked for undefined
    /// pools, and they count as naming their pools (no "unreachable pool" after a broken rule).
    /// </summary>
    public List<PoolRef> BrokenRuleTargets { get; } = new();

    /// <summary>
    /// Pool names read after the <c>-&gt;</c> of rule lines with syntax errors: never reported, only
    /// counted as naming their pools.
    /// </summary>
    public List<PoolRef> RecoveredTargets { get; } = new();

    /// <summary>The spelling of <paramref name="span"/> in the file (empty when it is out of the text).</summary>
    public string Spelling(SourceSpan span) =>
        span.Start >= 0 && span.Length >= 0 && span.End <= Text.Length ? Text.Substring(span.Start, span.Length) : string.Empty;
}
