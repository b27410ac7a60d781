using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Analysis;

internal sealed partial class RulesChecker
{
    /// <summary>The line rate a <c>rate</c> is checked against without a <c>profile</c>: the emulator's default, 10 Gb/s.</summary>
    internal const long DefaultLineRate = 10_000_000_000;

    private readonly List<ClassDecl> _classes = new();

    /// <summary>
    /// Transmit QoS (IEEE 802.1Qaz): resolves the <c>class</c> statements (a name, a traffic class number and each
    /// priority at most once: VMDQ0013), then VMDQ0030 when the ETS shares of the classes, or the <c>bandwidth</c>
    /// shares of the pools of one class, add up to more than 100%; VMDQ0031 on a declared pool that transmits only
    /// when every class is idle (no class maps its priority, or the pools of its class that give a share take all of
    /// it); VMDQ0032 on a <c>rate</c> above the line rate (the profile's port speed, else 10 Gb/s).
    /// </summary>
    private void CheckQos()
    {
        var byName = new Dictionary<string, ClassDecl>(System.StringComparer.Ordinal);
        var byTc = new Dictionary<long, ClassDecl>();
        var byPriority = new ClassDecl?[8];
        foreach (var c in _doc.Classes)
        {
            if (byName.TryGetValue(c.Name, out var sameName))
            {
                Report(RuleDescriptors.DuplicateDeclaration, c.NameSpan, $"Class {Echo.Quoted(c.Name)} is already declared on line {sameName.Line}.");
                continue;
            }

            if (byTc.TryGetValue(c.TrafficClass, out var sameTc))
            {
                Report(RuleDescriptors.DuplicateDeclaration, c.TrafficClassSpan,
                    $"Traffic class {Spelled(c.TrafficClassSpan)} is already class {Echo.Quoted(sameTc.Name)} on line {sameTc.Line}: each traffic class is declared once.");
                continue;
            }

            bool clash = false;
            foreach (var range in c.Priorities)
            {
                for (long p = range.Lo; p <= range.Hi && !clash; p++)
                {
                    if (byPriority[p] is { } other)
                    {
                        Report(RuleDescriptors.DuplicateDeclaration, range.Span,
                            $"Priority {p} is already mapped to class {Echo.Quoted(other.Name)} on line {other.Line}: a priority maps to one traffic class.");
                        clash = true;
                    }
                }
            }

            if (clash)
            {
                continue;
            }

            foreach (var range in c.Priorities)
            {
                for (long p = range.Lo; p <= range.Hi; p++)
                {
                    byPriority[p] = c;
                }
            }

            byName.Add(c.Name, c);
            byTc.Add(c.TrafficClass, c);
            _classes.Add(c);
        }

        CheckClassShares();
        CheckPoolShares(byPriority);
        CheckRates();
    }

    private void CheckClassShares()
    {
        long total = 0;
        var counted = new List<ClassDecl>();
        foreach (var c in _classes.Where(c => !c.Strict))
        {
            total += c.SharePercent ?? 0;
            counted.Add(c);
            if (total > 100)
            {
                string others = string.Join(", ", counted.Take(counted.Count - 1).Select(o => $"{Echo.Quoted(o.Name)} {o.SharePercent}% (line {o.Line})"));
                Report(RuleDescriptors.SharesOver100, c.ShareSpan,
                    $"ETS shares add up to {total}%: class {Echo.Quoted(c.Name)} takes {Spelled(c.ShareSpan)} on top of {others}. The ETS classes share the wire, so their shares must add up to at most 100%.");
                return;
            }
        }
    }

    private void CheckPoolShares(ClassDecl?[] byPriority)
    {
        bool hasClasses = _classes.Count > 0;
        var members = new Dictionary<string, List<PoolDecl>>(System.StringComparer.Ordinal);
        foreach (var pool in DeclaredPools())
        {
            long priority = pool.Priority ?? 0;
            ClassDecl? c = hasClasses ? byPriority[priority] : null;
            if (hasClasses && c is null)
            {
                string given = pool.Priority is null ? "priority 0 (no 'priority' given)" : $"priority {Spelled(pool.PrioritySpan!.Value)}";
                Report(RuleDescriptors.NoTransmitShare, pool.PrioritySpan ?? pool.NameSpan,
                    $"Pool {Echo.Quoted(pool.Name)} has {given} and no class lists that priority: it is in no traffic class, so it transmits only when every class is idle. Add the priority to a class's 'priorities', or give the pool the priority of a class.");
                continue;
            }

            // Without class statements every pool is in the one default class.
            string key = c?.Name ?? string.Empty;
            if (!members.TryGetValue(key, out var list))
            {
                members[key] = list = new List<PoolDecl>();
            }

            list.Add(pool);
        }

        foreach (var pair in members)
        {
            string where = pair.Key.Length == 0 ? "the wire (no 'class' statement, so every pool is in one default class)" : $"class {Echo.Quoted(pair.Key)}";
            long total = 0;
            var counted = new List<PoolDecl>();
            bool over = false;
            foreach (var pool in pair.Value.Where(p => p.BandwidthPercent is not null))
            {
                total += pool.BandwidthPercent!.Value;
                counted.Add(pool);
                if (total > 100 && !over)
                {
                    string others = string.Join(", ", counted.Take(counted.Count - 1).Select(o => $"{Echo.Quoted(o.Name)} {o.BandwidthPercent}% (line {o.Line})"));
                    Report(RuleDescriptors.SharesOver100, pool.BandwidthSpan ?? pool.NameSpan,
                        $"The pools of {where} ask for {total}%: pool {Echo.Quoted(pool.Name)} takes {pool.BandwidthPercent}% on top of {others}. A pool's 'bandwidth' is its share of its class, so the shares of one class must add up to at most 100%.");
                    over = true;
                }
            }

            if (total == 100)
            {
                foreach (var pool in pair.Value.Where(p => p.BandwidthPercent is null))
                {
                    Report(RuleDescriptors.NoTransmitShare, pool.NameSpan,
                        $"Pool {Echo.Quoted(pool.Name)} gives no 'bandwidth' and the other pools of {where} take all of it ({string.Join(", ", counted.Select(o => $"{Echo.Quoted(o.Name)} {o.BandwidthPercent}%"))}): it transmits only when they are idle. Give it a share, or lower theirs.");
                }
            }
        }
    }

    private void CheckRates()
    {
        var profile = _doc.Profile is { } named ? CapacityProfile.Find(named.Name) : null;
        long lineRate = profile?.PortBitsPerSecond ?? DefaultLineRate;
        string source = profile is null
            ? "10 Gb/s, the emulator's default line rate (no 'profile' names the NIC)"
            : $"{Gbps(lineRate)}, the port speed of the {profile.Nic} (profile, line {_doc.Profile!.Value.Span.Line})";
        foreach (var pool in DeclaredPools())
        {
            if (pool.RateBitsPerSecond is { } rate && rate > lineRate)
            {
                Report(RuleDescriptors.RateAboveLineRate, pool.RateSpan!.Value,
                    $"Pool {Echo.Quoted(pool.Name)} is limited to {Spelled(pool.RateSpan!.Value)}, above the line rate of {source}: the limit never applies. Lower it, or remove 'rate'.");
            }
        }
    }

    /// <summary>The pools that resolved: first declaration of each name, index in range.</summary>
    private IEnumerable<PoolDecl> DeclaredPools() =>
        _pools.Values.Where(p => p.Index >= 0 && p.Index < _geometry.Pools).OrderBy(p => p.Line);

    private static string Gbps(long bits) => (bits / 1e9).ToString("0.###", CultureInfo.InvariantCulture) + " Gb/s";

    /// <summary>The resolved classes, by traffic class number.</summary>
    private EquatableArray<ResolvedClass> ResolvedClasses() =>
        _classes.OrderBy(c => c.TrafficClass)
            .Select(c => new ResolvedClass(c.Name, (int)c.TrafficClass, c.Strict, (int)(c.SharePercent ?? 0), c.PriorityMask, c.Line))
            .ToEquatableArray();
}
