using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Model;
using Vmdq.Rules.Tables;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>The <c>channel NAME svid N [veb|vepa|vsi]</c> statement (IEEE 802.1Qbg S-channels): sections, the model, and VMDQ0033-0038.</summary>
public class ChannelStatementTests
{
    private static RulesResult Compile(string text) => RulesCompiler.Compile("t.vmdq", text);

    private static string[] Located(RulesResult result) =>
        result.Diagnostics.Where(d => d.Id != "VMDQ0018").Select(d => $"{d.Span.Line}:{d.Span.Column}:{d.Id}: {d.Message}").ToArray();

    private const string TwoChannels = """
        switch vepa
        pool host 0
        mac 00:1b:21:00:00:01 -> host
        channel storage svid 10 veb
        pool st-a 1
        pool st-b 2
        default-pool st-b
        mac 00:1b:21:00:00:01 -> st-a
        vlan 100 -> st-b
        broadcast -> st-a, st-b
        channel mgmt svid 20 vsi
        pool bmc 3
        mac 00:1b:21:00:00:09 -> bmc
        """;

    [Fact]
    public void Statements_after_a_channel_belong_to_it_and_the_model_carries_the_channels()
    {
        var result = Compile(TwoChannels);
        Assert.Empty(result.Diagnostics);
        var model = result.Model!;
        Assert.True(model.HasChannels);
        Assert.Equal(3, model.UnknownChannel);
        Assert.Equal(
            [new ResolvedChannel("storage", 1, 10, SwitchKind.Veb, 2, 0, false, 4), new ResolvedChannel("mgmt", 2, 20, SwitchKind.Vsi, -1, 0, false, 11)],
            model.Channels.AsArray());
        Assert.Equal([0, 1, 1, 2], model.Pools.Select(p => p.Channel).ToArray());
        Assert.Equal([(3, 0), (8, 1), (9, 1), (10, 1), (13, 2)], model.Rules.Select(r => (r.Line, r.Channel)).ToArray());

        // The untagged channel keeps the file's switch mode and default pool 0.
        Assert.Equal(SwitchKind.Vepa, model.Switch);
        Assert.Equal(0, model.DefaultPool);

        // Channels need the S-tag parsed.
        Assert.Equal(ParseLevel.Tags, model.ParseLevel);
    }

    [Fact]
    public void The_same_match_in_two_channels_is_no_conflict_but_twice_in_one_is()
    {
        Assert.Empty(Compile(TwoChannels).Diagnostics);
        var result = Compile(TwoChannels + "\nmac 00:1b:21:00:00:09 -> drop\n");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("VMDQ0004", 14), (d.Id, d.Span.Line));
        Assert.Contains("on line 13", d.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_mode_left_out_is_the_files_switch_mode()
    {
        var model = Compile("switch vepa\npool a 0\nmac 00:1b:21:00:00:01 -> a\nchannel c svid 5\npool b 1\nmac 00:1b:21:00:00:02 -> b\n").Model!;
        Assert.Equal(SwitchKind.Vepa, Assert.Single(model.Channels).Mode);
    }

    [Theory]
    [InlineData("channel c svid 0\n", "1:16:VMDQ0002: S-VID 0 is out of range: it must be 1..4094.")]
    [InlineData("channel c svid 4095\n", "1:16:VMDQ0002: S-VID 4095 is out of range: it must be 1..4094.")]
    [InlineData("channel c svid 10 vpa\n", "1:19:VMDQ0001: Unknown S-channel mode 'vpa' (did you mean 'vepa'?). Expected 'veb', 'vepa' or 'vsi'.")]
    [InlineData("channel c vlan 10\n", "1:11:VMDQ0001: Expected 'svid' and the channel's S-VID, as in 'channel c svid 10', found 'vlan'.")]
    [InlineData("channel c svid\n", "1:15:VMDQ0001: Expected an S-VID (1-4094) after 'svid', but the line ends.")]
    [InlineData("channel c svid 10 veb vsi\n", "1:23:VMDQ0001: Unexpected 'vsi' after the end of the statement.")]
    public void A_bad_channel_statement_is_a_located_error(string statement, string expected)
    {
        var result = Compile("pool web 1\nmac 00:1b:21:0a:0b:01 -> web\n" + statement);
        Assert.Equal("3:" + expected.Substring(2), Assert.Single(Located(result)));
    }

    [Fact]
    public void A_broken_channel_statement_still_opens_its_section()
    {
        // Were 'b' taken for channel c's, 'mac ... -> b' in the broken section would be a cross-channel target (VMDQ0033).
        var result = Compile("pool a 0\nmac 00:1b:21:00:00:01 -> a\nchannel c svid 10\npool b 1\nchannel d svid 0\nmac 00:1b:21:00:00:02 -> b\n");
        Assert.Equal(["5:16:VMDQ0002: S-VID 0 is out of range: it must be 1..4094.", "6:26:VMDQ0033: " + CrossMessage("b", "'c' (line 3)", "'d' (line 5)")], Located(result));
    }

    private static string CrossMessage(string pool, string its, string here) =>
        $"Pool '{pool}' belongs to {its}, but this statement is in {here}: an S-channel is a port of its own, its frames cannot reach another channel's pools. "
        + "Name a pool of this channel, or move the statement to the pool's channel section.";

    [Fact]
    public void Duplicate_names_and_svids_are_duplicate_declarations()
    {
        var result = Compile("pool a 0\nmac 00:1b:21:00:00:01 -> a\nchannel c svid 10\ndefault-pool 1\nchannel c svid 11\ndefault-pool 2\nchannel e svid 0x0a\ndefault-pool 3\n");
        Assert.Equal(
            ["5:9:VMDQ0013: S-channel 'c' is already declared on line 3.",
             "7:16:VMDQ0013: S-VID 0x0a is already S-channel 'c''s (line 3): an S-VID selects one S-channel."],
            Located(result));
    }

    [Fact]
    public void A_rule_or_default_pool_naming_another_channels_pool_is_VMDQ0033_and_a_list_across_channels_VMDQ0034()
    {
        var result = Compile("""
            pool a 1
            default-pool a
            mac 00:1b:21:00:00:01 -> a
            channel c svid 10
            pool b 2
            default-pool a
            mac 00:1b:21:00:00:02 -> a
            broadcast -> b, a
            multicast -> a
            mac 00:1b:21:00:00:03 -> b
            """);
        Assert.Equal(
            ["6:14:VMDQ0033: " + CrossMessage("a", "the untagged channel", "'c' (line 4)"),
             "7:26:VMDQ0033: " + CrossMessage("a", "the untagged channel", "'c' (line 4)"),
             "8:17:VMDQ0034: Pool 'a' belongs to the untagged channel, but this rule is in 'c' (line 4): a group frame is replicated only to the pools of its own S-channel. "
                + "List pools of this channel only, and write a rule in the other channel's section for its pools.",
             "9:14:VMDQ0033: " + CrossMessage("a", "the untagged channel", "'c' (line 4)")],
            Located(result));
    }

    [Fact]
    public void Pool_0_in_a_channel_is_the_untagged_channels_implicit_default_pool_VMDQ0033()
    {
        var result = Compile("pool a 1\nmac 00:1b:21:00:00:01 -> a\nchannel c svid 10\npool z 0\nmac 00:1b:21:00:00:02 -> z\n");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("VMDQ0033", 4, 8), (d.Id, d.Span.Line, d.Span.Column));

        // With a default-pool before the first channel, pool 0 is free to be a channel's.
        Assert.Empty(Compile("pool a 1\ndefault-pool a\nmac 00:1b:21:00:00:01 -> a\nchannel c svid 10\npool z 0\nmac 00:1b:21:00:00:02 -> z\n").Diagnostics);
    }

    [Theory]
    [InlineData("channel v svid 10 vsi\n", "3:19:VMDQ0035: S-channel 'v' is a single VSI ('vsi') but declares no pool: declare its one pool after it.")]
    [InlineData("channel v svid 10 vsi\npool x 2\npool y 3\nmac 00:1b:21:00:00:02 -> x\nmac 00:1b:21:00:00:03 -> y\n",
        "3:19:VMDQ0035: S-channel 'v' is a single VSI ('vsi') but declares 2 pools ('x', 'y'): a VSI channel is one virtual station. Use 'veb' or 'vepa' for several.")]
    [InlineData("channel e svid 10\n", "3:9:VMDQ0038: S-channel 'e' (S-VID 10) has no pool and no 'default-pool': every frame it carries is dropped. Declare its pools after it.")]
    public void Vsi_channels_have_one_pool_and_an_empty_channel_is_a_warning(string channel, string expected)
    {
        var result = Compile("pool a 1\nmac 00:1b:21:00:00:01 -> a\n" + channel);
        Assert.Equal(expected, Assert.Single(Located(result)));
    }

    [Fact]
    public void A_channel_svid_outside_its_pools_tenant_is_VMDQ0036_and_tenant_svid_ranges_may_not_overlap()
    {
        var result = Compile("""
            tenant blue vlan 100-199 svid 10-19
            tenant red vlan 200-299 svid 15-29
            pool a 1
            mac 00:1b:21:00:00:01 -> a
            channel c svid 25
            pool b 2 tenant blue
            mac 00:1b:21:00:00:02 -> b
            channel d svid 12
            pool e 3 tenant blue
            mac 00:1b:21:00:00:03 -> e
            """);
        Assert.Equal(
            ["2:30:VMDQ0015: Tenant 'red' claims S-VIDs 15-29 that overlap tenant 'blue' (10-19, line 1): identifiers in the overlap are attributed to 'blue' for the leak check.",
             "5:16:VMDQ0036: S-channel 'c' has S-VID 25, outside the S-VIDs 10-19 of tenant 'blue' (line 1), which its pool 'b' (line 6) belongs to. Give the channel one of the tenant's S-VIDs, or add this one to its range."],
            Located(result));
    }

    [Fact]
    public void Switch_inside_a_channel_section_is_VMDQ0037_and_other_global_statements_stay_global()
    {
        var result = Compile("pool a 1\nmac 00:1b:21:00:00:01 -> a\nchannel c svid 10\nswitch vepa\nvxlan-port 4790\npool b 2\nmac 00:1b:21:00:00:02 -> b\n");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("VMDQ0037", 4, 1), (d.Id, d.Span.Line, d.Span.Column));

        var ok = Compile("pool a 1\nmac 00:1b:21:00:00:01 -> a\nchannel c svid 10\nvxlan-port 4790\ntenant t vlan 5\npool b 2\nmac 00:1b:21:00:00:02 -> b\n");
        Assert.Empty(ok.Diagnostics);
        Assert.Equal(4790, ok.Model!.VxlanPort);
    }

    [Fact]
    public void Default_pool_is_once_per_section()
    {
        var result = Compile("default-pool 0\npool a 1\nmac 00:1b:21:00:00:01 -> a\nchannel c svid 10\ndefault-pool b\ndefault-pool b\npool b 2\n");
        Assert.Equal(["6:1:VMDQ0013: 'default-pool' is given more than once; only the first is used."], Located(result));
    }

    [Fact]
    public void A_file_without_channels_has_an_empty_channel_list()
    {
        var model = Compile("pool web 1\nmac 00:1b:21:0a:0b:01 -> web\n").Model!;
        Assert.False(model.HasChannels);
        Assert.Equal(ParseLevel.Dst, model.ParseLevel);
        Assert.All(model.Rules, r => Assert.Equal(0, r.Channel));
    }
}
