using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Analysis;

internal sealed partial class RulesChecker
{
    /// <summary>
    /// RSS within a pool: VMDQ0023 on an <c>rss</c> pool with one allowed queue (nothing to spread over), and
    /// VMDQ0008 when the <c>profile</c> NIC cannot run VMDq+RSS with the file's geometry.
    /// </summary>
    private void CheckRss()
    {
        if (_doc.GeometryInvalid)
        {
            return;
        }

        foreach (var pool in _pools.Values.Where(p => p.RssSpan is not null).OrderBy(p => p.Line))
        {
            long first = pool.Queues?.Lo ?? 0;
            long last = pool.Queues?.Hi ?? _geometry.QueuesPerPool - 1;
            if (first == last && last < _geometry.QueuesPerPool)
            {
                string why = pool.Queues is { } q
                    ? $"its queues are {Spelled(q.Span)}"
                    : $"the NIC has 1 queue per pool{NicWhere()}";
                Report(RuleDescriptors.RssOneQueue, pool.RssSpan!.Value,
                    $"Pool {Echo.Quoted(pool.Name)} spreads by RSS, but {why}: every frame goes to queue {first}. Give it a queue range such as 'queues 0-3', or remove 'rss'.");
            }
        }

        if (_doc.Profile is not { } named || CapacityProfile.Find(named.Name) is not { } profile || profile.RssGeometries.Count == 0)
        {
            return;
        }

        var firstRss = _pools.Values.Where(p => p.RssSpan is not null).OrderBy(p => p.Line).FirstOrDefault();
        if (firstRss is null || profile.RssGeometries.Any(g => g.Holds(_geometry)))
        {
            return;
        }

        Report(RuleDescriptors.Capacity, firstRss.RssSpan!.Value,
            $"Pool {Echo.Quoted(firstRss.Name)} spreads by RSS, which puts the NIC in VMDq+RSS mode: profile {profile.Name} ({profile.Nic}, line {named.Span.Line}) then holds "
            + $"{string.Join(" or ", profile.RssGeometries.Select(g => g.ToString()))}; this file's NIC has {_geometry.Pools} pools x {_geometry.QueuesPerPool} queues{NicWhere()}.");
    }
}
