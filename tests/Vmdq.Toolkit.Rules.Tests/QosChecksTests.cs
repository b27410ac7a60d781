using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Model;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>Transmit QoS statements: <c>class</c>, the pool's <c>rate</c>, the resolved model, and VMDQ0030-VMDQ0032.</summary>
public class QosChecksTests
{
    private const string Mac = "mac 02:00:00:00:00:01 -> web\nmac 02:00:00:00:00:02 -> db\n";

    private static RulesResult Compile(string text) => RulesCompiler.Compile("t.vmdq", text);

    private static string[] Located(RulesResult result) => result.Diagnostics.Select(d => $"{d.Span.Line}:{d.Span.Column}:{d.Id}").ToArray();

    [Fact]
    public void Classes_and_rates_resolve_into_the_model()
    {
        var result = Compile("""
            pool web 1 priority 4 rate 2.5Gbps
            pool db 2 priority 6 bandwidth 40% rate 800Mbps
            class bulk tc 2 ets 60% priorities 0-4
            class voice tc 6 strict priorities 6,7
            class rest tc 5 ets 40%
            mac 02:00:00:00:00:01 -> web
            mac 02:00:00:00:00:02 -> db
            """);
        Assert.Empty(result.Diagnostics);
        var model = result.Model!;
        Assert.Equal(
            new[] { new ResolvedClass("bulk", 2, false, 60, 0x1F, 3), new ResolvedClass("rest", 5, false, 40, 0x20, 5), new ResolvedClass("voice", 6, true, 0, 0xC0, 4) },
            model.Classes.ToArray());
        Assert.Equal(new[] { 2_500_000_000L, 800_000_000L }, model.Pools.Select(p => p.RateBitsPerSecond).ToArray());
        Assert.Equal(40, model.Pools.Single(p => p.Name == "db").BandwidthPercent);
    }

    [Fact]
    public void A_file_without_classes_resolves_none() =>
        Assert.Empty(Compile("pool web 1 bandwidth 40%\npool db 2\n" + Mac).Model!.Classes);

    [Theory]
    [InlineData("class a ets 40%\n", "1:7:VMDQ0001", "Class 'a' needs its traffic class number: write 'tc 0-7', as in 'class a tc 2 ets 40%'.")]
    [InlineData("class a tc 2\n", "1:7:VMDQ0001", "Class 'a' needs its transmission selection algorithm: 'ets N%' or 'strict'.")]
    [InlineData("class a tc 2 ets 40% strict\n", "1:22:VMDQ0001", "A traffic class has one transmission selection algorithm: 'ets' is already given.")]
    [InlineData("class a tc 8 strict\n", "1:12:VMDQ0002", "Traffic class 8 is out of range: it must be 0..7.")]
    [InlineData("class a tc 2 ets 0%\n", "1:18:VMDQ0002", "ETS bandwidth share 0 is out of range: it must be 1..100.")]
    [InlineData("class a tc 2 ets 40\n", "1:18:VMDQ0001", "Expected an ETS bandwidth share with '%', such as 40%, found '40'.")]
    [InlineData("class a tc 2 strict priorities 3,9\n", "1:34:VMDQ0002", "The range 9 of priorities is out of range: priorities must be 0..7.")]
    [InlineData("class a tc 2 stric\n", "1:14:VMDQ0001", "Unknown class attribute 'stric' (did you mean 'strict'?). Expected 'tc', 'ets', 'strict' or 'priorities'.")]
    [InlineData("pool web 1 rate 2.5G\n", "1:17:VMDQ0001", "Expected a rate as a number and a unit, Mbps or Gbps, with no space (such as 2.5Gbps or 800Mbps), found '2.5G'.")]
    [InlineData("pool web 1 rate 2000Gbps\n", "1:17:VMDQ0002", "Rate 2000Gbps is out of range: it must be a whole number of bits per second from 1Mbps to 1600Gbps.")]
    [InlineData("pool web 1 rate 0.0000001Mbps\n", "1:17:VMDQ0002", "Rate 0.0000001Mbps is out of range: it must be a whole number of bits per second from 1Mbps to 1600Gbps.")]
    [InlineData("pool web 1 rate 1Gbps rate 2Gbps\n", "1:23:VMDQ0001", "'rate' is given twice in one 'pool' statement.")]
    public void Malformed_qos_statements_are_located(string line, string where, string message)
    {
        var result = Compile(line + Mac);
        Assert.Contains((where, message), result.Diagnostics.Select(d => ($"{d.Span.Line}:{d.Span.Column}:{d.Id}", d.Message)));
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void A_traffic_class_a_class_name_or_a_priority_declared_twice_is_a_duplicate_declaration()
    {
        var result = Compile("class a tc 1 ets 10%\nclass a tc 2 ets 10%\nclass b tc 1 ets 10%\nclass c tc 3 ets 10% priorities 1,3\n");
        Assert.Equal(new[] { "2:7:VMDQ0013", "3:12:VMDQ0013", "4:33:VMDQ0013" }, Located(result).Where(l => l.EndsWith("VMDQ0013")).ToArray());
        Assert.Equal("Priority 1 is already mapped to class 'a' on line 1: a priority maps to one traffic class.", result.Diagnostics.Last(d => d.Id == "VMDQ0013").Message);
    }

    [Fact]
    public void Ets_shares_above_100_percent_are_an_error_at_the_share_that_tips_them_over()
    {
        var result = Compile("pool web 1 priority 0\npool db 2 priority 1\nclass a tc 0 ets 60%\nclass v tc 7 strict\nclass b tc 1 ets 50%\n" + Mac);
        Assert.Equal(new[] { "5:18:VMDQ0030" }, Located(result));
        Assert.Equal(
            "ETS shares add up to 110%: class 'b' takes 50% on top of 'a' 60% (line 3). The ETS classes share the wire, so their shares must add up to at most 100%.",
            result.Diagnostics.Single().Message);
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void Pool_shares_of_one_class_above_100_percent_are_an_error()
    {
        var result = Compile("pool web 1 bandwidth 70%\npool db 2 bandwidth 40%\n" + Mac);
        Assert.Equal(new[] { "2:21:VMDQ0030" }, Located(result));
        Assert.StartsWith("The pools of the wire (no 'class' statement, so every pool is in one default class) ask for 110%: pool 'db' takes 40% on top of 'web' 70% (line 1).", result.Diagnostics.Single().Message);
    }

    [Fact]
    public void Shares_of_exactly_100_percent_are_fine() =>
        Assert.Empty(Compile("pool web 1 priority 1\npool db 2 priority 2\nclass a tc 1 ets 40%\nclass b tc 2 ets 60%\n" + Mac).Diagnostics);

    [Fact]
    public void A_pool_whose_priority_no_class_maps_is_in_no_class()
    {
        var result = Compile("pool web 1 priority 3\npool db 2\nclass a tc 1 ets 100%\n" + Mac);
        Assert.Equal(new[] { "1:21:VMDQ0031", "2:6:VMDQ0031" }, Located(result));
        Assert.Equal(
            "Pool 'web' has priority 3 and no class lists that priority: it is in no traffic class, so it transmits only when every class is idle. Add the priority to a class's 'priorities', or give the pool the priority of a class.",
            result.Diagnostics[0].Message);
        Assert.StartsWith("Pool 'db' has priority 0 (no 'priority' given) and no class lists that priority", result.Diagnostics[1].Message);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void A_pool_left_no_share_by_the_others_of_its_class_is_warned()
    {
        var result = Compile("pool web 1 bandwidth 100%\npool db 2\n" + Mac);
        Assert.Equal(new[] { "2:6:VMDQ0031" }, Located(result));
        Assert.Contains("take all of it ('web' 100%)", result.Diagnostics.Single().Message);
    }

    [Fact]
    public void A_rate_above_the_line_rate_is_warned_against_the_profile_or_10_gbps()
    {
        var plain = Compile("pool web 1 rate 25Gbps\npool db 2 rate 10Gbps\n" + Mac);
        Assert.Equal(new[] { "1:17:VMDQ0032" }, Located(plain));
        Assert.Equal(
            "Pool 'web' is limited to 25Gbps, above the line rate of 10 Gb/s, the emulator's default line rate (no 'profile' names the NIC): the limit never applies. Lower it, or remove 'rate'.",
            plain.Diagnostics.Single().Message);

        var profiled = Compile("profile 82599\npool web 1 rate 10.5Gbps\npool db 2\n" + Mac);
        Assert.Equal(new[] { "2:17:VMDQ0032" }, Located(profiled));
        Assert.Contains("above the line rate of 10 Gb/s, the port speed of the Intel 82599 (ixgbe) (profile, line 1)", profiled.Diagnostics.Single().Message);
    }
}
