using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Model;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>The <c>switch veb|vepa</c> statement, the switch's L2 filters and VLAN membership in the model, and VMDQ0024.</summary>
public class SwitchStatementTests
{
    private static RulesResult Compile(string text) => RulesCompiler.Compile("t.vmdq", text);

    private static string[] Located(RulesResult result) =>
        result.Diagnostics.Where(d => d.Id != "VMDQ0018").Select(d => $"{d.Span.Line}:{d.Span.Column}:{d.Id}: {d.Message}").ToArray();

    [Theory]
    [InlineData("", false)]
    [InlineData("switch veb\n", false)]
    [InlineData("switch vepa   # reflective relay\n", true)]
    public void The_mode_is_VEB_unless_the_file_says_vepa(string statement, bool vepa)
    {
        var result = Compile(statement + "pool web 1\nmac 00:1b:21:0a:0b:01 -> web\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(vepa ? SwitchKind.Vepa : SwitchKind.Veb, result.Model!.Switch);
    }

    [Theory]
    [InlineData("switch vepe\n", "1:8:VMDQ0001: Unknown switch mode 'vepe' (did you mean 'vepa'?). Expected 'veb' or 'vepa'.")]
    [InlineData("switch\n", "1:7:VMDQ0001: Expected a switch mode ('veb' or 'vepa') after 'switch', but the line ends.")]
    [InlineData("switch veb vepa\n", "1:12:VMDQ0001: Unexpected 'vepa' after the end of the statement.")]
    [InlineData("switch 1\n", "1:8:VMDQ0001: Unknown switch mode '1'. Expected 'veb' or 'vepa'.")]
    [InlineData("switch veb\nswitch vepa\n", "2:1:VMDQ0013: 'switch' is given more than once; only the first is used.")]
    [InlineData("swich veb\n", "1:1:VMDQ0001: Unknown keyword 'swich' (did you mean 'switch'?).")]
    public void A_bad_switch_statement_is_a_located_error(string statement, string expected)
    {
        var result = Compile(statement + "pool web 1\nmac 00:1b:21:0a:0b:01 -> web\n");
        Assert.Equal(expected, Assert.Single(Located(result)));
    }

    [Fact]
    public void Membership_comes_from_tenant_ranges_vlan_rules_and_mac_rules_and_tunnels_are_not_L2_filters()
    {
        var result = Compile("""
            tenant blue vlan 100-199 vni 5000-5999
            pool host 0
            pool web 1 tenant blue
            pool db 2 tenant blue
            pool gone 3
            mac 00:1b:21:0a:0b:01 -> web
            mac 00:1b:21:0a:0b:02 vlan 150 -> db
            vlan 160 -> db
            mac 00:1b:21:0a:0b:66 -> drop
            vxlan 5001 -> web
            broadcast -> host
            multicast -> gone
            """);
        Assert.Empty(result.Diagnostics);
        var model = result.Model!;
        Assert.Equal(
            [new VlanMember(0, -1, -1), new VlanMember(1, -1, -1), new VlanMember(1, 100, 199),
             new VlanMember(2, 100, 199), new VlanMember(2, 150, 150), new VlanMember(2, 160, 160), new VlanMember(3, -1, -1)],
            model.VlanMembers);
        Assert.Equal([6, 7, 8, 9], model.L2Rules().Select(r => r.Line));
    }

    [Fact]
    public void A_VEPA_pool_without_a_station_MAC_warns_at_its_name()
    {
        const string Rules = "pool web 1\npool db 2\nmac 00:1b:21:0a:0b:01 -> web\nvlan 250 -> db\nmac 00:1b:21:0a:0b:02 -> drop\n";
        Assert.Equal(
            ["3:6:VMDQ0024: Pool 'db' has no MAC of its own ('mac' rule), and this NIC is in VEPA mode (switch, line 1): the station recognizes a frame the adjacent bridge reflects back by its source MAC, so this pool's own broadcast and multicast frames come back to it. Give it a station MAC (mac M -> db), or use 'switch veb'."],
            Located(Compile("switch vepa\n" + Rules)));
        Assert.Empty(Located(Compile("switch veb\n" + Rules)));
        Assert.Empty(Located(Compile("switch vepa\n" + Rules + "mac 00:1b:21:0a:0b:03 vlan 251 -> db\n")));
    }
}
