using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Analysis;

/// <summary>
/// Resolves a parsed <see cref="RulesDocument"/> and runs every check of the spec's table on it.
/// </summary>
internal sealed partial class RulesChecker
{
    private readonly RulesDocument _doc;
    private readonly List<RuleDiagnostic> _diagnostics;
    private readonly NicGeometry _geometry;
    private readonly Dictionary<string, TenantDecl> _tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PoolDecl> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PoolDecl> _poolsByIndex = new();
    private readonly List<(FilterRule Syntax, ResolvedRule Rule)> _resolved = new();

    /// <summary>The tenants by the line they are declared on (<see cref="OwnerOf(MatchKey)"/>), once they are all known.</summary>
    private TenantDecl[]? _tenantsByLine;

    /// <summary>The file's rules indexed for the witness frames of conflicts, duplicates, overrides and redundancies, once there is one.</summary>
    private Dictionary<int, Counterexample.RuleIndex>? _witnessRules;

    /// <summary>The "did you mean" of each undefined pool name reported (the declared pools are all known by then).</summary>
    private readonly Dictionary<string, string> _undefinedPoolSuggestions = new(StringComparer.Ordinal);

    /// <summary>The first rule of each match (<see cref="CheckDuplicatesAndConflicts"/>).</summary>
    private Dictionary<(int Channel, MatchKey Key), (FilterRule Syntax, ResolvedRule Rule)> _firstByKey = new();

    /// <summary>True when a tenant statement was dropped or repeated: who owns an identifier is then not known for sure.</summary>
    private bool _tenantsIncomplete;

    private RulesChecker(RulesDocument doc, List<RuleDiagnostic> diagnostics)
    {
        _doc = doc;
        _diagnostics = diagnostics;
        _tenantsIncomplete = doc.PoisonedTenants.Count > 0;
        _geometry = new NicGeometry(
            (int)(doc.NicPools?.Value ?? NicGeometry.Default.Pools),
            (int)(doc.NicQueues?.Value ?? NicGeometry.Default.QueuesPerPool),
            (int)(doc.NicRing?.Value ?? NicGeometry.Default.RingSize));
    }

    /// <summary>
    /// Checks <paramref name="doc"/>, appending diagnostics, and returns the resolved rule set
    /// (built even when there are errors, from the statements that resolved; callers decide).
    /// </summary>
    public static RuleSet Check(RulesDocument doc, List<RuleDiagnostic> diagnostics)
    {
        var checker = new RulesChecker(doc, diagnostics);
        return checker.Run();
    }

    /// <summary>The dispatcher type a rules file generates: its <c>dispatcher</c> name or <c>Vmdq.Generated.&lt;File&gt;Dispatcher</c>.</summary>
    public static string DispatcherTypeName(RulesDocument doc)
    {
        if (doc.Dispatcher is not null)
        {
            return doc.Dispatcher;
        }

        string file = System.IO.Path.GetFileNameWithoutExtension(doc.Path);
        return "Vmdq.Generated." + CSharpNames.PascalCase(file) + "Dispatcher";
    }

    private void Report(RuleDescriptor descriptor, SourceSpan span, string message) =>
        _diagnostics.Add(RuleDiagnostic.Create(descriptor, span, message));

    private RuleSet Run()
    {
        CheckTenants();
        CheckPools();
        CheckRss();
        CheckQos();
        CheckSwitching();
        CheckChannels();
        (int defaultPool, int defaultQueue) = ResolveDefaultPool();
        var channels = ResolveChannels();
        ResolveRules();
        CheckBrokenRuleTargets();
        CheckMatches();
        CheckTenantLeaks();
        CheckUnownedIdentifiers();
        CheckSharedReplication();
        var unique = CheckDuplicatesAndConflicts();
        CheckSpecificity(unique);
        CheckTransmit(unique);
        CheckCapacity(unique);
        CheckUnreachablePools(defaultPool, channels);
        CheckHasRules(defaultPool);

        string full = DispatcherTypeName(_doc);
        int dot = full.LastIndexOf('.');
        var pools = _pools.Values
            .Where(p => p.Index >= 0 && p.Index < _geometry.Pools)
            .Select(Resolve)
            .OrderBy(p => p.Index).ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToEquatableArray();
        var ruleArray = new ResolvedRule[unique.Count];
        for (int i = 0; i < ruleArray.Length; i++)
        {
            ruleArray[i] = unique[i].Rule;
        }

        var rules = new EquatableArray<ResolvedRule>(ruleArray);
        var tenantVlans = _tenants.Values.ToDictionary(t => t.Name, t => t.Vlan, StringComparer.Ordinal);

        return new RuleSet(
            _doc.Path,
            dot < 0 ? string.Empty : full.Substring(0, dot),
            dot < 0 ? full : full.Substring(dot + 1),
            _geometry,
            defaultPool,
            defaultQueue,
            (int)(_doc.VxlanPort?.Value ?? 4789),
            _doc.Profile?.Name,
            pools,
            rules,
            ResolvedClasses(),
            _doc.Switch?.Mode ?? SwitchKind.Veb,
            Switching.Membership(pools, tenantVlans, rules),
            channels);
    }

    private void CheckTenants()
    {
        foreach (var tenant in _doc.Tenants)
        {
            if (_tenants.TryGetValue(tenant.Name, out var first))
            {
                Report(RuleDescriptors.DuplicateDeclaration, tenant.NameSpan, $"Tenant {Echo.Quoted(tenant.Name)} is already declared on line {first.Line}.");
                _tenantsIncomplete = true;
                continue;
            }

            foreach (var other in _tenants.Values)
            {
                CheckOverlap(tenant, other, t => t.Vlan, "VLAN IDs");
                CheckOverlap(tenant, other, t => t.Vni, "VNIs");
                CheckOverlap(tenant, other, t => t.Vsid, "VSIDs");
                CheckOverlap(tenant, other, t => t.Svid, "S-VIDs");
            }

            _tenants.Add(tenant.Name, tenant);
        }
    }

    private void CheckOverlap(TenantDecl tenant, TenantDecl other, Func<TenantDecl, ValueRange?> range, string what)
    {
        ValueRange? a = range(tenant), b = range(other);
        if (a is not null && b is not null && a.Overlaps(b))
        {
            Report(RuleDescriptors.OverlappingTenants, a.Span,
                $"Tenant {Echo.Quoted(tenant.Name)} claims {what} {Spelled(a.Span)} that overlap tenant {Echo.Quoted(other.Name)} ({Spelled(b.Span)}, line {other.Line}): identifiers in the overlap are attributed to {Echo.Quoted(other.Name)} for the leak check.");
        }
    }

    private void CheckPools()
    {
        foreach (var pool in _doc.Pools)
        {
            if (_pools.TryGetValue(pool.Name, out var first))
            {
                Report(RuleDescriptors.DuplicateDeclaration, pool.NameSpan, $"Pool {Echo.Quoted(pool.Name)} is already declared on line {first.Line}.");
                continue;
            }

            _pools.Add(pool.Name, pool);
            if (!_doc.GeometryInvalid && (pool.Index < 0 || pool.Index >= _geometry.Pools))
            {
                Report(RuleDescriptors.ValueOutOfRange, pool.IndexSpan,
                    $"Pool index {Spelled(pool.IndexSpan)} is out of range: the NIC has {_geometry.Pools} pools (0..{_geometry.Pools - 1}){NicWhere()}.");
            }
            else if (_poolsByIndex.TryGetValue(pool.Index, out var sameIndex))
            {
                Report(RuleDescriptors.DuplicateDeclaration, pool.IndexSpan,
                    $"Pool index {Spelled(pool.IndexSpan)} is already named {Echo.Quoted(sameIndex.Name)} on line {sameIndex.Line}.");
            }
            else
            {
                _poolsByIndex.Add(pool.Index, pool);
            }

            if (pool.Tenant is not null && pool.TenantSpan is { } tenantSpan && !_tenants.ContainsKey(pool.Tenant) && !_doc.PoisonedTenants.Contains(pool.Tenant))
            {
                Report(RuleDescriptors.Undefined, tenantSpan, $"Tenant {Echo.Quoted(pool.Tenant)} is not declared{Spelling.DidYouMean(pool.Tenant, _doc.Tenants.Select(t => t.Name))}.");
            }

            if (!_doc.GeometryInvalid && pool.Queues is { } queues && queues.Hi >= _geometry.QueuesPerPool)
            {
                Report(RuleDescriptors.ValueOutOfRange, queues.Span,
                    $"Queues {Spelled(queues.Span)} are out of range: each pool has {_geometry.QueuesPerPool} queues (0..{_geometry.QueuesPerPool - 1}){NicWhere()}.");
            }
        }
    }

    private string NicWhere() => RuleMessages.NicWhere(_doc.NicLine);

    private (int Pool, int Queue) ResolveDefaultPool()
    {
        if (_doc.DefaultPool is not { } dp)
        {
            return (0, _poolsByIndex.TryGetValue(0, out var p0) ? p0.FirstQueue : 0);
        }

        if (dp.Name is not null)
        {
            if (_pools.TryGetValue(dp.Name, out var named))
            {
                return CheckSameChannel(0, named, new PoolRef(named.Name, dp.Span), list: false)
                    ? ((int)Math.Max(0, Math.Min(named.Index, _geometry.Pools - 1)), named.FirstQueue)
                    : (0, 0);
            }

            if (!_doc.PoisonedPools.Contains(dp.Name))
            {
                Report(RuleDescriptors.Undefined, dp.Span, RuleMessages.PoolNotDeclared(dp.Name, Spelling.DidYouMean(dp.Name, _pools.Keys)));
            }

            return (0, 0);
        }

        long index = dp.Index ?? 0;
        if (!_doc.GeometryInvalid && (index < 0 || index >= _geometry.Pools))
        {
            Report(RuleDescriptors.ValueOutOfRange, dp.Span, $"Default pool {Spelled(dp.Span)} is out of range: the NIC has {_geometry.Pools} pools (0..{_geometry.Pools - 1}){NicWhere()}.");
            return (0, 0);
        }

        if (_poolsByIndex.TryGetValue(index, out var p))
        {
            return CheckSameChannel(0, p, new PoolRef(p.Name, dp.Span), list: false) ? ((int)index, p.FirstQueue) : (0, 0);
        }

        return ((int)index, 0);
    }

    /// <summary>A value as the file spells it (hex stays hex), cut for a message.</summary>
    private string Spelled(SourceSpan span) => Echo.Cut(_doc.Spelling(span));
}
