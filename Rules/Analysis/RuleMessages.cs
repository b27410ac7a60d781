using System;
using System.Globalization;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Analysis;

/// <summary>
/// The message texts of the checks that both the full check (<see cref="RulesChecker"/>) and the incremental one
/// (<see cref="IncrementalRules"/>, runtime rule changes) report: one definition of each, so the two cannot drift apart.
/// Values are passed as the file spells them (<c>spelled</c>) where the message echoes the file.
/// </summary>
internal static class RuleMessages
{
    /// <summary>VMDQ0003: a rule names a pool that is not declared; <paramref name="didYouMean"/> is <see cref="Spelling.DidYouMean"/> over the declared pools.</summary>
    public static string PoolNotDeclared(string name, string didYouMean) =>
        $"Pool {Echo.Quoted(name)} is not declared{didYouMean}.";

    /// <summary>VMDQ0013 on a rule's target list: a pool named twice.</summary>
    public static string PoolListedTwice(string name) =>
        $"Pool {Echo.Quoted(name)} is listed twice: the frame would be delivered to it twice.";

    /// <summary>Where the geometry comes from: " (nic, line N)", or the default geometry with how to change it.</summary>
    public static string NicWhere(int nicLine) =>
        nicLine > 0 ? $" (nic, line {nicLine})" : " (the default geometry; add a 'nic' statement to change it)";

    /// <summary>VMDQ0002: <c>-> pool:Q</c> with Q past the NIC's queues per pool.</summary>
    public static string QueueOutOfRange(string spelled, int queuesPerPool, int nicLine) =>
        $"Queue {spelled} is out of range: each pool has {queuesPerPool} queues (0..{queuesPerPool - 1}){NicWhere(nicLine)}.";

    /// <summary>VMDQ0002: <c>-> pool:Q</c> with Q outside the pool's <c>queues LO-HI</c>.</summary>
    public static string QueueOutsidePool(string spelled, PoolDecl pool, string allowedSpelled) =>
        $"Queue {spelled} is outside the queues of pool {Echo.Quoted(pool.Name)} ({allowedSpelled}, line {pool.Line}).";

    /// <summary>VMDQ0009 on a VLAN ID (0 or 4095).</summary>
    public static string ReservedVlan(uint id) => id == 0
        ? "VLAN ID 0 is reserved: it marks priority-tagged frames, which carry no VLAN."
        : "VLAN ID 4095 is reserved by IEEE 802.1Q and never carried by a valid frame.";

    /// <summary>VMDQ0009 on an NVGRE VSID (0..0xFFF, or 0xFFFFFF).</summary>
    public static string ReservedVsid(uint id, string spelled) => id == 0xFFFFFF
        ? $"VSID {spelled} is reserved by RFC 7637 for vendor-specific use."
        : $"VSID {spelled} is reserved: RFC 7637 reserves VSIDs 0..0xFFF.";

    /// <summary>VMDQ0010: a group MAC in a unicast <c>mac</c> rule.</summary>
    public static string GroupMac(ulong mac) => mac == Mac.Broadcast
        ? $"{Mac.Format(mac)} is the broadcast address: use a 'broadcast' rule, which can replicate to several pools."
        : $"{Mac.Format(mac)} is a group (multicast) address: a 'mac' rule sends it to one pool; use a 'multicast' rule to replicate.";

    /// <summary>The identifier a rule of <paramref name="kind"/> carries, as messages name it: VLAN, VNI or VSID.</summary>
    public static string IdentifierName(MatchKind kind) => kind switch
    {
        MatchKind.Vlan or MatchKind.MacVlan => "VLAN",
        MatchKind.Vxlan or MatchKind.VxlanInner => "VNI",
        _ => "VSID",
    };

    /// <summary>VMDQ0005: an identifier of one tenant routed to another tenant's pool.</summary>
    public static string TenantLeak(MatchKind kind, string idSpelled, TenantDecl owner, PoolDecl pool) =>
        $"{IdentifierName(kind)} {idSpelled} belongs to tenant {Echo.Quoted(owner.Name)} (line {owner.Line}), but pool {Echo.Quoted(pool.Name)} belongs to tenant {Echo.Quoted(pool.Tenant!)} (line {pool.Line}).";

    /// <summary>VMDQ0016: an identifier no tenant owns, routed to a tenant's pool; <paramref name="ownsSpelled"/> is that tenant's range of the kind, if it has one.</summary>
    public static string UnownedIdentifier(string what, string idSpelled, PoolDecl pool, TenantDecl tenant, string? ownsSpelled) =>
        $"{what} {idSpelled} belongs to no tenant, but it is sent to pool {Echo.Quoted(pool.Name)} of tenant {Echo.Quoted(tenant.Name)} (line {tenant.Line}{(ownsSpelled is null ? string.Empty : $", which owns {what}s {ownsSpelled}")}). "
        + $"Add it to the tenant's {what.ToLowerInvariant()} range, or send it to a pool that belongs to no tenant.";

    /// <summary>VMDQ0017: a broadcast or multicast rule replicating to pools of two tenants.</summary>
    public static string SharedReplication(MatchKind kind, PoolDecl firstPool, TenantDecl firstTenant, PoolDecl pool, TenantDecl tenant)
    {
        bool broadcast = kind == MatchKind.Broadcast;
        string traffic = broadcast ? "every broadcast frame (ARP requests, DHCP)" : "every multicast frame (IPv6 neighbour discovery, mDNS)";
        return $"'{(broadcast ? "broadcast" : "multicast")}' replicates to pool {Echo.Quoted(firstPool.Name)} of tenant {Echo.Quoted(firstTenant.Name)} and to pool {Echo.Quoted(pool.Name)} of tenant {Echo.Quoted(tenant.Name)}: "
            + $"{traffic} of one tenant reaches the other. List pools of one tenant (pools that belong to no tenant may join).";
    }

    /// <summary>Where a rule sends a frame: "drop", "web, db" (replicas), "web (queue by RSS)" or "web:0".</summary>
    public static string DescribeTarget(ResolvedRule rule, Func<int, string?> poolName)
    {
        if (rule.IsDrop)
        {
            return "drop";
        }

        string Name(int index) => poolName(index) ?? index.ToString(CultureInfo.InvariantCulture);
        return rule.Replicas.Count > 1
            ? string.Join(", ", rule.Replicas.Select(Name))
            : rule.Spread ? $"{Name(rule.Pool)} (queue by RSS)" : $"{Name(rule.Pool)}:{rule.Queue}";
    }

    /// <summary>What a rule does with a frame it decides: "goes to web:0", "goes to web, db" or "is dropped".</summary>
    public static string Fate(ResolvedRule rule, Func<int, string?> poolName) =>
        rule.IsDrop ? "is dropped" : "goes to " + DescribeTarget(rule, poolName);

    /// <summary>What a rule would do with a frame if it decided it: "would send it to web:0" or "would drop it".</summary>
    public static string Would(ResolvedRule rule, Func<int, string?> poolName) =>
        rule.IsDrop ? "would drop it" : "would send it to " + DescribeTarget(rule, poolName);

    /// <summary>The counterexample sentence: " The frame [FIELDS] CLAIM.", or why no frame reaches the rules (<paramref name="takenBy"/> takes them first).</summary>
    public static string Witness(string? frame, string claim, FilterRule? takenBy) =>
        frame is not null
            ? $" The frame [{frame}] {claim}."
            : $" No frame reaches either line: '{takenBy!.Match.Describe()}' on line {takenBy.Line} takes every such frame first.";

    /// <summary>VMDQ0007 without its counterexample: <paramref name="rule"/> repeats <paramref name="earlier"/>'s match and target.</summary>
    public static string Duplicate(MatchKey key, ResolvedRule rule, ResolvedRule earlier, Func<int, string?> poolName) =>
        $"'{key.Describe()} -> {DescribeTarget(rule, poolName)}' duplicates line {earlier.Line}.";

    /// <summary>The counterexample claim of <see cref="Duplicate"/>.</summary>
    public static string DuplicateClaim(ResolvedRule rule, Func<int, string?> poolName) =>
        $"matches both and {Fate(rule, poolName)} by either line";

    /// <summary>VMDQ0004 without its counterexample: <paramref name="rule"/> sends <paramref name="earlier"/>'s match elsewhere.</summary>
    public static string Conflict(MatchKey key, ResolvedRule rule, ResolvedRule earlier, Func<int, string?> poolName) =>
        $"'{key.Describe()}' is sent to {DescribeTarget(rule, poolName)} here but to {DescribeTarget(earlier, poolName)} on line {earlier.Line}.";

    /// <summary>The counterexample claim of <see cref="Conflict"/>.</summary>
    public static string ConflictClaim(ResolvedRule rule, ResolvedRule earlier, Func<int, string?> poolName) =>
        $"matches both: by line {earlier.Line} it {Fate(earlier, poolName)}, by line {rule.Line} it {Fate(rule, poolName)}";

    /// <summary>VMDQ0014 without its counterexample: a specific rule sends its traffic where <paramref name="broader"/> already does.</summary>
    public static string Redundant(ResolvedRule rule, ResolvedRule broader, Func<int, string?> poolName) =>
        $"'{rule.Key.Describe()}' sends its traffic to {DescribeTarget(rule, poolName)}, where '{broader.Key.Describe()}' on line {broader.Line} already sends it.";

    /// <summary>The counterexample claim of <see cref="Redundant"/>.</summary>
    public static string RedundantClaim(ResolvedRule rule, ResolvedRule broader, Func<int, string?> poolName) =>
        $"{Fate(rule, poolName)} by line {rule.Line}, and by line {broader.Line} without it";

    /// <summary>VMDQ0012 without its counterexample: a specific rule sends part of <paramref name="broader"/>'s traffic elsewhere.</summary>
    public static string Override(ResolvedRule rule, ResolvedRule broader, Func<int, string?> poolName) =>
        $"'{rule.Key.Describe()}' sends part of the traffic of '{broader.Key.Describe()}' (line {broader.Line}, to {DescribeTarget(broader, poolName)}) to {DescribeTarget(rule, poolName)}.";

    /// <summary>The counterexample claim of <see cref="Override"/>.</summary>
    public static string OverrideClaim(ResolvedRule rule, ResolvedRule broader, Func<int, string?> poolName) =>
        $"{Fate(rule, poolName)} by line {rule.Line}; without line {rule.Line}, line {broader.Line} {Would(broader, poolName)}";

    /// <summary>VMDQ0027: <c>antispoof mac</c> on a pool no <c>mac</c> rule sends to.</summary>
    public static string AntiSpoofNoMac(string pool) =>
        $"Pool {Echo.Quoted(pool)} checks source MACs, but no 'mac' rule sends to it: it has no MAC of its own, so every frame it sends is dropped. "
        + "Add a rule such as 'mac 52:54:00:12:34:56 -> " + pool + "' for its VM, or remove 'mac' from 'antispoof'.";

    /// <summary>VMDQ0027: <c>antispoof vlan</c> on a pool on no VLAN.</summary>
    public static string AntiSpoofNoVlan(string pool) =>
        $"Pool {Echo.Quoted(pool)} checks VLANs, but no 'vlan' or 'mac ... vlan' rule sends to it and it has no 'vlan-insert': it is on no VLAN, so every frame it sends is dropped. "
        + "Add a rule such as 'vlan 100 -> " + pool + "', give it 'vlan-insert', or remove 'vlan' from 'antispoof'.";

    /// <summary>VMDQ0011: a pool nothing can reach.</summary>
    public static string UnreachablePool(string pool, string indexSpelled) =>
        $"Pool {Echo.Quoted(pool)} (index {indexSpelled}) is never targeted by a rule and is not the default pool: no frame can reach it.";

    /// <summary>VMDQ0024: a VEPA pool without a station MAC; <paramref name="where"/> says why it is in VEPA mode.</summary>
    public static string VepaNoStationMac(string pool, string where) =>
        $"Pool {Echo.Quoted(pool)} has no MAC of its own ('mac' rule), and {where}: the station recognizes "
        + "a frame the adjacent bridge reflects back by its source MAC, so this pool's own broadcast and multicast frames come back to it. "
        + $"Give it a station MAC (mac M -> {pool}), or use 'switch veb'.";

    /// <summary>The VEPA reason of <see cref="VepaNoStationMac"/> for the untagged channel.</summary>
    public static string NicInVepaMode(int switchLine) => $"this NIC is in VEPA mode (switch, line {switchLine})";

    /// <summary>VMDQ0008 on the first rule over one of the profile's filter limits.</summary>
    public static string FilterCapacity(string resource, int needed, string where, int limit)
    {
        string detail = resource == "tunnel filters" && limit == 0 ? " (it has no tunnel classification)" : string.Empty;
        return $"This file needs {needed} {(needed == 1 ? resource.TrimEnd('s') : resource)}; {where} holds {limit}{detail}. This is the first rule over the limit.";
    }

    /// <summary>VMDQ0018: no rules; <paramref name="defaultPool"/> named by its declaration when there is one.</summary>
    public static string NoRules(int defaultPool, string? defaultPoolName)
    {
        string name = defaultPoolName is not null ? $"{defaultPool} ({Echo.Quoted(defaultPoolName)})" : defaultPool.ToString(CultureInfo.InvariantCulture);
        return $"This file has no rules: every frame goes to the default pool {name}. Add rules such as 'vlan 100 -> web', or remove the file.";
    }
}
