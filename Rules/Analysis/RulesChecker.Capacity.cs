using System.Collections.Generic;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Analysis;

internal sealed partial class RulesChecker
{
    /// <summary>VMDQ0008: more pools, queues or filters than the <c>profile</c> NIC holds. Reported once per resource, on the first rule over the limit.</summary>
    private void CheckCapacity(List<(FilterRule Syntax, ResolvedRule Rule)> unique)
    {
        // Two statements (see CheckTenantLeaks): each mutant of either condition still compiles.
        if (_doc.Profile is not { } named)
        {
            return;
        }

        var profile = CapacityProfile.Find(named.Name);
        if (profile is null)
        {
            return;
        }

        string where = $"profile {profile.Name} ({profile.Nic}, line {named.Span.Line})";
        SourceSpan geometrySpan = _doc.NicPools?.Span ?? named.Span;
        if (_geometry.Pools > profile.Pools)
        {
            Report(RuleDescriptors.Capacity, geometrySpan, $"This file needs {_geometry.Pools} VMDq pools; {where} holds {profile.Pools}.");
        }

        int queues = _geometry.Pools * _geometry.QueuesPerPool;
        if (queues > profile.QueuesInAll)
        {
            Report(RuleDescriptors.Capacity, _doc.NicQueues?.Span ?? geometrySpan,
                $"This file needs {queues} queues in all ({_geometry.Pools} pools x {_geometry.QueuesPerPool}); {where} holds {profile.QueuesInAll}.");
        }

        // Each resource counts distinct hardware entries; the first rule past the limit carries the warning.
        var macs = new HashSet<ulong>();
        var macVlanEntries = new HashSet<(ulong, uint, bool)>();
        var vlans = new HashSet<uint>();
        int tunnels = 0;
        var over = new Dictionary<string, (SourceSpan Span, int Limit)>();
        var needed = new Dictionary<string, int>();

        void Count(string resource, int count, int limit, SourceSpan span)
        {
            needed[resource] = count;
            if (count > limit && !over.ContainsKey(resource))
            {
                over[resource] = (span, limit);
            }
        }

        foreach (var (syntax, rule) in unique)
        {
            switch (rule.Kind)
            {
                case MatchKind.Mac:
                case MatchKind.MacVlan:
                    if (profile.VlanFilters is int vlanLimit)
                    {
                        macs.Add(rule.Mac);
                        Count("exact dst-MAC filters", macs.Count, profile.MacFilters, syntax.KindSpan);
                        if (rule.Kind == MatchKind.MacVlan && vlans.Add(rule.Id))
                        {
                            Count("VLAN filters", vlans.Count, vlanLimit, syntax.KindSpan);
                        }
                    }
                    else
                    {
                        macVlanEntries.Add((rule.Mac, rule.Id, rule.Kind == MatchKind.MacVlan));
                        Count("MAC/VLAN filters", macVlanEntries.Count, profile.MacFilters, syntax.KindSpan);
                    }

                    break;
                case MatchKind.Vlan:
                    if (profile.VlanFilters is int limit)
                    {
                        if (vlans.Add(rule.Id))
                        {
                            Count("VLAN filters", vlans.Count, limit, syntax.KindSpan);
                        }
                    }
                    else
                    {
                        macVlanEntries.Add((ulong.MaxValue, rule.Id, true));
                        Count("MAC/VLAN filters", macVlanEntries.Count, profile.MacFilters, syntax.KindSpan);
                    }

                    break;
                case MatchKind.Vxlan:
                case MatchKind.VxlanInner:
                case MatchKind.Nvgre:
                case MatchKind.NvgreInner:
                    tunnels++;
                    Count("tunnel filters", tunnels, profile.TunnelFilters, syntax.KindSpan);
                    break;
            }
        }

        foreach (var pair in over)
        {
            Report(RuleDescriptors.Capacity, pair.Value.Span, RuleMessages.FilterCapacity(pair.Key, needed[pair.Key], where, pair.Value.Limit));
        }
    }
}
