using System.Collections.Generic;
using System.Linq;
using System.Text;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// What the parser records (Rules/Syntax), pinned field by field: the values and spans of each statement, the targets a broken
/// rule line still names, the next line after a broken one, S-channel sections, the lexer's line arrays and name table, and
/// <see cref="RulesDocument.Spelling"/> at the text's edges. Spans read "line,column+length@start".
/// </summary>
public class SyntaxModelTests
{
    private static RulesDocument Parse(string text, out List<RuleDiagnostic> diagnostics)
    {
        diagnostics = new List<RuleDiagnostic>();
        return Parser.Parse("t.vmdq", text, diagnostics);
    }

    private static RulesDocument Parse(string text) => Parse(text, out _);

    private static string S(SourceSpan span) => $"{span.Line},{span.Column}+{span.Length}@{span.Start}";

    private static string S(SourceSpan? span) => span is { } s ? S(s) : "-";

    private static string Refs(IEnumerable<PoolRef> refs) => string.Join(" ", refs.Select(r => r.Name + "@" + S(r.Span)));

    // ---- broken rule lines: the pools they name, and the line after them ----

    [Theory]
    // A value error in the match: the target parsed, it is checked and counts as named.
    [InlineData("vlan 4096 -> web", "web@1,14+3@13", "", 0)]
    [InlineData("vlan x -> web", "web@1,11+3@10", "", 0)]
    [InlineData("mac zz -> web", "web@1,11+3@10", "", 0)]
    [InlineData("vlan 4096 -> web:3", "web@1,14+3@13", "", 0)]
    [InlineData("multicast -> web\nvlan 4096 -> a, b", "", "a@2,14+1@30 b@2,17+1@33", 1)]
    // A value error and then an extra token: the target is recorded once, as the broken rule's.
    [InlineData("vlan 4096 -> web extra", "web@1,14+3@13", "", 0)]
    // A syntax error: the well-formed names after '->' are recovered silently, up to the first that is not one.
    [InlineData("vxaln 5000 -> web", "", "web@1,15+3@14", 0)]
    [InlineData("x -> y", "", "y@1,6+1@5", 0)]
    [InlineData("-> web", "", "web@1,4+3@3", 0)]
    [InlineData("vlan 5 -> a b", "", "a@1,11+1@10", 0)]
    [InlineData("vlan 5 -> a:x", "", "a@1,11+1@10", 0)]
    [InlineData("vlan 5 -> a:1 b", "", "a@1,11+1@10", 0)]
    [InlineData("vlan 5 -> web:1, db", "", "web@1,11+3@10 db@1,18+2@17", 0)]
    [InlineData("broadcast -> a, 1x b", "", "a@1,14+1@13", 0)]
    [InlineData("broadcast -> a, b c, d", "", "a@1,14+1@13 b@1,17+1@16", 0)]
    [InlineData("broadcast -> a, ,", "", "a@1,14+1@13", 0)]
    [InlineData("vlan 5 -> drop:1", "", "", 0)]
    [InlineData("vlan 5 -> drop x", "", "", 0)]
    [InlineData("vlan 5 -> 1x", "", "", 0)]
    [InlineData("vlan 5 web", "", "", 0)]
    [InlineData("vlan 5 ->", "", "", 0)]
    [InlineData("vlan 5 -> ,", "", "", 0)]
    // Declarations recover nothing (their names are not targets), except default-pool's name.
    [InlineData("pool web x -> a", "", "", 0)]
    [InlineData("tenant t vlan x -> a", "", "", 0)]
    [InlineData("default-pool web extra", "", "web@1,14+3@13", 0)]
    // The flags are per line: a line after a broken one is read afresh.
    [InlineData("vlan 4096 -> a\nvlan 5 -> b", "a@1,14+1@13", "", 1)]
    [InlineData("vlan 4096 -> a extra\nvlaan 5 -> b", "a@1,14+1@13", "b@2,12+1@32", 0)]
    [InlineData("vlan x -> a\nvlan 6 -> b\nvlan 7 -> c", "a@1,11+1@10", "", 2)]
    [InlineData("frobnicate\nvlan 6 -> b", "", "", 1)]
    public void A_broken_rule_line_still_names_its_pools_and_the_next_line_parses(string text, string broken, string recovered, int rules)
    {
        var doc = Parse(text);
        Assert.Equal(broken, Refs(doc.BrokenRuleTargets));
        Assert.Equal(recovered, Refs(doc.RecoveredTargets));
        Assert.Equal(rules, doc.Rules.Count);
    }

    [Fact]
    public void The_rule_after_a_broken_rule_is_recorded_with_its_own_line_and_target()
    {
        var doc = Parse("vlan 4096 -> a\nvlan x -> b\nvlan 7 -> c:2\n");
        var rule = Assert.Single(doc.Rules);
        Assert.Equal((MatchKind.Vlan, 7u, 3), (rule.Match.Kind, rule.Match.Id, rule.Line));
        Assert.Equal("c@3,11+1@37", Refs(rule.Target.Pools));
        Assert.Equal(2L, rule.Target.Queue);
        Assert.Equal("3,13+1@39", S(rule.Target.QueueSpan));
    }

    // ---- which lines count as rule lines; whether the dispatcher's name is readable ----

    [Theory]
    [InlineData("pool web 1", false)]
    [InlineData("# vlan 5 -> web", false)]
    [InlineData("vlan 5 -> web", true)]
    [InlineData("broadcast", true)]
    [InlineData("multicast web", true)]
    [InlineData("x -> y", true)]
    [InlineData(", ->", true)]
    [InlineData("pool web 1\nvlan", true)]
    public void A_rule_keyword_or_an_arrow_makes_a_rule_line(string text, bool hasRuleLines) =>
        Assert.Equal(hasRuleLines, Parse(text).HasRuleLines);

    [Theory]
    [InlineData("dispatcher A.B", "A.B", false)]
    [InlineData("dispatcher A.B extra", null, true)]
    [InlineData("dispatchr X", null, true)]
    [InlineData("Contoso.Fabric.X", null, true)]
    [InlineData("my dispatcher A.B", null, true)]
    [InlineData("dispatcher A.B\ndispatchr X", "A.B", false)]
    [InlineData("dispatchr X\ndispatcher A.B", "A.B", false)]
    [InlineData("dispatcher A.B\ndispatcher C.D", "A.B", false)]
    [InlineData("pool w.b 1", null, false)]
    [InlineData("vlan 4096 -> dispatcher", null, false)]
    [InlineData("pool a 1 Contoso.X", null, false)]
    public void A_broken_line_that_looks_like_the_dispatcher_line_hides_the_name_only_if_none_was_read(string text, string? dispatcher, bool unreadable)
    {
        var doc = Parse(text, out var diagnostics);
        Assert.Equal(dispatcher, doc.Dispatcher);
        Assert.Equal(unreadable, doc.DispatcherUnreadable);

        // A line reclassified as the dispatcher's has no syntax error left; a range error on such a line stays what it is.
        if (unreadable)
        {
            Assert.DoesNotContain(diagnostics, d => d.Id == "VMDQ0001");
        }
    }

    [Fact]
    public void A_range_error_on_a_line_naming_dispatcher_stays_a_range_error()
    {
        Parse("vlan 4096 -> dispatcher", out var diagnostics);
        var d = Assert.Single(diagnostics);
        Assert.Equal("VMDQ0002", d.Id);
    }

    [Fact]
    public void The_dispatcher_name_and_its_span_are_recorded()
    {
        var doc = Parse("# x\ndispatcher Contoso.Fabric.T  # c");
        Assert.Equal("Contoso.Fabric.T", doc.Dispatcher);
        Assert.Equal("2,12+16@15", S(doc.DispatcherSpan));
    }

    // ---- declarations, field by field ----

    [Fact]
    public void A_nic_statement_records_each_value_and_its_span()
    {
        var doc = Parse("\nnic ring 0x400 pools 8 queues 2");
        Assert.Equal((1024L, "2,10+5@10"), (doc.NicRing!.Value.Value, S(doc.NicRing.Value.Span)));
        Assert.Equal((8L, "2,22+1@22"), (doc.NicPools!.Value.Value, S(doc.NicPools.Value.Span)));
        Assert.Equal((2L, "2,31+1@31"), (doc.NicQueues!.Value.Value, S(doc.NicQueues.Value.Span)));
        Assert.Equal(2, doc.NicLine);
        Assert.False(doc.GeometryInvalid);
    }

    [Theory]
    [InlineData("nic pools 0")]
    [InlineData("nic ring 3")]
    [InlineData("nic")]
    [InlineData("nic pools 8 extra")]
    public void A_broken_nic_statement_marks_the_geometry_invalid_and_records_nothing(string text)
    {
        var doc = Parse(text);
        Assert.True(doc.GeometryInvalid);
        Assert.Null(doc.NicPools);
        Assert.Equal(0, doc.NicLine);
    }

    [Fact]
    public void A_second_nic_statement_does_not_mark_the_first_geometry_invalid_and_is_not_used()
    {
        var doc = Parse("nic pools 8\nnic pools 16");
        Assert.Equal(8L, doc.NicPools!.Value.Value);
        Assert.Equal(1, doc.NicLine);
        Assert.True(doc.GeometryInvalid); // the duplicate statement is dropped like any other broken nic statement
    }

    [Theory]
    [InlineData("pool web 1 rate 1Mbps", 1_000_000L)]
    [InlineData("pool web 1 rate 1.000001Mbps", 1_000_001L)]
    [InlineData("pool web 1 rate 800Mbps", 800_000_000L)]
    [InlineData("pool web 1 rate 2.5Gbps", 2_500_000_000L)]
    [InlineData("pool web 1 rate 0.001Gbps", 1_000_000L)]
    [InlineData("pool web 1 rate 1600Gbps", 1_600_000_000_000L)]
    [InlineData("pool web 1 rate 1600000Mbps", 1_600_000_000_000L)]
    [InlineData("pool web 1 rate 00000000000000000001Mbps", 1_000_000L)]
    [InlineData("pool web 1 rate 1599.999999999Gbps", 1_599_999_999_999L)]
    public void A_rate_is_recorded_in_bits_per_second(string text, long bits)
    {
        var pool = Assert.Single(Parse(text, out var diagnostics).Pools);
        Assert.Empty(diagnostics);
        Assert.Equal(bits, pool.RateBitsPerSecond);
        Assert.Equal("1,17+" + (text.Length - 16) + "@16", S(pool.RateSpan));
    }

    [Theory]
    [InlineData("pool web 1 rate 1600000000000Mbps")]
    [InlineData("pool web 1 rate 1600000000001Mbps")]
    [InlineData("pool web 1 rate 1600000000000.5Gbps")]
    [InlineData("pool web 1 rate 1600.000000001Gbps")]
    [InlineData("pool web 1 rate 0.999999Mbps")]
    [InlineData("pool web 1 rate 0.0009Gbps")]
    [InlineData("pool web 1 rate 99999999999999999999Gbps")]
    [InlineData("pool web 1 rate 999999999999999999.9Gbps")]
    [InlineData("pool web 1 rate 1.0000005Mbps")]
    public void A_rate_out_of_range_or_not_whole_is_a_range_error_not_an_exception(string text)
    {
        var doc = Parse(text, out var diagnostics);
        var d = Assert.Single(diagnostics);
        Assert.Equal("VMDQ0002", d.Id);
        Assert.Equal($"Rate {text.Substring(16)} is out of range: it must be a whole number of bits per second from 1Mbps to 1600Gbps.", d.Message);
        Assert.Empty(doc.Pools);
        Assert.Contains("web", doc.PoisonedPools);
    }

    [Fact]
    public void A_pool_records_every_attribute_and_its_span()
    {
        const string text = "channel c svid 5\npool web 0x2 tenant t queues 2-3 priority 7 bandwidth 40% rss antispoof vlan,mac vlan-insert 4094 rate 1Gbps";
        var pool = Assert.Single(Parse(text, out var diagnostics).Pools);
        Assert.Empty(diagnostics);
        Assert.Equal(("web", 2L, "t", 2L, 3L), (pool.Name, pool.Index, pool.Tenant, pool.Queues!.Lo, pool.Queues.Hi));
        Assert.Equal((7L, 40L, 4094L, 1_000_000_000L), (pool.Priority, pool.BandwidthPercent, pool.VlanInsert, pool.RateBitsPerSecond));
        Assert.Equal((true, true), (pool.AntiSpoof!.Mac, pool.AntiSpoof.Vlan));
        Assert.Equal((2, 1), (pool.Line, pool.Channel));
        Assert.Equal("2,6+3@22", S(pool.NameSpan));
        Assert.Equal("2,10+3@26", S(pool.IndexSpan));
        Assert.Equal("2,21+1@37", S(pool.TenantSpan));
        Assert.Equal("2,30+3@46", S(pool.Queues.Span));
        Assert.Equal("2,43+1@59", S(pool.PrioritySpan));
        Assert.Equal("2,55+3@71", S(pool.BandwidthSpan));
        Assert.Equal("2,59+3@75", S(pool.RssSpan));
        Assert.Equal("2,73+8@89", S(pool.AntiSpoof.Span));
        Assert.Equal("2,94+4@110", S(pool.VlanInsertSpan));
        Assert.Equal("2,104+5@120", S(pool.RateSpan));
    }

    [Theory]
    [InlineData("mac", true, false)]
    [InlineData("vlan", false, true)]
    [InlineData("none", false, false)]
    [InlineData("mac,vlan", true, true)]
    public void Antispoof_turns_on_the_checks_listed(string checks, bool mac, bool vlan)
    {
        var pool = Assert.Single(Parse("pool web 1 antispoof " + checks, out var diagnostics).Pools);
        Assert.Empty(diagnostics);
        Assert.Equal((mac, vlan), (pool.AntiSpoof!.Mac, pool.AntiSpoof.Vlan));
        Assert.Equal($"1,22+{checks.Length}@21", S(pool.AntiSpoof.Span));
    }

    [Theory]
    [InlineData("pool web 1 antispoof mac antispoof vlan x", "VMDQ0001 1,26+9 'antispoof' is given twice in one 'pool' statement. | VMDQ0001 1,41+1 Unknown pool attribute 'x'. Expected 'tenant', 'queues', 'priority', 'bandwidth', 'rss', 'antispoof', 'vlan-insert' or 'rate'.")]
    [InlineData("pool web 1 rate 1Mbps rate 2Mbps x", "VMDQ0001 1,23+4 'rate' is given twice in one 'pool' statement. | VMDQ0001 1,34+1 Unknown pool attribute 'x'. Expected 'tenant', 'queues', 'priority', 'bandwidth', 'rss', 'antispoof', 'vlan-insert' or 'rate'.")]
    [InlineData("pool web 1 colour 5 rss x", "VMDQ0001 1,12+6 Unknown pool attribute 'colour'. Expected 'tenant', 'queues', 'priority', 'bandwidth', 'rss', 'antispoof', 'vlan-insert' or 'rate'. | VMDQ0001 1,25+1 Unknown pool attribute 'x'. Expected 'tenant', 'queues', 'priority', 'bandwidth', 'rss', 'antispoof', 'vlan-insert' or 'rate'.")]
    [InlineData("pool web 1 rss rss rss", "VMDQ0001 1,16+3 'rss' is given twice in one 'pool' statement. | VMDQ0001 1,20+3 'rss' is given twice in one 'pool' statement.")]
    [InlineData("pool web x rate 0Mbps", "VMDQ0001 1,10+1 Expected the pool's index (a decimal or 0x-hex number), found 'x'. | VMDQ0002 1,17+5 Rate 0Mbps is out of range: it must be a whole number of bits per second from 1Mbps to 1600Gbps.")]
    [InlineData("class c tc 1 strict ets 40% tc", "VMDQ0001 1,21+3 A traffic class has one transmission selection algorithm: 'strict' is already given. | VMDQ0001 1,29+2 'tc' is given twice in one 'class' statement. | VMDQ0001 1,31+0 Expected a value after 'tc', but the line ends.")]
    [InlineData("class c tc 1 colour 5 strict", "VMDQ0001 1,14+6 Unknown class attribute 'colour'. Expected 'tc', 'ets', 'strict' or 'priorities'.")]
    [InlineData("class c tc 9 ets 0%", "VMDQ0002 1,12+1 Traffic class 9 is out of range: it must be 0..7. | VMDQ0002 1,18+2 ETS bandwidth share 0 is out of range: it must be 1..100.")]
    [InlineData("class c tc 1 strict priorities 9,3-2", "VMDQ0002 1,32+1 The range 9 of priorities is out of range: priorities must be 0..7. | VMDQ0002 1,34+3 The range 3-2 is empty: 3 is greater than 2.")]
    [InlineData("tenant t vlan 5-4 vni x-1", "VMDQ0002 1,15+3 The range 5-4 is empty: 5 is greater than 4. | VMDQ0001 1,23+3 Expected a range of VNIs (LO-HI), found 'x-1'.")]
    [InlineData("channel c svid 0 foo", "VMDQ0002 1,16+1 S-VID 0 is out of range: it must be 1..4094. | VMDQ0001 1,18+3 Unknown S-channel mode 'foo'. Expected 'veb', 'vepa' or 'vsi'.")]
    public void Every_error_of_one_statement_is_reported_not_only_the_first(string text, string expected) =>
        Assert.Equal(expected, SyntaxEdgeTests.Diagnostics(text, out _));

    [Theory]
    [InlineData("class c tc 3 strict", 3L, true, null, "3-3", "1,12+1@11", "1,14+6@13")]
    [InlineData("class c tc 0x2 ets 40%", 2L, false, 40L, "2-2", "1,12+3@11", "1,20+3@19")]
    [InlineData("class c ets 1% tc 7 priorities 0,2-3,7", 7L, false, 1L, "0-0 2-3 7-7", "1,19+1@18", "1,13+2@12")]
    [InlineData("class c priorities 4-5 strict tc 0", 0L, true, null, "4-5", "1,34+1@33", "1,24+6@23")]
    public void A_class_records_its_number_algorithm_share_and_priorities(string text, long tc, bool strict, long? share, string priorities, string tcSpan, string shareSpan)
    {
        var c = Assert.Single(Parse(text, out var diagnostics).Classes);
        Assert.Empty(diagnostics);
        Assert.Equal(("c", tc, strict, share), (c.Name, c.TrafficClass, c.Strict, c.SharePercent));
        Assert.Equal(priorities, string.Join(" ", c.Priorities.Select(p => $"{p.Lo}-{p.Hi}")));
        Assert.Equal(tcSpan, S(c.TrafficClassSpan));
        Assert.Equal(shareSpan, S(c.ShareSpan));
        Assert.Equal("1,7+1@6", S(c.NameSpan));
        Assert.Equal(1, c.Line);
    }

    [Fact]
    public void A_class_without_priorities_maps_the_priority_of_its_number_at_the_number()
    {
        var c = Assert.Single(Parse("class c tc 5 strict").Classes);
        var p = Assert.Single(c.Priorities);
        Assert.Equal((5L, 5L, "1,12+1@11"), (p.Lo, p.Hi, S(p.Span)));
    }

    [Theory]
    [InlineData("channel a svid 10", 10L, null, null, false)]
    [InlineData("channel a svid 0xA veb", 10L, "Veb", "1,20+3@19", false)]
    [InlineData("channel a svid 4094 vepa", 4094L, "Vepa", "1,21+4@20", false)]
    [InlineData("channel a svid 1 vsi", 1L, "Vsi", "1,18+3@17", false)]
    [InlineData("channel a svid 1 foo", 1L, null, "1,18+3@17", true)]
    [InlineData("channel a svid 4095", 1L, null, null, true)]
    [InlineData("channel a svid 1 veb extra", 1L, "Veb", "1,18+3@17", true)]
    [InlineData("channel a vid 1", 0L, null, null, true)]
    [InlineData("channel drop svid 1", 0L, null, null, true)]
    public void A_channel_is_recorded_even_when_broken(string text, long svid, string? mode, string? modeSpan, bool broken)
    {
        var ch = Assert.Single(Parse(text).Channels);
        Assert.Equal((svid, mode, broken), (ch.Svid, ch.Mode?.ToString(), ch.Broken));
        Assert.Equal(modeSpan ?? "-", S(ch.ModeSpan));
        Assert.Equal(1, ch.Line);
    }

    [Fact]
    public void Statements_after_a_channel_belong_to_its_section_and_default_pool_is_once_per_section()
    {
        const string text = "default-pool 0\npool u 0\nchannel a svid 1\ndefault-pool x\npool p 1\nvlan 5 -> p\nchannel b svid 0\ndefault-pool 2\ndefault-pool 3\nbroadcast -> q";
        var doc = Parse(text, out var diagnostics);
        Assert.Equal("VMDQ0002 7,16+1 | VMDQ0013 9,1+12", string.Join(" | ", diagnostics.Select(d => $"{d.Id} {d.Span.Line},{d.Span.Column}+{d.Span.Length}")));
        Assert.Equal(0L, doc.DefaultPool!.Value.Index);
        Assert.Equal("x", doc.SectionDefaults[1].Name);
        Assert.Equal(2L, doc.SectionDefaults[2].Index);
        Assert.Equal(2, doc.SectionDefaults.Count);
        Assert.Equal(new[] { 0, 1 }, doc.Pools.Select(p => p.Channel));
        Assert.Equal(new[] { 1, 2 }, doc.Rules.Select(r => r.Channel));
        Assert.Equal(new[] { false, true }, doc.Channels.Select(c => c.Broken));
    }

    [Fact]
    public void A_default_pool_in_a_section_does_not_clash_with_the_untagged_one_nor_set_it()
    {
        var doc = Parse("channel a svid 1\ndefault-pool 4\nchannel b svid 2\ndefault-pool web", out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Null(doc.DefaultPool);
        Assert.Equal(4L, doc.SectionDefaults[1].Index);
        Assert.Equal(("web", "4,14+3@62"), (doc.SectionDefaults[2].Name, S(doc.SectionDefaults[2].Span)));
    }

    [Theory]
    [InlineData("switch veb", "Veb", "1,8+3@7")]
    [InlineData("switch vepa", "Vepa", "1,8+4@7")]
    public void Switch_records_its_mode(string text, string mode, string span)
    {
        var doc = Parse(text);
        Assert.Equal((mode, span), (doc.Switch!.Value.Mode.ToString(), S(doc.Switch.Value.Span)));
    }

    [Fact]
    public void The_untagged_channel_statements_record_their_values()
    {
        var doc = Parse("vxlan-port 0x12B5\nprofile x710\ndefault-pool web");
        Assert.Equal((4789L, "1,12+6@11"), (doc.VxlanPort!.Value.Value, S(doc.VxlanPort.Value.Span)));
        Assert.Equal(("x710", "2,9+4@26"), (doc.Profile!.Value.Name, S(doc.Profile.Value.Span)));
        Assert.Equal(((long?)null, "web"), (doc.DefaultPool!.Value.Index, doc.DefaultPool.Value.Name));
    }

    [Theory]
    [InlineData("tenant t vlan 7", 7L, 7L)]
    [InlineData("tenant t vlan 5-5", 5L, 5L)]
    [InlineData("tenant t vlan 0-4095", 0L, 4095L)]
    [InlineData("tenant t vlan 0x10-0x1F", 16L, 31L)]
    [InlineData("tenant t vlan 007-010", 7L, 10L)]
    public void A_tenant_range_is_lo_hi_or_one_value(string text, long lo, long hi)
    {
        var t = Assert.Single(Parse(text).Tenants);
        Assert.Equal((lo, hi, $"1,15+{text.Length - 14}@14"), (t.Vlan!.Lo, t.Vlan.Hi, S(t.Vlan.Span)));
    }

    [Fact]
    public void A_tenant_records_each_range()
    {
        var t = Assert.Single(Parse("tenant t svid 2-3 vsid 4-5 vni 6-7 vlan 8-9").Tenants);
        Assert.Equal("t 8-9 6-7 4-5 2-3", $"{t.Name} {t.Vlan!.Lo}-{t.Vlan.Hi} {t.Vni!.Lo}-{t.Vni.Hi} {t.Vsid!.Lo}-{t.Vsid.Hi} {t.Svid!.Lo}-{t.Svid.Hi}");
    }

    [Theory]
    [InlineData("tenant t vlan x")]
    [InlineData("tenant t vlan 1 color 2")]
    public void A_broken_tenant_is_poisoned_not_recorded(string text)
    {
        var doc = Parse(text);
        Assert.Empty(doc.Tenants);
        Assert.Contains("t", doc.PoisonedTenants);
    }

    // ---- rules and targets ----

    [Theory]
    [InlineData("mac 00:1b:21:0a:0b:01 -> web", "Mac", 0x001b210a0b01UL, 0u, "1,5+17@4", "-")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 0xFFF -> web", "MacVlan", 0x001b210a0b01UL, 4095u, "1,5+17@4", "1,28+5@27")]
    [InlineData("vlan 0 -> web", "Vlan", 0UL, 0u, "-", "1,6+1@5")]
    [InlineData("vxlan 0xFFFFFF -> web", "Vxlan", 0UL, 0xFFFFFFu, "-", "1,7+8@6")]
    [InlineData("nvgre 16777215 inner 02:00:00:00:00:01 -> web", "NvgreInner", 0x020000000001UL, 16777215u, "1,22+17@21", "1,7+8@6")]
    [InlineData("vxlan 1 inner 02:00:00:00:00:01 -> web", "VxlanInner", 0x020000000001UL, 1u, "1,15+17@14", "1,7+1@6")]
    [InlineData("nvgre 9 -> web", "Nvgre", 0UL, 9u, "-", "1,7+1@6")]
    [InlineData("broadcast -> web", "Broadcast", 0UL, 0u, "-", "-")]
    [InlineData("multicast -> web", "Multicast", 0UL, 0u, "-", "-")]
    public void A_rule_records_its_match_and_spans(string text, string kind, ulong mac, uint id, string macSpan, string idSpan)
    {
        var rule = Assert.Single(Parse(text).Rules);
        Assert.Equal((kind, mac, id), (rule.Match.Kind.ToString(), rule.Match.Mac, rule.Match.Id));
        Assert.Equal((macSpan, idSpan), (S(rule.MacSpan), S(rule.IdSpan)));
        Assert.Equal(0, text.IndexOf(text.Substring(rule.KindSpan.Start, rule.KindSpan.Length), System.StringComparison.Ordinal));
        Assert.Equal(1, rule.KindSpan.Column);
    }

    [Theory]
    [InlineData("vlan 5 -> drop", true, "", null, "-", "1,11+4@10")]
    [InlineData("vlan 5 -> web", false, "web@1,11+3@10", null, "-", "1,11+3@10")]
    [InlineData("vlan 5 -> web:0", false, "web@1,11+3@10", 0L, "1,15+1@14", "1,11+5@10")]
    [InlineData("vlan 5 -> web:0x0F", false, "web@1,11+3@10", 15L, "1,15+4@14", "1,11+8@10")]
    [InlineData("vlan 5 -> web:007", false, "web@1,11+3@10", 7L, "1,15+3@14", "1,11+7@10")]
    [InlineData("broadcast -> a, b,c", false, "a@1,14+1@13 b@1,17+1@16 c@1,19+1@18", null, "-", "1,14+6@13")]
    [InlineData("multicast -> a  # c", false, "a@1,14+1@13", null, "-", "1,14+1@13")]
    public void A_target_records_its_pools_queue_and_span(string text, bool drop, string pools, long? queue, string queueSpan, string span)
    {
        var t = Assert.Single(Parse(text).Rules).Target;
        Assert.Equal((drop, pools, queue), (t.IsDrop, Refs(t.Pools), t.Queue));
        Assert.Equal((queueSpan, span), (S(t.QueueSpan), S(t.Span)));
    }

    // ---- lexer ----

    [Theory]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(64)]
    public void Lines_of_any_token_count_are_read_whole_even_after_shorter_and_longer_ones(int tokens)
    {
        // "broadcast -> p1, p2, ..." has 3 + 2(n - 1) tokens; a final word makes an even count.
        int pools = (tokens - 1) / 2;
        string line = "broadcast -> " + string.Join(", ", Enumerable.Range(1, pools).Select(i => "p" + i)) + (tokens % 2 == 0 ? " x" : string.Empty);
        Assert.Equal(tokens, Lexer.Tokenize(line).Single().Length);
        var doc = Parse("vlan 1 -> a\n" + line + "\n" + line + "\nvlan 2 -> b", out var diagnostics);
        Assert.Equal(tokens % 2 == 0 ? 2 : 0, diagnostics.Count);
        Assert.Equal(tokens % 2 == 0 ? 2 : 4, doc.Rules.Count);
        Assert.Equal(new[] { 1, 4 }, doc.Rules.Where(r => r.Match.Kind == MatchKind.Vlan).Select(r => r.Line));
    }

    [Fact]
    public void Hundreds_of_distinct_names_each_read_back_as_written()
    {
        // More spellings than the name table's first size (it grows at half full); each keeps its own string.
        var sb = new StringBuilder();
        for (int i = 0; i < 600; i++)
        {
            sb.Append("pool pool").Append(i).Append(' ').Append(i % 512).Append("\nvlan ").Append(i).Append(" -> pool").Append(i).Append('\n');
        }

        var doc = Parse(sb.ToString(), out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => "pool" + i), doc.Pools.Select(p => p.Name));
        Assert.Equal(Enumerable.Range(0, 600).Select(i => "pool" + i), doc.Rules.Select(r => r.Target.Pools[0].Name));
        Assert.Same(doc.Pools[599].Name, doc.Rules[599].Target.Pools[0].Name);
    }

    [Theory]
    [InlineData("vlan 5 -> web", 3, 10, 3, "web")]
    [InlineData("vlan 5 -> web", 3, 10, 4, "")]
    [InlineData("vlan 5 -> web", 3, 13, 0, "")]
    [InlineData("vlan 5 -> web", 3, 14, 0, "")]
    [InlineData("vlan 5 -> web", 3, 0, 13, "vlan 5 -> web")]
    [InlineData("vlan 5 -> web", 3, -1, 1, "")]
    [InlineData("vlan 5 -> web", 3, 1, -1, "")]
    [InlineData("", 3, 0, 0, "")]
    public void Spelling_reads_a_span_up_to_the_very_end_and_nothing_outside_the_text(string text, int line, int start, int length, string expected)
    {
        var doc = Parse(text);
        Assert.Equal(expected, doc.Spelling(new SourceSpan(start, length, line, start + 1)));
    }

    [Fact]
    public void The_last_token_of_a_file_without_a_final_break_has_its_full_span()
    {
        var doc = Parse("pool web 1\nvlan 5 -> web", out var diagnostics);
        Assert.Empty(diagnostics);
        var target = doc.Rules.Single().Target;
        Assert.Equal("web", doc.Spelling(target.Span));
        Assert.Equal(doc.Text.Length, target.Span.End);
    }

    [Theory]
    [InlineData("vlan 5 -> web\n\n", 3)]
    [InlineData("vlan 5 -> web\r\n\r\n", 3)]
    [InlineData("vlan 5 -> web\r\r", 3)]
    [InlineData("vlan 5 -> web", 1)]
    public void Lines_after_the_last_rule_are_counted_to_the_end(string text, int lines) =>
        Assert.Equal(lines, Lexer.SplitLines(text).Count);

    // ---- echoed tokens ----

    [Theory]
    [InlineData(40, false)]
    [InlineData(41, true)]
    [InlineData(5000, true)]
    public void An_echoed_token_is_cut_to_forty_characters_with_an_ellipsis(int length, bool cut)
    {
        string word = "a" + new string('9', length - 1);
        Parse("vlan 5 -> web " + word, out var diagnostics);
        var d = Assert.Single(diagnostics);
        string shown = cut ? word.Substring(0, 40) + "…" : word;
        Assert.Equal($"Unexpected '{shown}' after the end of the statement.", d.Message);
        Assert.Equal(length, d.Span.Length);
    }

    [Fact]
    public void A_control_character_in_an_echoed_token_is_escaped()
    {
        // The compiler refuses such text first (VMDQ0019); the parser alone still never echoes a raw control character.
        Parse("vlan a\u0001b -> web", out var diagnostics);
        var d = Assert.Single(diagnostics);
        Assert.Equal("Expected VLAN ID (a decimal or 0x-hex number), found 'a\\u0001b'.", d.Message);
        Assert.Equal((6, 3), (d.Span.Column, d.Span.Length));
    }

    [Fact]
    public void A_range_out_of_range_echoes_its_value_in_the_spelling_of_the_file()
    {
        Parse("nic pools 0x200 queues 0x11", out var diagnostics);
        var d = Assert.Single(diagnostics);
        Assert.Equal("Queues per pool 0x11 is out of range: it must be 1..16.", d.Message);
    }
}
