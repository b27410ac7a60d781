using System;
using System.Linq;
using System.IO;
using System.Text.Json;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>Rules files for the export tests.</summary>
internal static class ExportFiles
{
    /// <summary>Every rule kind, a drop, a replicated broadcast and an explicit queue (8 queues per pool... 4 here).</summary>
    public const string AllKinds = """
        nic pools 8 queues 4 ring 1024
        tenant blue vlan 100-199 vni 5000-5999 vsid 70000-70999
        pool web      1  tenant blue
        pool storage  2  tenant blue
        pool db       3  queues 2-3

        mac   00:1b:21:0a:0b:01                      -> web
        mac   00:1b:21:0a:0b:02  vlan 150            -> storage   # storage VLAN
        vlan  250                                    -> db
        vxlan 5001                                   -> web
        vxlan 5002  inner 52:54:00:12:34:56          -> web:2
        nvgre 70001                                  -> storage
        nvgre 70002 inner 52:54:00:12:34:57          -> storage
        mac   00:1b:21:0a:0b:66                      -> drop
        broadcast                                    -> web, storage
        multicast                                    -> db

        """;

    /// <summary>Only rules every command target but ip can express: MACs, MAC+VLAN, VLAN, drop, broadcast to one pool, multicast.</summary>
    public const string L2 = """
        nic pools 8 queues 4
        pool web 1
        pool db  3 queues 2-3
        default-pool 1
        mac 00:1b:21:0a:0b:01 -> web
        mac 00:1b:21:0a:0b:02 vlan 150 -> db:3
        vlan 250 -> db
        mac 00:1b:21:0a:0b:66 -> drop
        broadcast -> web
        multicast -> db

        """;

    /// <summary>What ip can express: one MAC (or MAC and VLAN) per pool.</summary>
    /// <summary>Pools with transmit attributes, for the ip target's VF settings (lines 1-11).</summary>
    public const string Transmit = """
        switch vepa
        tenant blue vlan 100-199
        pool web 1 tenant blue antispoof mac,vlan
        pool open 2 antispoof none rate 800Mbps
        pool guest 3 tenant blue vlan-insert 160 priority 3
        pool backup 4 rate 2.5Gbps priority 2 bandwidth 40%
        mac 00:1b:21:0a:0b:01 -> web
        mac 00:1b:21:0a:0b:02 -> open
        mac 52:54:00:00:05:01 -> guest
        mac 52:54:00:00:05:04 -> backup

        """;

    public const string Vfs = """
        pool web 1
        pool db 3
        mac 00:1b:21:0a:0b:01 -> web
        mac 00:1b:21:0a:0b:02 vlan 150 -> db

        """;
}

public sealed class ExportTests
{
    /// <summary>Stdout's lines that are commands (not comments, not blank).</summary>
    private static string[] Commands(CliRun run) => run.Lines.Where(l => !l.StartsWith('#')).ToArray();

    /// <summary>Stdout's lines, blank ones dropped, as written.</summary>
    private static string[] Script(CliRun run) => run.Lines;

    [Fact]
    public void Tc_writes_one_flower_filter_per_rule_in_precedence_order_with_queue_mapping_and_skip_sw()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.L2);

        var run = CliRunner.Run("export", file, "--to", "tc", "--dev", "ens1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "tc qdisc add dev ens1 clsact",
                "tc filter add dev ens1 ingress protocol 802.1Q prio 5 flower skip_sw dst_mac 00:1b:21:0a:0b:02 vlan_id 150 action skbedit queue_mapping 15",
                "tc filter add dev ens1 ingress protocol all prio 6 flower skip_sw dst_mac 00:1b:21:0a:0b:01 action skbedit queue_mapping 4",
                "tc filter add dev ens1 ingress protocol all prio 6 flower skip_sw dst_mac 00:1b:21:0a:0b:66 action drop",
                "tc filter add dev ens1 ingress protocol 802.1Q prio 7 flower skip_sw vlan_id 250 action skbedit queue_mapping 14",
                "tc filter add dev ens1 ingress protocol all prio 8 flower skip_sw dst_mac ff:ff:ff:ff:ff:ff action skbedit queue_mapping 4",
                "tc filter add dev ens1 ingress protocol all prio 9 flower skip_sw dst_mac 01:00:00:00:00:00/01:00:00:00:00:00 action skbedit queue_mapping 14",
            ],
            Commands(run));
        Assert.DoesNotContain("VMDQ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("exported to tc: 7 commands.", run.Stderr);
    }

    [Fact]
    public void Every_command_follows_the_annotation_of_its_source_line()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.L2);
        string[] source = ExportFiles.L2.Split('\n');

        foreach (string target in new[] { "tc", "ethtool", "testpmd" })
        {
            var run = CliRunner.Run("export", file, "--to", target);
            Assert.Equal(0, run.ExitCode);
            string[] lines = Script(run);
            int firstRule = Array.FindIndex(lines, l => l.StartsWith($"# {file}:", StringComparison.Ordinal));
            Assert.True(firstRule > 0, target);
            string? annotation = null;
            int annotated = 0;
            foreach (string line in lines.Skip(firstRule))
            {
                if (line.StartsWith('#'))
                {
                    annotation = line;
                    continue;
                }

                // '# FILE:LINE: rule as written (spaces collapsed, comment dropped)'
                Assert.NotNull(annotation);
                string rest = annotation![($"# {file}:").Length..];
                int colon = rest.IndexOf(':', StringComparison.Ordinal);
                int lineNumber = int.Parse(rest[..colon], System.Globalization.CultureInfo.InvariantCulture);
                string written = string.Join(' ', source[lineNumber - 1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith(written, rest[(colon + 2)..], StringComparison.Ordinal);
                annotated++;
            }

            Assert.Equal(Commands(run).Length - (target == "testpmd" ? 0 : 1), annotated);
        }
    }

    [Fact]
    public void Annotations_name_the_line_and_the_rule_as_written_without_its_comment()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.AllKinds);

        var run = CliRunner.Run("export", file, "--to", "testpmd");

        Assert.Equal(1, run.ExitCode); // the replicated broadcast
        run = CliRunner.Run("export", file, "--to", "testpmd", "--allow-partial");
        string[] lines = Script(run);
        int at = Array.IndexOf(lines, $"# {file}:8: mac 00:1b:21:0a:0b:02 vlan 150 -> storage");
        Assert.True(at >= 0, run.Stdout);
        Assert.Equal("flow create 0 priority 4 ingress pattern eth dst is 00:1b:21:0a:0b:02 / vlan vid is 150 / end actions queue index 8 / end", lines[at + 1]);
    }

    [Fact]
    public void Annotations_count_lines_as_the_diagnostics_do_when_a_lone_CR_ends_a_line()
    {
        // Found with the rules fuzz harness (the runtime engine had the same line counting): the lexer ends a line at
        // LF, CR or CRLF, so the vlan rule below is on line 4 and its annotation must show it, not line 3's text.
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", "pool web 1\rpool db 3\r\nmac 00:1b:21:0a:0b:01 -> web\rvlan 250 -> db\n");

        var run = CliRunner.Run("export", file, "--to", "testpmd");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"# {file}:3: mac 00:1b:21:0a:0b:01 -> web", run.Lines);
        Assert.Contains($"# {file}:4: vlan 250 -> db", run.Lines);
    }

    [Fact]
    public void Testpmd_writes_flows_with_priorities_and_device_queues_and_two_flows_per_tunnel_rule()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.AllKinds);

        var run = CliRunner.Run("export", file, "--to", "testpmd", "--dev", "1", "--allow-partial");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "flow create 1 priority 0 ingress pattern eth / ipv4 / udp dst is 4789 / vxlan vni is 5002 / eth dst is 52:54:00:12:34:56 / end actions queue index 6 / end",
                "flow create 1 priority 0 ingress pattern eth / ipv6 / udp dst is 4789 / vxlan vni is 5002 / eth dst is 52:54:00:12:34:56 / end actions queue index 6 / end",
                "flow create 1 priority 1 ingress pattern eth / ipv4 / udp dst is 4789 / vxlan vni is 5001 / end actions queue index 4 / end",
                "flow create 1 priority 1 ingress pattern eth / ipv6 / udp dst is 4789 / vxlan vni is 5001 / end actions queue index 4 / end",
                "flow create 1 priority 2 ingress pattern eth / ipv4 / nvgre tni is 70002 / eth dst is 52:54:00:12:34:57 / end actions queue index 8 / end",
                "flow create 1 priority 2 ingress pattern eth / ipv6 / nvgre tni is 70002 / eth dst is 52:54:00:12:34:57 / end actions queue index 8 / end",
                "flow create 1 priority 3 ingress pattern eth / ipv4 / nvgre tni is 70001 / end actions queue index 8 / end",
                "flow create 1 priority 3 ingress pattern eth / ipv6 / nvgre tni is 70001 / end actions queue index 8 / end",
                "flow create 1 priority 4 ingress pattern eth dst is 00:1b:21:0a:0b:02 / vlan vid is 150 / end actions queue index 8 / end",
                "flow create 1 priority 5 ingress pattern eth dst is 00:1b:21:0a:0b:01 / end actions queue index 4 / end",
                "flow create 1 priority 5 ingress pattern eth dst is 00:1b:21:0a:0b:66 / end actions drop / end",
                "flow create 1 priority 6 ingress pattern eth / vlan vid is 250 / end actions queue index 14 / end",
                // No broadcast rule was exported (it replicates): broadcast frames must not fall into the multicast flow.
                "flow create 1 priority 7 ingress pattern eth dst is ff:ff:ff:ff:ff:ff / end actions queue index 0 / end",
                "flow create 1 priority 8 ingress pattern eth dst spec 01:00:00:00:00:00 dst mask 01:00:00:00:00:00 / end actions queue index 14 / end",
            ],
            Commands(run));
        Assert.Contains($"# {file}:16: multicast -> db (broadcast is not multicast: broadcast frames go to the default pool, pool 0 queue 0)", run.Lines);
        Assert.Contains($"{file}(15,1): warning VMDQ0102: 'broadcast -> web, storage' cannot be exported to testpmd", run.Stderr);
    }

    [Fact]
    public void Ethtool_numbers_locations_in_precedence_order_and_masks_vlan_priority_bits()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.L2);

        var run = CliRunner.Run("export", file, "--to", "ethtool", "--dev", "ens1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "ethtool -K ens1 ntuple on",
                "ethtool -N ens1 flow-type ether dst 00:1b:21:0a:0b:02 vlan 150 m 0xf000 action 15 loc 0",
                "ethtool -N ens1 flow-type ether dst 00:1b:21:0a:0b:01 action 4 loc 1",
                "ethtool -N ens1 flow-type ether dst 00:1b:21:0a:0b:66 action -1 loc 2",
                "ethtool -N ens1 flow-type ether vlan 250 m 0xf000 action 14 loc 3",
                "ethtool -N ens1 flow-type ether dst ff:ff:ff:ff:ff:ff action 4 loc 4",
                "ethtool -N ens1 flow-type ether dst 01:00:00:00:00:00 m fe:ff:ff:ff:ff:ff action 14 loc 5",
            ],
            Commands(run));
    }

    [Fact]
    public void Ip_gives_each_pool_a_vf_with_its_mac_and_vlan()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.Vfs);

        var run = CliRunner.Run("export", file, "--to", "ip", "--dev", "ens1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "ip link set dev ens1 vf 3 mac 00:1b:21:0a:0b:02 vlan 150",
                "ip link set dev ens1 vf 1 mac 00:1b:21:0a:0b:01",
            ],
            Commands(run));
        Assert.Contains($"# {file}:3: mac 00:1b:21:0a:0b:01 -> web", run.Lines);
    }

    [Fact]
    public void Ip_sets_each_pool_vf_s_spoofchk_port_vlan_and_rate_and_the_device_s_vepa_mode()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.Transmit);

        var run = CliRunner.Run("export", file, "--to", "ip", "--dev", "ens1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "bridge link set dev ens1 hwmode vepa",
                "ip link set dev ens1 vf 1 mac 00:1b:21:0a:0b:01",
                "ip link set dev ens1 vf 2 mac 00:1b:21:0a:0b:02",
                "ip link set dev ens1 vf 3 mac 52:54:00:00:05:01",
                "ip link set dev ens1 vf 4 mac 52:54:00:00:05:04",
                "ip link set dev ens1 vf 1 spoofchk on",
                "ip link set dev ens1 vf 2 spoofchk off",
                "ip link set dev ens1 vf 2 max_tx_rate 800",
                "ip link set dev ens1 vf 3 vlan 160 qos 3",
                "ip link set dev ens1 vf 4 max_tx_rate 2500",
            ],
            Commands(run));
        Assert.Contains($"# {file}:5: pool guest 3 tenant blue vlan-insert 160 priority 3", run.Lines);
        // What ip link cannot set is said, not dropped: backup's priority without a port VLAN, bandwidth, and the pools that
        // keep the driver's spoofchk default.
        string header = Assert.Single(run.Lines, l => l.StartsWith("# Not set here: ", StringComparison.Ordinal));
        Assert.Contains("'priority' without 'vlan-insert'", header, StringComparison.Ordinal);
        Assert.Contains("'bandwidth'", header, StringComparison.Ordinal);
        Assert.Contains("spoofchk for the pools without 'antispoof'", header, StringComparison.Ordinal);
        Assert.Contains("10 commands.", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Ip_reports_pool_attributes_a_vf_cannot_have_and_writes_the_rest_with_allow_partial()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq",
            "pool web 1 antispoof mac rate 1.5Mbps\npool db 2 vlan-insert 160\nmac 00:1b:21:0a:0b:01 -> web\nmac 00:1b:21:0a:0b:02 vlan 150 -> db\n");

        var strict = CliRunner.Run("export", file, "--to", "ip");
        var partial = CliRunner.Run("export", file, "--to", "ip", "--allow-partial");

        Assert.Equal(1, strict.ExitCode);
        Assert.Contains($"{file}(1,1): error VMDQ0106: 'pool web 1 antispoof mac rate 1.5Mbps' cannot be exported to ip exactly: it checks only the source MAC, and ip link's spoofchk turns on the MAC and the VLAN check together (so VF 1 also drops frames on a VLAN that is not its own); its rate, 1500000 b/s, is not a whole number of Mb/s, the unit of max_tx_rate (set to 1 Mb/s).", strict.Stderr);
        Assert.Contains($"{file}(2,1): error VMDQ0106: 'pool db 2 vlan-insert 160' cannot be exported to ip exactly: its 'vlan-insert 160' would be the port VLAN of VF 2, which 'mac 00:1b:21:0a:0b:02 vlan 150 -> db' on line 4 sets to 150; a VF has one.", strict.Stderr);
        Assert.Contains("2 pools of", strict.Stderr, StringComparison.Ordinal);
        Assert.Empty(Commands(strict));

        Assert.Equal(0, partial.ExitCode);
        Assert.Equal(
            [
                "ip link set dev eth0 vf 2 mac 00:1b:21:0a:0b:02 vlan 150",
                "ip link set dev eth0 vf 1 mac 00:1b:21:0a:0b:01",
                "ip link set dev eth0 vf 1 spoofchk on",
                "ip link set dev eth0 vf 1 max_tx_rate 1",
            ],
            Commands(partial));
        Assert.Contains("2 pools in part", partial.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tc", new[] { "(12,1): error VMDQ0101", "(13,1): error VMDQ0101", "(15,1): error VMDQ0102" })]
    [InlineData("ethtool", new[] { "(10,1): error VMDQ0101", "(11,1): error VMDQ0101", "(12,1): error VMDQ0101", "(13,1): error VMDQ0101", "(15,1): error VMDQ0102" })]
    [InlineData("testpmd", new[] { "(15,1): error VMDQ0102" })]
    [InlineData("ip", new[]
    {
        "(9,1): error VMDQ0101", "(10,1): error VMDQ0101", "(11,1): error VMDQ0101", "(12,1): error VMDQ0101", "(13,1): error VMDQ0101",
        "(14,1): error VMDQ0103", "(15,1): error VMDQ0101", "(16,1): error VMDQ0101",
    })]
    public void Rules_a_target_cannot_express_are_errors_in_the_checks_format_and_nothing_is_written(string target, string[] expected)
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.AllKinds);

        var run = CliRunner.Run("export", file, "--to", target);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        string[] reported = run.Stderr.Split('\n').Where(l => l.Contains(" VMDQ0", StringComparison.Ordinal)).ToArray();
        Assert.Equal(expected.Select(e => file + e), reported.Select(l => l[..l.IndexOf(": ", l.IndexOf(" VMDQ", StringComparison.Ordinal), StringComparison.Ordinal)]));
        Assert.All(reported, l => Assert.Contains($"cannot be exported to {target}", l));
        Assert.Contains($"cannot be exported to {target} exactly: nothing exported", run.Stderr);
    }

    [Theory]
    [InlineData("tc")]
    [InlineData("ethtool")]
    public void A_file_with_S_channels_exports_nothing_since_no_target_matches_the_S_VID(string target)
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.L2 + "channel san svid 10\npool san 4\nmac 00:1b:21:0a:0b:01 -> san\n");

        var run = CliRunner.Run("export", file, "--to", target);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains($"{file}(5,1): error VMDQ0101: 'mac 00:1b:21:0a:0b:01 -> web' cannot be exported to {target}: it applies only to the untagged channel (frames without an S-tag)", run.Stderr);
        Assert.Contains($"error VMDQ0101: 'mac 00:1b:21:0a:0b:01 -> san' cannot be exported to {target}: it applies only to S-channel 'san' (S-VID 10), and the export does not match S-tags", run.Stderr);
    }

    [Fact]
    public void Allow_partial_makes_them_warnings_leaves_the_rules_out_with_a_comment_and_exits_0()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.AllKinds);

        var run = CliRunner.Run("export", file, "--to", "tc", "--allow-partial");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"{file}(12,1): warning VMDQ0101: 'nvgre 70001 -> storage' cannot be exported to tc:", run.Stderr);
        string[] lines = Script(run);
        int at = Array.IndexOf(lines, $"# {file}:12: nvgre 70001 -> storage");
        Assert.StartsWith("# not exported (VMDQ0101): ", lines[at + 1], StringComparison.Ordinal);
        Assert.StartsWith("#", lines[at + 2], StringComparison.Ordinal); // no command for it
        Assert.DoesNotContain(Commands(run), c => c.Contains("70001", StringComparison.Ordinal));
        Assert.Contains(Commands(run), c => c == "tc filter add dev vxlan0 ingress protocol all prio 1 flower skip_sw enc_key_id 5002 enc_dst_port 4789 dst_mac 52:54:00:12:34:56 action skbedit queue_mapping 6");
        Assert.Contains(Commands(run), c => c == "tc qdisc add dev vxlan0 clsact");
        Assert.Contains("3 rules left out", run.Stderr);
    }

    [Fact]
    public void Ip_reports_a_second_mac_for_a_pool_and_a_queue_it_cannot_pick()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", "nic queues 4\npool web 1\nmac 00:1b:21:0a:0b:01 -> web\nmac 00:1b:21:0a:0b:02 -> web\npool db 2\nmac 00:1b:21:0a:0b:03 -> db:3\n");

        var strict = CliRunner.Run("export", file, "--to", "ip");
        var partial = CliRunner.Run("export", file, "--to", "ip", "--allow-partial");

        Assert.Equal(1, strict.ExitCode);
        Assert.Contains($"{file}(4,1): error VMDQ0104: 'mac 00:1b:21:0a:0b:02 -> web' cannot be exported to ip: pool web is VF 1, which has one MAC and one VLAN, already set by 'mac 00:1b:21:0a:0b:01 -> web' on line 3.", strict.Stderr);
        Assert.Contains($"{file}(6,1): error VMDQ0105: 'mac 00:1b:21:0a:0b:03 -> db:3' cannot be exported to ip exactly", strict.Stderr);
        Assert.Equal(0, partial.ExitCode);
        // VMDQ0105 keeps the command (the frames reach the VF); VMDQ0104 leaves the rule out.
        Assert.Equal(["ip link set dev eth0 vf 1 mac 00:1b:21:0a:0b:01", "ip link set dev eth0 vf 2 mac 00:1b:21:0a:0b:03"], Commands(partial));
        Assert.Contains("# exported in part (VMDQ0105): ", partial.Stdout);
        Assert.Contains("1 rule left out, 1 rule in part", partial.Stderr);
    }

    [Fact]
    public void A_file_with_errors_prints_its_diagnostics_as_check_does_and_exits_1()
    {
        using var cli = new CliRunner();
        string file = cli.Write("broken.vmdq", Files.Broken);

        var run = CliRunner.Run("export", file, "--to", "tc");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains($"{file}(2,26): error VMDQ0003: Pool 'wbe' is not declared (did you mean 'web'?).", run.Stderr);
        Assert.Contains($"{file}(3,6): error VMDQ0002: VLAN ID 5000 is out of range: it must be 0..4095.", run.Stderr);
        Assert.Contains("has 2 errors: nothing exported", run.Stderr);
    }

    [Fact]
    public void The_files_warnings_are_printed_and_do_not_stop_the_export()
    {
        using var cli = new CliRunner();
        string file = cli.Write("warn.vmdq", Files.Unreachable);

        var run = CliRunner.Run("export", file, "--to", "tc");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"{file}(2,6): warning VMDQ0011", run.Stderr);
        Assert.Contains("tc filter add dev eth0 ingress protocol all prio 6 flower skip_sw dst_mac 00:1b:21:0a:0b:01 action skbedit queue_mapping 2", run.Lines);
    }

    [Theory]
    [InlineData("export")]
    [InlineData("export", "FILE")]
    [InlineData("export", "FILE", "--to", "nftables")]
    [InlineData("export", "FILE", "--to", "testpmd", "--dev", "eth0")]
    [InlineData("export", "FILE", "--to", "tc", "--dev", "eth0; reboot")]
    [InlineData("export", "missing.vmdq", "--to", "tc")]
    public void Usage_errors_and_unreadable_files_exit_2(params string[] args)
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.L2);

        var run = CliRunner.Run(args.Select(a => a == "FILE" ? file : a).ToArray());

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.StartsWith("vmdq: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_dumps_geometry_pools_and_every_rule_with_its_line_and_target()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.AllKinds);

        var run = CliRunner.Run("export", file, "--to", "json");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal(file, root.GetProperty("file").GetString());
        Assert.Equal(4, root.GetProperty("nic").GetProperty("queuesPerPool").GetInt32());
        var db = root.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "db");
        Assert.Equal((3, 2, 3, 14, 15), (db.GetProperty("index").GetInt32(), db.GetProperty("firstQueue").GetInt32(), db.GetProperty("lastQueue").GetInt32(),
            db.GetProperty("firstDeviceQueue").GetInt32(), db.GetProperty("lastDeviceQueue").GetInt32()));

        var rules = root.GetProperty("rules").EnumerateArray().ToArray();
        Assert.Equal([11, 10, 13, 12, 8, 7, 14, 9, 15, 16], rules.Select(r => r.GetProperty("line").GetInt32()));
        var inner = rules[0];
        Assert.Equal("vxlan 5002 inner 52:54:00:12:34:56 -> web:2", inner.GetProperty("text").GetString());
        Assert.Equal("vxlan-inner", inner.GetProperty("kind").GetString());
        Assert.Equal(5002, inner.GetProperty("vni").GetInt32());
        Assert.Equal("52:54:00:12:34:56", inner.GetProperty("innerMac").GetString());
        Assert.Equal(("web", 2, 6), (inner.GetProperty("pool").GetString(), inner.GetProperty("queue").GetInt32(), inner.GetProperty("deviceQueue").GetInt32()));
        var drop = rules.Single(r => r.GetProperty("line").GetInt32() == 14);
        Assert.True(drop.GetProperty("drop").GetBoolean());
        Assert.False(drop.TryGetProperty("pool", out _));
        var broadcast = rules.Single(r => r.GetProperty("kind").GetString() == "broadcast");
        Assert.Equal(["web", "storage"], broadcast.GetProperty("replicas").EnumerateArray().Select(p => p.GetString()));
        var macVlan = rules.Single(r => r.GetProperty("kind").GetString() == "mac-vlan");
        Assert.Equal((150, "00:1b:21:0a:0b:02"), (macVlan.GetProperty("vlan").GetInt32(), macVlan.GetProperty("mac").GetString()));
        Assert.Equal(70001, rules.Single(r => r.GetProperty("kind").GetString() == "nvgre").GetProperty("vsid").GetInt32());
    }

    [Fact]
    public void Json_gives_each_pool_its_transmit_attributes_as_the_nic_applies_them()
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", ExportFiles.Transmit);

        var run = CliRunner.Run("export", file, "--to", "json");

        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        var pools = doc.RootElement.GetProperty("pools").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        (bool, bool, int, long) Of(string name) =>
            (pools[name].GetProperty("antispoof").GetProperty("mac").GetBoolean(), pools[name].GetProperty("antispoof").GetProperty("vlan").GetBoolean(),
             pools[name].GetProperty("vlanInsert").GetInt32(), pools[name].GetProperty("rateBitsPerSecond").GetInt64());
        Assert.Equal((true, true, 0, 0L), Of("web"));
        Assert.Equal((false, false, 0, 800_000_000L), Of("open"));
        // guest has no 'antispoof': MAC on because a mac rule gives it a MAC of its own.
        Assert.Equal((true, false, 160, 0L), Of("guest"));
        Assert.Equal((true, false, 0, 2_500_000_000L), Of("backup"));
        Assert.False(pools["web"].GetProperty("rss").GetBoolean());
    }
}

public sealed class ExportDocsTests
{
    private static readonly string Markdown = File.ReadAllText(FindRepositoryFile("docs", "diagnostics.md")).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string FindRepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine([dir.FullName, .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(string.Join('/', parts));
    }

    [Fact]
    public void Every_export_diagnostic_has_a_section_with_its_title_and_a_row_in_the_export_table()
    {
        foreach (var descriptor in Vmdq.Cli.Export.ExportDescriptors.All)
        {
            string heading = "### " + descriptor.Id + "\n\n";
            int at = Markdown.IndexOf(heading, StringComparison.Ordinal);
            Assert.True(at > 0, $"docs/diagnostics.md has no '### {descriptor.Id}' section.");
            Assert.StartsWith($"**{descriptor.Title}** · severity: error (warning with `--allow-partial`)", Markdown[(at + heading.Length)..], StringComparison.Ordinal);
            Assert.Contains($"| {descriptor.Id} | {descriptor.Title} |", Markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Export_ids_follow_the_rules_ids_and_are_not_rules_ids()
    {
        var ruleIds = Vmdq.Rules.Diagnostics.RuleDescriptors.All.Select(d => d.Id).ToHashSet();
        Assert.Equal(["VMDQ0101", "VMDQ0102", "VMDQ0103", "VMDQ0104", "VMDQ0105", "VMDQ0106"], Vmdq.Cli.Export.ExportDescriptors.All.Select(d => d.Id));
        Assert.DoesNotContain(Vmdq.Cli.Export.ExportDescriptors.All, d => ruleIds.Contains(d.Id));
    }
}
