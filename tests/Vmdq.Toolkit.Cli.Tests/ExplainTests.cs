using System;
using System.Linq;
using System.Text.Json;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>
/// <c>vmdq explain --frame</c> on one rules file with a rule of every kind, and frames built to hit each: the
/// deciding line and the losing lines, in precedence order.
/// </summary>
public sealed class ExplainTests : IDisposable
{
    /// <summary>One rule of every kind; the comments give each rule's line.</summary>
    internal const string Rules = """
        nic pools 8 queues 4
        default-pool 0
        pool host 0
        pool web 1
        pool db 2
        pool store 3
        mac 00:1b:21:0a:0b:01 -> web                  # 7
        vlan 150 -> db                                # 8
        mac 00:1b:21:0a:0b:01 vlan 150 -> store       # 9
        vxlan 5001 -> web                             # 10
        vxlan 5001 inner 52:54:00:12:34:56 -> db:2    # 11
        nvgre 70001 -> store                          # 12
        nvgre 70001 inner 52:54:00:12:34:57 -> web:1  # 13
        broadcast -> host, web                        # 14
        multicast -> db                               # 15
        mac 00:1b:21:0a:0b:66 -> drop                 # 16

        """;

    private const string Host = "00:1b:21:0a:0b:01";
    private const string Other = "02:00:00:00:00:99";

    private readonly CliRunner _cli = new();
    private readonly string _rules;

    public ExplainTests()
    {
        _rules = _cli.Write("rules.vmdq", Rules);
    }

    public void Dispose() => _cli.Dispose();

    internal static string Hex(byte[] frame) => Convert.ToHexString(frame);

    private JsonElement Explain(byte[] frame)
    {
        var run = CliRunner.Run("explain", _rules, "--frame", Hex(frame), "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.Clone();
    }

    private static int[] Losers(JsonElement e) => e.GetProperty("alsoMatched").EnumerateArray().Select(l => l.GetProperty("line").GetInt32()).ToArray();

    private static int Winner(JsonElement e) => e.GetProperty("verdict").GetProperty("line").GetInt32();

    private static byte[] Vxlan(string dst, string inner, params (int Tpid, int Vid)[] tags) =>
        Frames.Ethernet(dst, 0x0800, Frames.Vxlan(5001, Frames.Inner(inner)), tags);

    [Fact]
    public void Vxlan_inner_wins_over_every_other_matching_rule_which_are_listed_by_precedence()
    {
        var e = Explain(Vxlan(Host, "52:54:00:12:34:56", (0x8100, 150)));

        Assert.Equal(11, Winner(e));
        Assert.Equal("vxlanInner", e.GetProperty("verdict").GetProperty("kind").GetString());
        Assert.Equal("vxlan 5001 inner 52:54:00:12:34:56 -> db:2", e.GetProperty("verdict").GetProperty("rule").GetString());
        Assert.Equal("db", e.GetProperty("verdict").GetProperty("poolName").GetString());
        Assert.Equal(2, e.GetProperty("verdict").GetProperty("queue").GetInt32());
        // vxlan VNI (2), mac+vlan (5), mac (6), vlan (7).
        Assert.Equal([10, 9, 7, 8], Losers(e));
        var mac = e.GetProperty("alsoMatched")[2];
        Assert.Equal("mac", mac.GetProperty("kind").GetString());
        Assert.Equal("web", mac.GetProperty("poolName").GetString());
        Assert.Equal(
            "mac MAC rule at line 7 matched, but vxlan VNI inner MAC at line 11 has higher precedence (1 before 6)",
            mac.GetProperty("reason").GetString());
    }

    [Fact]
    public void Vxlan_without_its_inner_mac_decides_by_the_vni_rule()
    {
        var e = Explain(Vxlan(Host, "52:54:00:00:00:01"));

        Assert.Equal(10, Winner(e));
        Assert.Equal([7], Losers(e));
    }

    [Fact]
    public void Nvgre_inner_then_nvgre_then_the_outer_mac()
    {
        var inner = Explain(Frames.Ethernet(Host, 0x0800, Frames.Nvgre(70001, Frames.Inner("52:54:00:12:34:57"), flowId: 7)));
        Assert.Equal(13, Winner(inner));
        Assert.Equal([12, 7], Losers(inner));
        var fields = inner.GetProperty("fields");
        Assert.Equal("nvgre", fields.GetProperty("tunnel").GetString());
        Assert.Equal(70001, fields.GetProperty("vsid").GetInt32());
        Assert.Equal(7, fields.GetProperty("flowId").GetInt32());
        Assert.Equal(JsonValueKind.Null, fields.GetProperty("vni").ValueKind);

        var outer = Explain(Frames.Ethernet(Other, 0x0800, Frames.Nvgre(70001, Frames.Inner(Other))));
        Assert.Equal(12, Winner(outer));
        Assert.Empty(Losers(outer));
    }

    [Fact]
    public void Mac_vlan_beats_mac_and_vlan()
    {
        var e = Explain(Frames.Ethernet(Host, 0x0800, tags: (0x8100, 150)));

        Assert.Equal(9, Winner(e));
        Assert.Equal([7, 8], Losers(e));
        Assert.Equal("store", e.GetProperty("verdict").GetProperty("poolName").GetString());
    }

    [Fact]
    public void Mac_alone_and_vlan_alone()
    {
        var mac = Explain(Frames.Ethernet(Host, 0x0800));
        Assert.Equal(7, Winner(mac));
        Assert.Empty(Losers(mac));

        var vlan = Explain(Frames.Ethernet(Other, 0x0800, tags: (0x8100, 150)));
        Assert.Equal(8, Winner(vlan));
        Assert.Equal(150, vlan.GetProperty("fields").GetProperty("cvid").GetInt32());
        Assert.Equal(JsonValueKind.Null, vlan.GetProperty("fields").GetProperty("svid").ValueKind);
    }

    [Fact]
    public void Broadcast_replicates_and_loses_to_a_vlan_rule()
    {
        var plain = Explain(Frames.Ethernet("ff:ff:ff:ff:ff:ff", 0x0806));
        Assert.Equal(14, Winner(plain));
        Assert.Equal(new[] { "host", "web" }, plain.GetProperty("verdict").GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("poolName").GetString()!).ToArray());

        var tagged = Explain(Frames.Ethernet("ff:ff:ff:ff:ff:ff", 0x0806, tags: (0x8100, 150)));
        Assert.Equal(8, Winner(tagged));
        Assert.Equal([14], Losers(tagged));
        Assert.Empty(tagged.GetProperty("verdict").GetProperty("replicas").EnumerateArray());
    }

    [Fact]
    public void Multicast_decides_with_its_replica()
    {
        var e = Explain(Frames.Ethernet("01:00:5e:00:00:01", 0x0800));

        Assert.Equal(15, Winner(e));
        Assert.Equal("multicast", e.GetProperty("verdict").GetProperty("kind").GetString());
        Assert.Equal([2], e.GetProperty("verdict").GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("pool").GetInt32()).ToArray());
    }

    [Fact]
    public void A_drop_rule_has_no_pool_or_queue()
    {
        var verdict = Explain(Frames.Ethernet("00:1b:21:0a:0b:66", 0x0800)).GetProperty("verdict");

        Assert.True(verdict.GetProperty("drop").GetBoolean());
        Assert.Equal(16, verdict.GetProperty("line").GetInt32());
        Assert.Equal(JsonValueKind.Null, verdict.GetProperty("pool").ValueKind);
        Assert.Equal(JsonValueKind.Null, verdict.GetProperty("queue").ValueKind);
    }

    [Fact]
    public void No_match_is_the_default_pool_with_line_0()
    {
        var e = Explain(Frames.Ethernet(Other, 0x0800));

        var verdict = e.GetProperty("verdict");
        Assert.True(verdict.GetProperty("default").GetBoolean());
        Assert.Equal(0, verdict.GetProperty("line").GetInt32());
        Assert.Equal("host", verdict.GetProperty("poolName").GetString());
        Assert.Equal(JsonValueKind.Null, verdict.GetProperty("rule").ValueKind);
    }

    [Fact]
    public void A_runt_gets_the_default_pool_and_says_it_is_too_short_for_a_mac()
    {
        var e = Explain(Frames.Mac(Host)[..5]);

        Assert.True(e.GetProperty("verdict").GetProperty("default").GetBoolean());
        Assert.Equal(5, e.GetProperty("length").GetInt32());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("fields").GetProperty("dst").ValueKind);
        Assert.Contains(e.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("frame too short for a destination MAC", StringComparison.Ordinal));
    }

    [Fact]
    public void A_frame_shorter_than_an_ethernet_header_still_matches_on_its_mac()
    {
        var e = Explain(Frames.Ethernet(Host, 0x0800, tags: (0x8100, 150))[..13]);

        Assert.Equal(7, Winner(e));
        Assert.Contains(e.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("frame too short for an Ethernet header", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tag_cut_before_its_tci_is_not_read_and_the_note_says_so()
    {
        var e = Explain(Frames.Ethernet(Other, 0x0800, tags: (0x8100, 150))[..15]);

        Assert.True(e.GetProperty("verdict").GetProperty("default").GetBoolean());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("fields").GetProperty("cvid").ValueKind);
        Assert.Contains(e.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("frame too short for the VLAN tag at offset 12", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tunnel_cut_before_its_inner_mac_decides_by_the_vni_and_says_why_inner_rules_cannot_match()
    {
        byte[] full = Vxlan(Other, "52:54:00:12:34:56");
        // Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8: keep the VXLAN header and 3 bytes of the inner frame.
        var e = Explain(full[..53]);

        Assert.Equal(10, Winner(e));
        Assert.Equal(5001, e.GetProperty("fields").GetProperty("vni").GetInt32());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("fields").GetProperty("innerDst").ValueKind);
        Assert.Contains(e.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("inner destination MAC", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_names_the_fields_the_deciding_rule_and_why_each_loser_lost_without_escape_codes()
    {
        byte[] frame = Vxlan(Host, "52:54:00:12:34:56", (0x8100, 150));
        // Hex as tcpdump -xx or Wireshark copy it: spaced or colon-separated bytes.
        string spaced = string.Join(" ", frame.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

        var run = CliRunner.Run("explain", _rules, "--frame", spaced);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Stdout);
        string[] lines = run.Stdout.Split('\n');
        Assert.Equal($"frame 0: {frame.Length} bytes", lines[0]);
        Assert.Contains("  dst           00:1b:21:0a:0b:01", lines);
        Assert.Contains("  c-vlan        150", lines);
        Assert.Contains("  tunnel        vxlan, vni 5001 (0x001389)", lines);
        Assert.Contains("  inner dst     52:54:00:12:34:56", lines);
        Assert.Contains("  verdict       pool db (2), queue 2", lines);
        Assert.Contains("  decided by    line 11: vxlan 5001 inner 52:54:00:12:34:56 -> db:2", lines);
        Assert.Contains("  also matched  line 10: vxlan 5001 -> web", lines);
        Assert.Contains("                  lost to line 11: vxlan VNI inner MAC (precedence 1) comes before mac MAC (6)", lines);
        // No field the frame lacks is shown.
        Assert.DoesNotContain(lines, l => l.StartsWith("  s-vlan", StringComparison.Ordinal) || l.StartsWith("  inner vlan", StringComparison.Ordinal));
    }

    [Fact]
    public void Colon_separated_hex_with_a_0x_prefix_is_the_same_frame()
    {
        byte[] frame = Frames.Ethernet(Host, 0x0800);
        string colons = "0x" + string.Join(":", frame.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

        var run = CliRunner.Run("explain", _rules, "--frame", colons, "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Explain(frame).GetRawText(), JsonDocument.Parse(run.Stdout).RootElement.GetRawText());
    }
}
