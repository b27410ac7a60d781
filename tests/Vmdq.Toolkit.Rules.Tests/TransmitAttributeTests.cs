using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Model;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>The <c>antispoof</c> and <c>vlan-insert</c> pool attributes: parsing, the resolved transmit attributes, VMDQ0027-0029, located.</summary>
public class TransmitAttributeTests
{
    private static RulesResult Compile(string text) => RulesCompiler.Compile("t.vmdq", text);

    private static string[] Located(RulesResult result) => result.Diagnostics.Select(d => $"{d.Span.Line}:{d.Span.Column}:{d.Id}").ToArray();

    private static PoolTransmit Transmit(RulesResult result, string pool)
    {
        var model = result.Model!;
        return PoolTransmit.Of(model.Pools.Single(p => p.Name == pool), model.Rules);
    }

    [Fact]
    public void MacCheckingIsOnByDefaultExactlyForPoolsWithMacsAndVlanCheckingIsOff()
    {
        var result = Compile("""
            pool web 1
            pool db 2
            pool tunnel 3
            mac 00:1b:21:0a:0b:02 -> web
            mac 00:1b:21:0a:0b:01 vlan 120 -> web
            vlan 130 -> db
            vxlan 5000 inner 00:1b:21:0a:0b:03 -> tunnel
            broadcast -> web, db
            """);
        Assert.Empty(result.Diagnostics);
        var web = Transmit(result, "web");
        Assert.Equal((true, false, 0), (web.MacCheck, web.VlanCheck, web.VlanInsert));
        Assert.Equal(new ulong[] { 0x001B210A0B01, 0x001B210A0B02 }, web.Macs.AsArray());
        Assert.Equal(new[] { 120 }, web.Vlans.AsArray());

        var db = Transmit(result, "db");
        Assert.Equal((false, false), (db.MacCheck, db.VlanCheck));
        Assert.Empty(db.Macs);
        Assert.Equal(new[] { 130 }, db.Vlans.AsArray());

        // An inner MAC is a station inside the tunnel, not a source MAC the pool sends with.
        var tunnel = Transmit(result, "tunnel");
        Assert.False(tunnel.MacCheck);
        Assert.Empty(tunnel.Macs);
    }

    [Fact]
    public void EveryPoolAtOnceEqualsEachPoolAlone()
    {
        // MACs and VLANs out of order and repeated across rule kinds, a vlan-insert VLAN that a rule also names, a drop, a pool with nothing.
        var result = Compile("""
            pool web 1 vlan-insert 130 antispoof mac,vlan
            pool db 2 antispoof vlan
            pool idle 3
            pool tunnel 4
            mac 00:1b:21:0a:0b:09 -> web
            mac 00:1b:21:0a:0b:02 vlan 150 -> web
            mac 00:1b:21:0a:0b:02 vlan 120 -> web
            mac 00:1b:21:0a:0b:01 -> web:0
            vlan 130 -> web
            vlan 140 -> db
            vlan 120 -> db
            mac 00:1b:21:0a:0b:05 vlan 140 -> db
            mac 00:1b:21:0a:0b:07 -> drop
            vxlan 5000 inner 00:1b:21:0a:0b:03 -> tunnel
            broadcast -> web, db
            """);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Vmdq.Rules.Diagnostics.RuleSeverity.Error);
        var model = result.Model!;
        var all = PoolTransmit.OfAll(model.Pools, model.Rules);
        Assert.Equal(model.Pools.Select(p => PoolTransmit.Of(p, model.Rules)).ToArray(), all.AsArray());
        Assert.Equal(new ulong[] { 0x001B210A0B01, 0x001B210A0B02, 0x001B210A0B09 }, all[0].Macs.AsArray());
        Assert.Equal(new[] { 120, 130, 150 }, all[0].Vlans.AsArray());
        Assert.Equal(new[] { 120, 140 }, all[1].Vlans.AsArray());
        Assert.Empty(all[2].Macs.AsArray());
        Assert.Empty(all[3].Macs.AsArray());
    }

    [Theory]
    [InlineData("antispoof mac,vlan", true, true)]
    [InlineData("antispoof vlan , mac", true, true)]
    [InlineData("antispoof vlan", false, true)]
    [InlineData("antispoof none", false, false)]
    [InlineData("antispoof mac", true, false)]
    public void AntiSpoofListsTheChecksThatAreOn(string attribute, bool mac, bool vlan)
    {
        var result = Compile($"pool web 1 {attribute}\nmac 00:1b:21:0a:0b:02 vlan 120 -> web\n");
        Assert.Empty(result.Diagnostics);
        var web = Transmit(result, "web");
        Assert.Equal((mac, vlan), (web.MacCheck, web.VlanCheck));
    }

    [Fact]
    public void VlanInsertAddsThePoolsVlanAndKeepsPriorityAndTenant()
    {
        var result = Compile("tenant blue vlan 100-199\npool web 1 tenant blue priority 5 vlan-insert 150\nmac 00:1b:21:0a:0b:02 -> web\n");
        Assert.Empty(result.Diagnostics);
        var pool = result.Model!.Pools.Single();
        Assert.Equal((150, 5, "blue"), (pool.VlanInsert, pool.Priority, pool.Tenant));
        Assert.Equal(new[] { 150 }, Transmit(result, "web").Vlans.AsArray());
    }

    [Theory]
    [InlineData("pool web 1 antispoof\n", "1:21:VMDQ0001", "Expected 'mac', 'vlan', 'mac,vlan' or 'none' after 'antispoof', but the line ends.")]
    [InlineData("pool web 1 antispoof mca\n", "1:22:VMDQ0001", "Unknown anti-spoofing check 'mca' (did you mean 'mac'?). Expected 'mac', 'vlan' or 'none'.")]
    [InlineData("pool web 1 antispoof mac,mac\n", "1:26:VMDQ0001", "'mac' is listed twice after 'antispoof'.")]
    [InlineData("pool web 1 antispoof none,vlan\n", "1:22:VMDQ0001", "'antispoof none' turns every check off: it cannot be listed with 'mac' or 'vlan'.")]
    [InlineData("pool web 1 antispoof mac antispoof vlan\n", "1:26:VMDQ0001", "'antispoof' is given twice in one 'pool' statement.")]
    [InlineData("pool web 1 vlan-insert 0\n", "1:24:VMDQ0002", "VLAN ID to insert 0 is out of range: it must be 1..4094.")]
    [InlineData("pool web 1 vlan-insert 4095\n", "1:24:VMDQ0002", "VLAN ID to insert 4095 is out of range: it must be 1..4094.")]
    [InlineData("pool web 1 vlan-insert 100 vlan-insert 200\n", "1:28:VMDQ0001", "'vlan-insert' is given twice in one 'pool' statement.")]
    public void BadAttributesAreLocatedErrors(string text, string located, string message)
    {
        var result = Compile(text + "mac 00:1b:21:0a:0b:02 -> web\n");
        var diagnostic = result.Diagnostics.Single(d => d.Id is "VMDQ0001" or "VMDQ0002");
        Assert.Equal(located, $"{diagnostic.Span.Line}:{diagnostic.Span.Column}:{diagnostic.Id}");
        Assert.Equal(message, diagnostic.Message);
    }

    [Fact]
    public void MacCheckingOnAPoolWithNoMacWarnsAtTheAttribute()
    {
        var result = Compile("pool web 1 antispoof mac,vlan\nvlan 100 -> web\n");
        Assert.Equal(new[] { "1:22:VMDQ0027" }, Located(result));
        Assert.Contains("checks source MACs, but no 'mac' rule sends to it", result.Diagnostics.Single().Message);
    }

    [Fact]
    public void VlanCheckingOnAPoolOnNoVlanWarnsUnlessItInsertsOne()
    {
        var result = Compile("pool web 1 antispoof vlan\nmac 00:1b:21:0a:0b:02 -> web\n");
        Assert.Equal(new[] { "1:22:VMDQ0027" }, Located(result));
        Assert.Contains("checks VLANs", result.Diagnostics.Single().Message);
        Assert.Empty(Compile("pool web 1 antispoof vlan vlan-insert 100\nmac 00:1b:21:0a:0b:02 -> web\n").Diagnostics);
    }

    [Fact]
    public void DefaultMacCheckingNeverWarns() =>
        Assert.Empty(Compile("pool web 1\nvlan 100 -> web\n").Diagnostics);

    [Fact]
    public void AnInsertedVlanOfAnotherTenantIsAnError()
    {
        var result = Compile("tenant blue vlan 100-199\ntenant red vlan 200-299\npool web 1 tenant blue vlan-insert 250\nvlan 150 -> web\n");
        Assert.Equal(new[] { "3:36:VMDQ0028" }, Located(result));
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void AnInsertedVlanOfNoTenantOnATenantsPoolWarns()
    {
        var result = Compile("tenant blue vlan 100-199\npool web 1 tenant blue vlan-insert 500\nvlan 150 -> web\n");
        Assert.Equal(new[] { "2:36:VMDQ0029" }, Located(result));
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void APoolOfNoTenantMayInsertAnyVlan() =>
        Assert.Empty(Compile("tenant blue vlan 100-199\npool web 1 vlan-insert 500\nvlan 500 -> web\n").Diagnostics);
}
