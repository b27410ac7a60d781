using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Analysis;

internal sealed partial class RulesChecker
{
    /// <summary>
    /// The transmit attributes: VMDQ0027 on an <c>antispoof</c> that drops everything the pool sends, VMDQ0028 and
    /// VMDQ0029 on a <c>vlan-insert</c> VLAN outside the pool's tenant.
    /// </summary>
    private void CheckTransmit(List<(FilterRule Syntax, ResolvedRule Rule)> unique)
    {
        List<ResolvedRule>? rules = null;
        foreach (var pool in _pools.Values.OrderBy(p => p.Line))
        {
            if (pool.AntiSpoof is { } antiSpoof)
            {
                // The rules, made once and only when some pool has 'antispoof'.
                if (rules is null)
                {
                    rules = new List<ResolvedRule>(unique.Count);
                    foreach (var u in unique)
                    {
                        rules.Add(u.Rule);
                    }
                }

                var transmit = PoolTransmit.Of(Resolve(pool), rules);
                if (antiSpoof.Mac && transmit.Macs.Count == 0)
                {
                    Report(RuleDescriptors.AntiSpoofSendsNothing, antiSpoof.Span, RuleMessages.AntiSpoofNoMac(pool.Name));
                }

                if (antiSpoof.Vlan && transmit.Vlans.Count == 0)
                {
                    Report(RuleDescriptors.AntiSpoofSendsNothing, antiSpoof.Span, RuleMessages.AntiSpoofNoVlan(pool.Name));
                }
            }

            CheckInsertedVlan(pool);
        }
    }

    /// <summary>VMDQ0028/VMDQ0029: the VLAN a pool inserts must be its tenant's, as the VLANs its rules receive must be (VMDQ0005/VMDQ0016).</summary>
    private void CheckInsertedVlan(PoolDecl pool)
    {
        if (pool.VlanInsert is not { } vlan || pool.VlanInsertSpan is not { } span || pool.Tenant is null || _tenantsIncomplete)
        {
            return;
        }

        var owner = OwnerOf(new MatchKey(MatchKind.Vlan, 0, (uint)vlan));
        if (owner is not null && owner.Name != pool.Tenant)
        {
            Report(RuleDescriptors.InsertedVlanLeak, span,
                $"Pool {Echo.Quoted(pool.Name)} of tenant {Echo.Quoted(pool.Tenant)} inserts VLAN {Spelled(span)}, which belongs to tenant {Echo.Quoted(owner.Name)} (line {owner.Line}): "
                + $"every frame the pool sends would land on a VLAN of tenant {Echo.Quoted(owner.Name)}.");
            return;
        }

        if (owner is null && _tenants.TryGetValue(pool.Tenant, out var tenant) && _tenants.Values.Any(t => t.Vlan is not null))
        {
            string owns = tenant.Vlan is { } range ? $", which owns VLANs {Spelled(range.Span)}" : string.Empty;
            Report(RuleDescriptors.InsertedVlanUnowned, span,
                $"Pool {Echo.Quoted(pool.Name)} inserts VLAN {Spelled(span)}, which belongs to no tenant, but the pool belongs to tenant {Echo.Quoted(tenant.Name)} (line {tenant.Line}{owns}). "
                + "Insert one of the tenant's VLANs, or add this one to its range.");
        }
    }

    /// <summary>The resolved form of a declared pool (as <see cref="Run"/> builds it).</summary>
    private ResolvedPool Resolve(PoolDecl p) =>
        new(p.Name, (int)p.Index, p.FirstQueue, p.Queues is null ? _geometry.QueuesPerPool - 1 : (int)p.Queues.Hi,
            p.Tenant, (int)(p.Priority ?? 0), (int)(p.BandwidthPercent ?? 0), p.Line, p.Rss,
            p.AntiSpoof?.Mac, p.AntiSpoof?.Vlan ?? false, (int)(p.VlanInsert ?? 0), p.RateBitsPerSecond ?? 0, p.Channel);
}
