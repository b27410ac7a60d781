using Microsoft.CodeAnalysis;
using System.Collections.Immutable;

namespace Vmdq.Generator.Diagnostics;

/// <summary>
/// The Roslyn descriptors of every rules diagnostic. Written out literally (not built from
/// <c>Vmdq.Rules.Diagnostics.RuleDescriptors</c>) so release tracking (AnalyzerReleases.*.md) can see
/// them; a test checks the two lists agree.
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>The one category of every VMDQ diagnostic.</summary>
    public const string Category = "Vmdq.Rules";

    /// <summary>
    /// Tags of every error: errors cannot be lowered by <c>.globalconfig</c>, <c>NoWarn</c> or
    /// <c>#pragma</c>, because a rules file with errors generates only the dispatcher's shape (members
    /// that throw), which must never ship.
    /// </summary>
    private static readonly string[] NotConfigurable = { WellKnownDiagnosticTags.NotConfigurable };

    private static readonly string HelpBase = HelpLinks.DiagnosticsPage;

    public static readonly DiagnosticDescriptor SyntaxError = new(
        "VMDQ0001", "Syntax error or unknown keyword", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0001");

    public static readonly DiagnosticDescriptor ValueOutOfRange = new(
        "VMDQ0002", "Value out of range", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0002");

    public static readonly DiagnosticDescriptor Undefined = new(
        "VMDQ0003", "Undefined pool or tenant", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0003");

    public static readonly DiagnosticDescriptor Conflict = new(
        "VMDQ0004", "Conflicting rules", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0004");

    public static readonly DiagnosticDescriptor TenantLeak = new(
        "VMDQ0005", "Tenant leak", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0005");

    public static readonly DiagnosticDescriptor Duplicate = new(
        "VMDQ0006", "Duplicate rule", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0006");

    public static readonly DiagnosticDescriptor Redundant = new(
        "VMDQ0007", "Redundant rule", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0007");

    public static readonly DiagnosticDescriptor Capacity = new(
        "VMDQ0008", "Beyond the profile NIC's capacity", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0008");

    public static readonly DiagnosticDescriptor ReservedValue = new(
        "VMDQ0009", "Reserved value", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0009");

    public static readonly DiagnosticDescriptor GroupMac = new(
        "VMDQ0010", "Group MAC in a unicast rule", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0010");

    public static readonly DiagnosticDescriptor UnreachablePool = new(
        "VMDQ0011", "Unreachable pool", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0011");

    public static readonly DiagnosticDescriptor Override = new(
        "VMDQ0012", "Override of a broader rule", "{0}", Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0012");

    public static readonly DiagnosticDescriptor DuplicateDeclaration = new(
        "VMDQ0013", "Duplicate declaration", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0013");

    public static readonly DiagnosticDescriptor DuplicateDispatcher = new(
        "VMDQ0014", "Duplicate dispatcher type", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0014", customTags: new[] { WellKnownDiagnosticTags.CompilationEnd, WellKnownDiagnosticTags.NotConfigurable });

    public static readonly DiagnosticDescriptor OverlappingTenants = new(
        "VMDQ0015", "Overlapping tenant ranges", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0015");

    public static readonly DiagnosticDescriptor UnownedIdentifier = new(
        "VMDQ0016", "Unowned identifier routed to a tenant's pool", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0016");

    public static readonly DiagnosticDescriptor SharedReplication = new(
        "VMDQ0017", "Broadcast or multicast replicated across tenants", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0017");

    public static readonly DiagnosticDescriptor NoRules = new(
        "VMDQ0018", "No rules", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0018");

    public static readonly DiagnosticDescriptor NotText = new(
        "VMDQ0019", "Not a UTF-8 text rules file", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0019", customTags: NotConfigurable);
    public static readonly DiagnosticDescriptor DispatcherUnreadable = new(
        "VMDQ0020", "Dispatcher name cannot be read", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0020");

    // Reported by the runtime engine (RuntimeDispatcher) for a change to loaded rules, never for a file; declared
    // here so every ID has one descriptor, one documentation section and one release entry.
    public static readonly DiagnosticDescriptor NotAFilterRule = new(
        "VMDQ0021", "Only filter rules can change at run time", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0021");
    public static readonly DiagnosticDescriptor NotARuntimeRule = new(
        "VMDQ0022", "No such runtime rule", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0022");

    public static readonly DiagnosticDescriptor RssOneQueue = new(
        "VMDQ0023", "RSS pool with one queue", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0023");

    public static readonly DiagnosticDescriptor VepaNoStationMac = new(
        "VMDQ0024", "VEPA pool without a station MAC", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0024");

    public static readonly DiagnosticDescriptor AntiSpoofSendsNothing = new(
        "VMDQ0027", "Anti-spoofing pool can send nothing", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0027");

    public static readonly DiagnosticDescriptor InsertedVlanLeak = new(
        "VMDQ0028", "Inserted VLAN belongs to another tenant", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0028");

    public static readonly DiagnosticDescriptor InsertedVlanUnowned = new(
        "VMDQ0029", "Inserted VLAN belongs to no tenant", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0029");

    public static readonly DiagnosticDescriptor SharesOver100 = new(
        "VMDQ0030", "Bandwidth shares above 100%", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0030");

    public static readonly DiagnosticDescriptor NoTransmitShare = new(
        "VMDQ0031", "Pool with no transmit share", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0031");

    public static readonly DiagnosticDescriptor RateAboveLineRate = new(
        "VMDQ0032", "Rate above the line rate", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0032");

    public static readonly DiagnosticDescriptor CrossChannelTarget = new(
        "VMDQ0033", "Target in another S-channel", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0033");

    public static readonly DiagnosticDescriptor CrossChannelReplication = new(
        "VMDQ0034", "Broadcast or multicast list across S-channels", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0034");

    public static readonly DiagnosticDescriptor VsiChannelPools = new(
        "VMDQ0035", "VSI S-channel without exactly one pool", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0035");

    public static readonly DiagnosticDescriptor SvidOutsideTenant = new(
        "VMDQ0036", "S-VID outside the tenant's range", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0036");

    public static readonly DiagnosticDescriptor SwitchInChannel = new(
        "VMDQ0037", "'switch' inside an S-channel section", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        customTags: NotConfigurable, helpLinkUri: HelpBase + "vmdq0037");

    public static readonly DiagnosticDescriptor EmptyChannel = new(
        "VMDQ0038", "S-channel with no pool", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: HelpBase + "vmdq0038");

    /// <summary>All descriptors, in ID order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        SyntaxError, ValueOutOfRange, Undefined, Conflict, TenantLeak, Duplicate, Redundant, Capacity, ReservedValue, GroupMac, UnreachablePool, Override, DuplicateDeclaration, DuplicateDispatcher, OverlappingTenants,
        UnownedIdentifier, SharedReplication, NoRules, NotText,
        DispatcherUnreadable, NotAFilterRule, NotARuntimeRule, RssOneQueue, VepaNoStationMac,
        AntiSpoofSendsNothing, InsertedVlanLeak, InsertedVlanUnowned,
        SharesOver100, NoTransmitShare, RateAboveLineRate,
        CrossChannelTarget, CrossChannelReplication, VsiChannelPools, SvidOutsideTenant, SwitchInChannel, EmptyChannel);

    /// <summary>The descriptor with <paramref name="id"/>.</summary>
    public static DiagnosticDescriptor ById(string id)
    {
        foreach (var d in All)
        {
            if (d.Id == id)
            {
                return d;
            }
        }

        return SyntaxError;
    }
}
