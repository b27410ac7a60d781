using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>VMDQ0016 (unowned identifier to a tenant's pool), VMDQ0017 (replication across tenants), VMDQ0018 (no rules), and all errors of a statement.</summary>
public class NewChecksTests
{
    private const string Tenants = """
        tenant acme   vlan 100-199 vni 5000-5999 vsid 70000-70999
        tenant globex vlan 200-299 vni 10000-10999
        pool acme-db 1 tenant acme
        pool gx-app  2 tenant globex
        pool host    0
        """;

    private static RulesResult Compile(string extra) => RulesCompiler.Compile("t.vmdq", Tenants + "\n" + extra + "\n");

    private static string[] Located(RulesResult result) => result.Diagnostics.Select(d => $"{d.Span.Line}:{d.Span.Column}:{d.Id}").ToArray();

    [Fact]
    public void TheBaseIsClean() =>
        Assert.Empty(Compile("vlan 150 -> acme-db\nvxlan 10001 -> gx-app").Diagnostics);

    [Theory]
    [InlineData("vxlan 12000 -> gx-app", "6:7:VMDQ0016", "VNI 12000 belongs to no tenant, but it is sent to pool 'gx-app' of tenant 'globex' (line 2, which owns VNIs 10000-10999). Add it to the tenant's vni range, or send it to a pool that belongs to no tenant.")]
    [InlineData("vlan 300 -> acme-db", "6:6:VMDQ0016", "VLAN 300 belongs to no tenant, but it is sent to pool 'acme-db' of tenant 'acme' (line 1, which owns VLANs 100-199). Add it to the tenant's vlan range, or send it to a pool that belongs to no tenant.")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 0x12c -> acme-db", "6:28:VMDQ0016", "VLAN 0x12c belongs to no tenant, but it is sent to pool 'acme-db' of tenant 'acme' (line 1, which owns VLANs 100-199). Add it to the tenant's vlan range, or send it to a pool that belongs to no tenant.")]
    [InlineData("nvgre 90000 inner 52:54:00:12:34:56 -> gx-app", "6:7:VMDQ0016", "VSID 90000 belongs to no tenant, but it is sent to pool 'gx-app' of tenant 'globex' (line 2). Add it to the tenant's vsid range, or send it to a pool that belongs to no tenant.")]
    public void AnUnownedIdentifierSentToATenantsPoolWarns(string rule, string located, string message)
    {
        var result = Compile(rule + "\nvlan 150 -> acme-db\nvxlan 10001 -> gx-app");
        Assert.Equal(new[] { located }, Located(result));
        Assert.Equal(message, result.Diagnostics.Single().Message);
        Assert.Equal(RuleSeverity.Warning, result.Diagnostics.Single().Severity);
        Assert.NotNull(result.Model);
    }

    [Theory]
    [InlineData("vlan 300 -> host")]            // a pool of no tenant
    [InlineData("vlan 300 -> drop")]
    [InlineData("vlan 199 -> acme-db")]         // owned by the pool's tenant
    [InlineData("mac 00:1b:21:0a:0b:01 -> acme-db")]   // no identifier
    public void OwnedIdentifiersAndPoolsOfNoTenantAreFine(string rule) =>
        Assert.Empty(Compile(rule + "\nvxlan 10001 -> gx-app\nvlan 150 -> acme-db").Diagnostics);

    [Theory]
    [InlineData("vlan 0 -> acme-db", "6:6:VMDQ0009")]
    [InlineData("vlan 4095 -> acme-db", "6:6:VMDQ0009")]
    [InlineData("nvgre 0xFFF -> acme-db", "6:7:VMDQ0009")]
    [InlineData("nvgre 0x1000 -> acme-db", "6:7:VMDQ0016")]
    [InlineData("nvgre 0xFFFFFF -> acme-db", "6:7:VMDQ0009")]
    public void AReservedValueIsReportedAsReservedNotAlsoAsUnowned(string rule, string expected) =>
        Assert.Equal(new[] { expected }, Located(Compile(rule + "\nvlan 150 -> acme-db\nvxlan 10001 -> gx-app")));

    [Fact]
    public void KindsNoTenantDeclaresAreNotChecked()
    {
        // No tenant declares VNIs here: VXLAN is outside the isolation plan.
        var result = RulesCompiler.Compile("t.vmdq", "tenant a vlan 1-9\npool p 1 tenant a\nvxlan 77 -> p\n");
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("broadcast -> acme-db, gx-app", "6:23:VMDQ0017", "'broadcast' replicates to pool 'acme-db' of tenant 'acme' and to pool 'gx-app' of tenant 'globex': every broadcast frame (ARP requests, DHCP) of one tenant reaches the other. List pools of one tenant (pools that belong to no tenant may join).")]
    [InlineData("multicast -> host, gx-app, acme-db", "6:28:VMDQ0017", "'multicast' replicates to pool 'gx-app' of tenant 'globex' and to pool 'acme-db' of tenant 'acme': every multicast frame (IPv6 neighbour discovery, mDNS) of one tenant reaches the other. List pools of one tenant (pools that belong to no tenant may join).")]
    public void ReplicationAcrossTenantsWarns(string rule, string located, string message)
    {
        var result = Compile(rule + "\nvlan 150 -> acme-db\nvxlan 10001 -> gx-app");
        Assert.Equal(new[] { located }, Located(result));
        Assert.Equal(message, result.Diagnostics.Single().Message);
        Assert.NotNull(result.Model);
    }

    [Theory]
    [InlineData("broadcast -> host, acme-db")]
    [InlineData("broadcast -> acme-db")]
    [InlineData("multicast -> host, gx-app")]
    public void ReplicationWithinOneTenantIsFine(string rule) =>
        Assert.Empty(Compile(rule + "\nvlan 150 -> acme-db\nvxlan 10001 -> gx-app").Diagnostics);

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n   # and another\n")]
    [InlineData("\uFEFF")]
    [InlineData("dispatcher A.B\nnic pools 4\npool web 1\ndefault-pool web\n")]
    public void AFileWithoutRulesWarns(string text)
    {
        var result = RulesCompiler.Compile("t.vmdq", text);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("VMDQ0018", RuleSeverity.Warning, 1, 1, 0), (d.Id, d.Severity, d.Span.Line, d.Span.Column, d.Span.Length));
        Assert.StartsWith("This file has no rules: every frame goes to the default pool ", d.Message);
        Assert.NotNull(result.Model);
    }

    [Fact]
    public void TheNoRulesMessageNamesTheDefaultPool()
    {
        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", "pool web 1\ndefault-pool web\n").Diagnostics);
        Assert.Equal("This file has no rules: every frame goes to the default pool 1 ('web'). Add rules such as 'vlan 100 -> web', or remove the file.", d.Message);
    }

    [Theory]
    [InlineData("nic pools 8 queues 0 ring 0", new[] { "1:20:VMDQ0002", "1:27:VMDQ0002" })]
    [InlineData("nic pools 0 queues 4 ring 1000", new[] { "1:11:VMDQ0002", "1:27:VMDQ0002" })]
    [InlineData("nic pools x queus 4", new[] { "1:11:VMDQ0001", "1:13:VMDQ0001" })]
    [InlineData("pool web 1 priority 9 bandwidth 200%", new[] { "1:21:VMDQ0002", "1:33:VMDQ0002" })]
    [InlineData("pool web 1 priority 9 priority 3 queues 5-2", new[] { "1:21:VMDQ0002", "1:23:VMDQ0001", "1:41:VMDQ0002" })]
    [InlineData("tenant t vlan 5000 vni 0x1000000 vsid 9-1", new[] { "1:15:VMDQ0002", "1:24:VMDQ0002", "1:39:VMDQ0002" })]
    [InlineData("mac 00:1b vlan 9999 -> nowhere", new[] { "1:5:VMDQ0001", "1:16:VMDQ0002", "1:24:VMDQ0003" })]
    public void EveryErrorOfAStatementIsReported(string line, string[] expected)
    {
        var result = RulesCompiler.Compile("t.vmdq", line + "\n");
        Assert.Equal(expected, Located(result).Where(l => !l.EndsWith("VMDQ0011", System.StringComparison.Ordinal)));
        Assert.Null(result.Model);
    }

    [Fact]
    public void ABrokenNicStatementIsStillDropped()
    {
        // Dropped: the defaults are not silently used for geometry checks either.
        var result = RulesCompiler.Compile("t.vmdq", "nic pools 8 queues 0 ring 0\npool web 100\nvlan 1 -> web\n");
        Assert.Equal(new[] { "1:20:VMDQ0002", "1:27:VMDQ0002" }, Located(result));
    }
}
