using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Analysis;

internal sealed partial class RulesChecker
{
    private void ReportUndefinedPool(PoolRef poolRef)
    {
        if (!_pools.ContainsKey(poolRef.Name) && !_doc.PoisonedPools.Contains(poolRef.Name))
        {
            // The suggestion once per name: a renamed pool can leave a million rules naming the old name.
            if (!_undefinedPoolSuggestions.TryGetValue(poolRef.Name, out string? suggestion))
            {
                suggestion = Spelling.DidYouMean(poolRef.Name, _pools.Keys);
                _undefinedPoolSuggestions.Add(poolRef.Name, suggestion);
            }

            Report(RuleDescriptors.Undefined, poolRef.Span, RuleMessages.PoolNotDeclared(poolRef.Name, suggestion));
        }
    }

    /// <summary>A rule whose match had an error still has its target checked: all errors of a line, not only the first.</summary>
    private void CheckBrokenRuleTargets()
    {
        foreach (var poolRef in _doc.BrokenRuleTargets)
        {
            ReportUndefinedPool(poolRef);
        }
    }

    /// <summary>A rule's VLAN, VNI or VSID as the file spells it.</summary>
    private string IdSpelling(FilterRule syntax, ResolvedRule rule) =>
        syntax.IdSpan is { } span ? Spelled(span) : rule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static (string What, System.Func<TenantDecl, ValueRange?> Range)? IdentifierOf(MatchKind kind) => kind switch
    {
        MatchKind.Vlan or MatchKind.MacVlan => ("VLAN", t => t.Vlan),
        MatchKind.Vxlan or MatchKind.VxlanInner => ("VNI", t => t.Vni),
        MatchKind.Nvgre or MatchKind.NvgreInner => ("VSID", t => t.Vsid),
        _ => null,
    };

    /// <summary>VMDQ0009's reserved values: VLAN 0 and 4095, VSIDs 0..0xFFF and 0xFFFFFF.</summary>
    /// <summary>A reserved VLAN ID (0, 4095) or VSID (0..4095, 0xFFFFFF): one definition for the checker and its incremental twin.</summary>
    internal static bool IsReservedId(MatchKey key) => key.Kind switch
    {
        MatchKind.Vlan or MatchKind.MacVlan => key.Id == 0 || key.Id == 4095,
        MatchKind.Nvgre or MatchKind.NvgreInner => key.Id <= 0xFFF || key.Id == 0xFFFFFF,
        _ => false,
    };

    /// <summary>
    /// VMDQ0016: a VLAN, VNI or VSID that no tenant owns, routed to a pool that belongs to a tenant. Only
    /// for identifiers the file's tenants account for (some tenant declares a range of that kind), and
    /// not when a tenant statement was dropped or repeated (its range might be the owner), nor for reserved
    /// values, which VMDQ0009 reports and no tenant can own.
    /// </summary>
    private void CheckUnownedIdentifiers()
    {
        if (_tenantsIncomplete)
        {
            return;
        }

        // Which kinds of identifier some tenant declares a range of (VLAN, VNI, VSID), computed once rather than per rule.
        bool anyVlan = _tenants.Values.Any(t => t.Vlan is not null);
        bool anyVni = _tenants.Values.Any(t => t.Vni is not null);
        bool anyVsid = _tenants.Values.Any(t => t.Vsid is not null);
        if (!anyVlan && !anyVni && !anyVsid)
        {
            return;
        }

        foreach (var (syntax, rule) in _resolved)
        {
            // Conditions are separate statements, with no pattern variable in a '||' or a ternary: Stryker's
            // mutants of such a condition leave the variable unassigned and cannot compile (CS0165).
            var spanOrNull = syntax.IdSpan;
            var identifierOrNull = IdentifierOf(rule.Key.Kind);
            if (rule.IsDrop || spanOrNull is null || identifierOrNull is null || IsReservedId(rule.Key))
            {
                continue;
            }

            var idSpan = spanOrNull.Value;
            var identifier = identifierOrNull.Value;

            bool accounted = identifier.What switch
            {
                "VLAN" => anyVlan,
                "VNI" => anyVni,
                _ => anyVsid,
            };
            if (!accounted || OwnerOf(rule.Key) is not null)
            {
                continue;
            }

            var pool = _pools[syntax.Target.Pools[0].Name];
            if (pool.Tenant is null)
            {
                continue;
            }

            if (!_tenants.TryGetValue(pool.Tenant, out var tenant))
            {
                continue;
            }

            var range = identifier.Range(tenant);
            Report(RuleDescriptors.UnownedIdentifier, idSpan,
                RuleMessages.UnownedIdentifier(identifier.What, Spelled(idSpan), pool, tenant, range is null ? null : Spelled(range.Span)));
        }
    }

    /// <summary>VMDQ0017: a broadcast or multicast rule replicating to pools of different tenants leaks every ARP/ND frame across them.</summary>
    private void CheckSharedReplication()
    {
        foreach (var (syntax, rule) in _resolved)
        {
            if (rule.Kind is not (MatchKind.Broadcast or MatchKind.Multicast) || rule.IsDrop)
            {
                continue;
            }

            (PoolDecl Pool, TenantDecl Tenant)? first = null;
            foreach (var poolRef in syntax.Target.Pools)
            {
                if (!_pools.TryGetValue(poolRef.Name, out var pool))
                {
                    continue;
                }

                if (pool.Tenant is null)
                {
                    continue;
                }

                if (!_tenants.TryGetValue(pool.Tenant, out var tenant))
                {
                    continue;
                }

                if (first is null)
                {
                    first = (pool, tenant);
                    continue;
                }

                if (first.Value.Tenant.Name == tenant.Name)
                {
                    continue;
                }

                Report(RuleDescriptors.SharedReplication, poolRef.Span, RuleMessages.SharedReplication(rule.Kind, first.Value.Pool, first.Value.Tenant, pool, tenant));
                break;
            }
        }
    }

    /// <summary>VMDQ0018: a file with no filter rules (empty, comments only, or declarations only) still generates, but sends every frame to the default pool.</summary>
    private void CheckHasRules(int defaultPool)
    {
        if (_doc.HasRuleLines || _diagnostics.Any(d => d.Severity == RuleSeverity.Error))
        {
            return;
        }

        Report(RuleDescriptors.NoRules, new SourceSpan(0, 0, 1, 1), RuleMessages.NoRules(defaultPool, PoolName(defaultPool)));
    }
}
