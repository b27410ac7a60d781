using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Analysis;

internal sealed partial class RulesChecker
{
    /// <summary>Resolves each rule's target; rules whose target does not resolve take no part in later checks.</summary>
    private void ResolveRules()
    {
        _resolved.Capacity = _doc.Rules.Count;
        var replicas = new List<int>();
        foreach (var rule in _doc.Rules)
        {
            var target = rule.Target;
            if (target.IsDrop)
            {
                _resolved.Add((rule, new ResolvedRule(rule.Match.Kind, rule.Match.Mac, rule.Match.Id, true, 0, 0, rule.Line, EquatableArray<int>.Empty, Channel: rule.Channel)));
                continue;
            }

            bool ok = true;
            replicas.Clear();
            PoolDecl? firstPool = null;
            foreach (var poolRef in target.Pools)
            {
                if (!_pools.TryGetValue(poolRef.Name, out var pool))
                {
                    ok = false;
                    ReportUndefinedPool(poolRef);

                    continue;
                }

                if (!CheckSameChannel(rule.Channel, pool, poolRef, list: target.Pools.Count > 1))
                {
                    ok = false;
                    continue;
                }

                if (replicas.Contains((int)pool.Index))
                {
                    Report(RuleDescriptors.DuplicateDeclaration, poolRef.Span, RuleMessages.PoolListedTwice(poolRef.Name));
                    ok = false;
                    continue;
                }

                firstPool ??= pool;
                replicas.Add((int)pool.Index);
            }

            if (!ok || firstPool is null || firstPool.Index < 0 || firstPool.Index >= _geometry.Pools)
            {
                continue;
            }

            int queue = firstPool.FirstQueue;
            if (target.Queue is { } explicitQueue && target.QueueSpan is { } queueSpan)
            {
                if (!_doc.GeometryInvalid && explicitQueue >= _geometry.QueuesPerPool)
                {
                    Report(RuleDescriptors.ValueOutOfRange, queueSpan,
                        RuleMessages.QueueOutOfRange(Spelled(queueSpan), _geometry.QueuesPerPool, _doc.NicLine));
                    continue;
                }

                if (firstPool.Queues is { } allowed && !allowed.Contains(explicitQueue))
                {
                    Report(RuleDescriptors.ValueOutOfRange, queueSpan,
                        RuleMessages.QueueOutsidePool(Spelled(queueSpan), firstPool, Spelled(allowed.Span)));
                    continue;
                }

                queue = (int)explicitQueue;
            }

            // An rss pool picks the queue per frame, unless the rule names one.
            bool spread = firstPool.Rss && target.Queue is null;

            bool group = rule.Match.Kind is MatchKind.Broadcast or MatchKind.Multicast;
            _resolved.Add((rule, new ResolvedRule(rule.Match.Kind, rule.Match.Mac, rule.Match.Id, false, (int)firstPool.Index, queue, rule.Line,
                group ? new EquatableArray<int>(replicas.ToArray()) : EquatableArray<int>.Empty, spread, rule.Channel)));
        }
    }

    /// <summary>Checks on a single match: reserved values and group MACs.</summary>
    private void CheckMatches()
    {
        foreach (var rule in _doc.Rules)
        {
            var key = rule.Match;
            if (key.Kind is MatchKind.Vlan or MatchKind.MacVlan && rule.IdSpan is { } vlanSpan && IsReservedId(key))
            {
                Report(RuleDescriptors.ReservedValue, vlanSpan, RuleMessages.ReservedVlan(key.Id));
            }

            if (key.Kind is MatchKind.Nvgre or MatchKind.NvgreInner && rule.IdSpan is { } vsidSpan && IsReservedId(key))
            {
                Report(RuleDescriptors.ReservedValue, vsidSpan, RuleMessages.ReservedVsid(key.Id, Spelled(vsidSpan)));
            }

            if (key.Kind is MatchKind.Mac or MatchKind.MacVlan && rule.MacSpan is { } macSpan && Mac.IsGroup(key.Mac))
            {
                Report(RuleDescriptors.GroupMac, macSpan, RuleMessages.GroupMac(key.Mac));
            }
        }
    }

    /// <summary>The tenant that owns a rule's identifier (VLAN, VNI or VSID), if any.</summary>
    private TenantDecl? OwnerOf(MatchKey key)
    {
        // The tenants are all known by now (CheckTenants runs first): sorted once, not once per rule.
        _tenantsByLine ??= _tenants.Values.OrderBy(t => t.Line).ToArray();
        return OwnerOf(_tenantsByLine, key);
    }

    /// <summary>The first of <paramref name="tenantsByLine"/> whose range of <paramref name="key"/>'s identifier kind holds it (shared with <see cref="IncrementalRules"/>).</summary>
    internal static TenantDecl? OwnerOf(IReadOnlyList<TenantDecl> tenantsByLine, MatchKey key)
    {
        foreach (var tenant in tenantsByLine)
        {
            ValueRange? range = key.Kind switch
            {
                MatchKind.Vlan or MatchKind.MacVlan => tenant.Vlan,
                MatchKind.Vxlan or MatchKind.VxlanInner => tenant.Vni,
                MatchKind.Nvgre or MatchKind.NvgreInner => tenant.Vsid,
                _ => null,
            };
            if (range is not null && range.Contains(key.Id))
            {
                return tenant;
            }
        }

        return null;
    }

    private void CheckTenantLeaks()
    {
        foreach (var (syntax, rule) in _resolved)
        {
            // Two statements, not 'a || X() is not { } v': a mutant of that condition leaves 'owner'
            // unassigned and does not compile, which makes mutation testing drop the whole method.
            if (rule.IsDrop)
            {
                continue;
            }

            var owner = OwnerOf(rule.Key);
            if (owner is null)
            {
                continue;
            }

            var pool = _poolsByIndex[rule.Pool];
            if (pool.Tenant is not null && pool.Tenant != owner.Name)
            {
                Report(RuleDescriptors.TenantLeak, syntax.Target.Pools[0].Span, RuleMessages.TenantLeak(rule.Kind, IdSpelling(syntax, rule), owner, pool));
            }
        }
    }

    /// <summary>A pool's name by its index, or null when no pool has it.</summary>
    private string? PoolName(int index) => _poolsByIndex.TryGetValue(index, out var p) ? p.Name : null;

    /// <summary>
    /// The counterexample sentence of a conflict, duplicate, override or redundancy: " The frame [FIELDS] CLAIM."
    /// with a frame that reaches the rules of <paramref name="key"/>, or why no frame does.
    /// </summary>
    private string Witness(MatchKey key, string claim, int channel = 0)
    {
        // Only the rules of the channel compete (an S-channel's frames never meet another channel's rules); each channel's
        // rules are indexed once per check.
        _witnessRules ??= new Dictionary<int, Counterexample.RuleIndex>();
        if (!_witnessRules.TryGetValue(channel, out var index))
        {
            index = new Counterexample.RuleIndex(_doc.Channels.Count == 0 ? _doc.Rules : _doc.Rules.Where(r => r.Channel == channel).ToList());
            _witnessRules[channel] = index;
        }

        var (frame, takenBy) = Counterexample.Find(key, index, (int)(_doc.VxlanPort?.Value ?? 4789));
        return RuleMessages.Witness(frame?.ToString(), claim, takenBy);
    }

    private static bool SameTarget(ResolvedRule a, ResolvedRule b) =>
        a.IsDrop == b.IsDrop && a.Pool == b.Pool && a.Queue == b.Queue && a.Replicas == b.Replicas && a.Spread == b.Spread;

    /// <summary>Same match twice: a conflict when the targets differ, a duplicate when they agree. Returns the first rule of each match.</summary>
    private List<(FilterRule Syntax, ResolvedRule Rule)> CheckDuplicatesAndConflicts()
    {
        var first = new Dictionary<(int Channel, MatchKey Key), (FilterRule Syntax, ResolvedRule Rule)>(_resolved.Count);
        var unique = new List<(FilterRule, ResolvedRule)>(_resolved.Count);
        foreach (var entry in _resolved)
        {
            var key = entry.Rule.Key;
            int channel = entry.Rule.Channel;
            if (first.TryGetValue((channel, key), out var earlier))
            {
                if (SameTarget(earlier.Rule, entry.Rule))
                {
                    Report(RuleDescriptors.Duplicate, entry.Syntax.KindSpan,
                        RuleMessages.Duplicate(key, entry.Rule, earlier.Rule, PoolName) + Witness(key, RuleMessages.DuplicateClaim(entry.Rule, PoolName), channel));
                }
                else
                {
                    Report(RuleDescriptors.Conflict, entry.Syntax.KindSpan,
                        RuleMessages.Conflict(key, entry.Rule, earlier.Rule, PoolName) + Witness(key, RuleMessages.ConflictClaim(entry.Rule, earlier.Rule, PoolName), channel));
                }

                continue;
            }

            first.Add((channel, key), entry);
            unique.Add(entry);
        }

        _firstByKey = first;
        return unique;
    }

    /// <summary>Redundant (warning) and override (info): a specific rule against the broader rule that would decide without it.</summary>
    private void CheckSpecificity(List<(FilterRule Syntax, ResolvedRule Rule)> unique)
    {
        // The first rule of each match in each channel, as CheckDuplicatesAndConflicts kept them: exactly the rules of 'unique'.
        var byKey = _firstByKey;
        foreach (var (syntax, rule) in unique)
        {
            ResolvedRule? broader = null;
            int c = rule.Channel;
            switch (rule.Kind)
            {
                case MatchKind.MacVlan:
                    broader = byKey.TryGetValue((c, new MatchKey(MatchKind.Mac, rule.Mac, 0)), out var mac) ? mac.Rule
                        : byKey.TryGetValue((c, new MatchKey(MatchKind.Vlan, 0, rule.Id)), out var vlan) ? vlan.Rule : null;
                    break;
                case MatchKind.VxlanInner:
                    broader = byKey.TryGetValue((c, new MatchKey(MatchKind.Vxlan, 0, rule.Id)), out var vx) ? vx.Rule : null;
                    break;
                case MatchKind.NvgreInner:
                    broader = byKey.TryGetValue((c, new MatchKey(MatchKind.Nvgre, 0, rule.Id)), out var nv) ? nv.Rule : null;
                    break;
            }

            if (broader is null)
            {
                continue;
            }

            if (SameTarget(rule, broader))
            {
                Report(RuleDescriptors.Redundant, syntax.KindSpan,
                    RuleMessages.Redundant(rule, broader, PoolName) + Witness(rule.Key, RuleMessages.RedundantClaim(rule, broader, PoolName), c));
            }
            else
            {
                Report(RuleDescriptors.Override, syntax.KindSpan,
                    RuleMessages.Override(rule, broader, PoolName) + Witness(rule.Key, RuleMessages.OverrideClaim(rule, broader, PoolName), c));
            }
        }
    }

    private void CheckUnreachablePools(int defaultPool, EquatableArray<ResolvedChannel> channels)
    {
        var targeted = new HashSet<int>(channels.Where(c => c.DefaultPool >= 0).Select(c => c.DefaultPool));
        foreach (var (_, rule) in _resolved)
        {
            if (!rule.IsDrop)
            {
                targeted.Add(rule.Pool);
                foreach (int r in rule.Replicas)
                {
                    targeted.Add(r);
                }
            }
        }

        // A pool a rule line names counts as targeted even when that line has an error (the error is the
        // news, not the pool), and so does the pool a misspelt name most likely means.
        var named = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Name(string name)
        {
            // Rule after rule names the same few pools: each name once (a misspelt one costs a search for the nearest).
            if (seen.Add(name))
            {
                named.Add(_pools.ContainsKey(name) ? name : Spelling.Nearest(name, _pools.Keys) ?? name);
            }
        }

        foreach (var rule in _doc.Rules)
        {
            foreach (var pool in rule.Target.Pools)
            {
                Name(pool.Name);
            }
        }

        foreach (var pool in _doc.BrokenRuleTargets)
        {
            Name(pool.Name);
        }

        foreach (var pool in _doc.RecoveredTargets)
        {
            Name(pool.Name);
        }

        if (_doc.DefaultPool?.Name is { } defaultName)
        {
            Name(defaultName);
        }

        foreach (var sectionDefault in _doc.SectionDefaults.Values)
        {
            if (sectionDefault.Name is { } name)
            {
                Name(name);
            }
        }

        foreach (var pool in _doc.Pools)
        {
            if (_pools.TryGetValue(pool.Name, out var declared) && ReferenceEquals(declared, pool)
                && pool.Index != defaultPool && !targeted.Contains((int)pool.Index) && !named.Contains(pool.Name))
            {
                Report(RuleDescriptors.UnreachablePool, pool.NameSpan, RuleMessages.UnreachablePool(pool.Name, Spelled(pool.IndexSpan)));
            }
        }
    }
}
