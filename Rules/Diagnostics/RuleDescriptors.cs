using System.Collections.Generic;

namespace Vmdq.Rules.Diagnostics;

/// <summary>Every diagnostic the rules checks can report. IDs are stable: never renumber, only add.</summary>
public static class RuleDescriptors
{
    /// <summary>A line that is not a statement of the language.</summary>
    public static readonly RuleDescriptor SyntaxError = new("VMDQ0001", "Syntax error or unknown keyword", RuleSeverity.Error);

    /// <summary>A number outside the range its field allows.</summary>
    public static readonly RuleDescriptor ValueOutOfRange = new("VMDQ0002", "Value out of range", RuleSeverity.Error);

    /// <summary>A pool or tenant name that no statement declares.</summary>
    public static readonly RuleDescriptor Undefined = new("VMDQ0003", "Undefined pool or tenant", RuleSeverity.Error);

    /// <summary>Two rules with the same match and different targets.</summary>
    public static readonly RuleDescriptor Conflict = new("VMDQ0004", "Conflicting rules", RuleSeverity.Error);

    /// <summary>A tenant's identifier routed to another tenant's pool.</summary>
    public static readonly RuleDescriptor TenantLeak = new("VMDQ0005", "Tenant leak", RuleSeverity.Error);

    /// <summary>The same rule written twice.</summary>
    public static readonly RuleDescriptor Duplicate = new("VMDQ0006", "Duplicate rule", RuleSeverity.Warning);

    /// <summary>A specific rule that changes nothing.</summary>
    public static readonly RuleDescriptor Redundant = new("VMDQ0007", "Redundant rule", RuleSeverity.Warning);

    /// <summary>More filters, pools or queues than the profile's NIC holds.</summary>
    public static readonly RuleDescriptor Capacity = new("VMDQ0008", "Beyond the profile NIC's capacity", RuleSeverity.Warning);

    /// <summary>A reserved VLAN ID or VSID.</summary>
    public static readonly RuleDescriptor ReservedValue = new("VMDQ0009", "Reserved value", RuleSeverity.Warning);

    /// <summary>A multicast/broadcast address in a unicast MAC rule.</summary>
    public static readonly RuleDescriptor GroupMac = new("VMDQ0010", "Group MAC in a unicast rule", RuleSeverity.Warning);

    /// <summary>A pool no rule sends traffic to.</summary>
    public static readonly RuleDescriptor UnreachablePool = new("VMDQ0011", "Unreachable pool", RuleSeverity.Warning);

    /// <summary>A specific rule that sends part of a broader rule's traffic elsewhere.</summary>
    public static readonly RuleDescriptor Override = new("VMDQ0012", "Override of a broader rule", RuleSeverity.Info);

    /// <summary>A name, pool index or one-per-file statement declared twice.</summary>
    public static readonly RuleDescriptor DuplicateDeclaration = new("VMDQ0013", "Duplicate declaration", RuleSeverity.Error);

    /// <summary>Two rules files that would generate the same dispatcher type.</summary>
    public static readonly RuleDescriptor DuplicateDispatcher = new("VMDQ0014", "Duplicate dispatcher type", RuleSeverity.Error, IsCompilationEnd: true);

    /// <summary>Two tenants that claim the same identifier.</summary>
    public static readonly RuleDescriptor OverlappingTenants = new("VMDQ0015", "Overlapping tenant ranges", RuleSeverity.Warning);

    /// <summary>A VLAN, VNI or VSID that no tenant owns, sent to a pool that belongs to a tenant.</summary>
    public static readonly RuleDescriptor UnownedIdentifier = new("VMDQ0016", "Unowned identifier routed to a tenant's pool", RuleSeverity.Warning);

    /// <summary>A broadcast or multicast rule that replicates to pools of different tenants.</summary>
    public static readonly RuleDescriptor SharedReplication = new("VMDQ0017", "Broadcast or multicast replicated across tenants", RuleSeverity.Warning);

    /// <summary>A rules file with no filter rules: every frame goes to the default pool.</summary>
    public static readonly RuleDescriptor NoRules = new("VMDQ0018", "No rules", RuleSeverity.Warning);

    /// <summary>A binary or mis-encoded file: NUL or control bytes, invalid UTF-8.</summary>
    public static readonly RuleDescriptor NotText = new("VMDQ0019", "Not a UTF-8 text rules file", RuleSeverity.Error);
    /// <summary>
    /// A <c>dispatcher</c> line whose type name cannot be read: no dispatcher (not even its shape) can be
    /// generated, so code that uses it fails to compile. Reported by the generator, not the analyzer, because
    /// the compiler then skips analyzers.
    /// </summary>
    public static readonly RuleDescriptor DispatcherUnreadable = new("VMDQ0020", "Dispatcher name cannot be read", RuleSeverity.Error);

    /// <summary>
    /// A change to a runtime-loaded dispatcher that is not a filter rule (a pool, tenant or NIC statement):
    /// those are fixed for the dispatcher's life. Reported by the runtime engine only (a rules file never gets it).
    /// </summary>
    public static readonly RuleDescriptor NotAFilterRule = new("VMDQ0021", "Only filter rules can change at run time", RuleSeverity.Error);

    /// <summary>A runtime removal that names no runtime rule in force. Reported by the runtime engine only.</summary>
    public static readonly RuleDescriptor NotARuntimeRule = new("VMDQ0022", "No such runtime rule", RuleSeverity.Error);

    /// <summary>An <c>rss</c> pool with one allowed queue: RSS has nothing to spread over.</summary>
    public static readonly RuleDescriptor RssOneQueue = new("VMDQ0023", "RSS pool with one queue", RuleSeverity.Warning);

    /// <summary>With <c>switch vepa</c>, a pool with no station MAC: the station cannot filter its own reflected group frames.</summary>
    public static readonly RuleDescriptor VepaNoStationMac = new("VMDQ0024", "VEPA pool without a station MAC", RuleSeverity.Warning);

    /// <summary>A pool whose anti-spoofing drops every frame it sends: MAC checking with no MAC of its own, or VLAN checking with no VLAN.</summary>
    public static readonly RuleDescriptor AntiSpoofSendsNothing = new("VMDQ0027", "Anti-spoofing pool can send nothing", RuleSeverity.Warning);

    /// <summary>A <c>vlan-insert</c> VLAN that another tenant owns: every frame the pool sends lands on that tenant's VLAN.</summary>
    public static readonly RuleDescriptor InsertedVlanLeak = new("VMDQ0028", "Inserted VLAN belongs to another tenant", RuleSeverity.Error);

    /// <summary>A <c>vlan-insert</c> VLAN that no tenant owns, on a pool of a tenant.</summary>
    public static readonly RuleDescriptor InsertedVlanUnowned = new("VMDQ0029", "Inserted VLAN belongs to no tenant", RuleSeverity.Warning);

    /// <summary>ETS shares that add up to more than 100%: those of the classes, or those of the pools of one class.</summary>
    public static readonly RuleDescriptor SharesOver100 = new("VMDQ0030", "Bandwidth shares above 100%", RuleSeverity.Error);

    /// <summary>A pool that no traffic class takes (its priority is mapped by none), or whose class leaves it no share.</summary>
    public static readonly RuleDescriptor NoTransmitShare = new("VMDQ0031", "Pool with no transmit share", RuleSeverity.Warning);

    /// <summary>A pool <c>rate</c> above the line rate: the limit never applies.</summary>
    public static readonly RuleDescriptor RateAboveLineRate = new("VMDQ0032", "Rate above the line rate", RuleSeverity.Warning);

    /// <summary>A rule or <c>default-pool</c> of one S-channel that names a pool of another: an S-channel is a separate port, its frames cannot reach another's pools.</summary>
    public static readonly RuleDescriptor CrossChannelTarget = new("VMDQ0033", "Target in another S-channel", RuleSeverity.Error);

    /// <summary>A <c>broadcast</c>/<c>multicast</c> pool list that names a pool of another S-channel than the rule's.</summary>
    public static readonly RuleDescriptor CrossChannelReplication = new("VMDQ0034", "Broadcast or multicast list across S-channels", RuleSeverity.Error);

    /// <summary>A <c>vsi</c> S-channel that declares no pool or more than one: a VSI channel is one virtual station.</summary>
    public static readonly RuleDescriptor VsiChannelPools = new("VMDQ0035", "VSI S-channel without exactly one pool", RuleSeverity.Error);

    /// <summary>An S-channel whose S-VID lies outside the <c>svid</c> range of one of its pools' tenants.</summary>
    public static readonly RuleDescriptor SvidOutsideTenant = new("VMDQ0036", "S-VID outside the tenant's range", RuleSeverity.Warning);

    /// <summary>A <c>switch</c> statement after the first <c>channel</c> statement: it sets the untagged channel's mode only.</summary>
    public static readonly RuleDescriptor SwitchInChannel = new("VMDQ0037", "'switch' inside an S-channel section", RuleSeverity.Error);

    /// <summary>An S-channel with no pool and no <c>default-pool</c>: every frame with its S-VID is dropped.</summary>
    public static readonly RuleDescriptor EmptyChannel = new("VMDQ0038", "S-channel with no pool", RuleSeverity.Warning);

    /// <summary>All descriptors, in ID order.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } = new[]
    {
        SyntaxError, ValueOutOfRange, Undefined, Conflict, TenantLeak, Duplicate, Redundant, Capacity,
        ReservedValue, GroupMac, UnreachablePool, Override, DuplicateDeclaration, DuplicateDispatcher, OverlappingTenants,
        UnownedIdentifier, SharedReplication, NoRules, NotText,
        DispatcherUnreadable, NotAFilterRule, NotARuntimeRule, RssOneQueue, VepaNoStationMac,
        AntiSpoofSendsNothing, InsertedVlanLeak, InsertedVlanUnowned,
        SharesOver100, NoTransmitShare, RateAboveLineRate,
        CrossChannelTarget, CrossChannelReplication, VsiChannelPools, SvidOutsideTenant, SwitchInChannel, EmptyChannel,
    };
}
