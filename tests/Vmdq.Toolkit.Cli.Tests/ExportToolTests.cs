using System;
using System.Collections.Generic;
using System.Linq;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>
/// The exported commands, run through the real tools: iproute2's tc and ip and ethtool in an unprivileged user+network
/// namespace (each parses its arguments before it talks to the kernel, so a syntax error is told apart from the
/// kernel's refusal: no tc classifiers, no SR-IOV, no ntuple filters on these machines), and DPDK's testpmd command
/// parser with a null port. A missing tool or namespace support skips the test with the reason.
/// </summary>
public sealed class ExportToolTests
{
    private static string[] Export(string rules, params string[] args)
    {
        using var cli = new CliRunner();
        string file = cli.Write("rules.vmdq", rules);
        var run = CliRunner.Run(["export", file, .. args]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return run.Lines.Where(l => !l.StartsWith('#')).ToArray();
    }

    private static void SkipWithoutNamespaceOr(string tool)
    {
        Skip.If(ExternalTools.Find(tool) is null, $"{tool} is not installed here");
        string? why = ExternalTools.WhyNoNamespace();
        Skip.If(why is not null, why ?? string.Empty);
    }

    // ---- tc: exit 1 (255 for an unknown action) is a syntax error (tc parses flower and its actions first); exit 2 is the kernel's answer.

    private static IReadOnlyList<ToolResult> RunTc(IReadOnlyList<string> commands) => ExternalTools.RunInNamespace([], commands);

    private static void AssertTcAccepted(ToolResult result)
    {
        Assert.True(result.ExitCode is 0 or 2, $"tc rejected the command's syntax:\n{result}");
        if (result.ExitCode == 2)
        {
            Assert.True(result.Output.Contains("talking to the kernel", StringComparison.Ordinal), $"tc failed before reaching the kernel:\n{result}");
        }
    }

    [SkippableFact]
    public void Tc_parses_every_exported_command_on_lo()
    {
        SkipWithoutNamespaceOr("tc");
        string[] commands = Export(ExportFiles.AllKinds, "--to", "tc", "--dev", "lo", "--vxlan-dev", "lo", "--allow-partial");
        Assert.Equal("tc qdisc add dev lo clsact", commands[0]);
        Assert.Equal(9, commands.Length);

        var results = RunTc(commands);

        Assert.Equal(0, results[0].ExitCode);
        Assert.All(results.Skip(1), AssertTcAccepted);
    }

    [SkippableFact]
    public void Tc_check_catches_a_wrong_option_and_a_vlan_match_without_802_1Q()
    {
        SkipWithoutNamespaceOr("tc");
        string good = Export(ExportFiles.L2, "--to", "tc", "--dev", "lo").Single(c => c.Contains("dst_mac 00:1b:21:0a:0b:01", StringComparison.Ordinal));
        string misspelt = good.Replace("dst_mac", "dst_maac", StringComparison.Ordinal);
        string badQueue = good.Replace("queue_mapping 4", "queue_mapping x4", StringComparison.Ordinal);
        string badAction = good.Replace("skbedit", "skbedt", StringComparison.Ordinal);
        string vlanWithoutTag = "tc filter add dev lo ingress protocol all prio 5 flower skip_sw vlan_id 150 action drop";

        var results = RunTc(["tc qdisc add dev lo clsact", good, misspelt, badQueue, badAction, vlanWithoutTag]);

        // tc exits 1 on a bad match or value, 255 on an unknown action kind. (An unknown skbedit option is not caught:
        // skbedit's parser stops at it and tc sends the filter to the kernel, so option names are pinned by the
        // exact-output tests of ExportTests instead.)
        AssertTcAccepted(results[1]);
        Assert.All(results.Skip(2), r => Assert.True(r.ExitCode is 1 or 255, $"expected a syntax error (exit 1 or 255):\n{r}"));
    }

    // ---- ip: exit 2 with "RTNETLINK answers" is the kernel's refusal (no SR-IOV on a veth); 1 or 255 is a syntax error.

    private static IReadOnlyList<ToolResult> RunIp(IReadOnlyList<string> commands) =>
        ExternalTools.RunInNamespace(["ip link add v0 type veth peer name v1"], commands);

    private static void AssertIpAccepted(ToolResult result) =>
        Assert.True(result.ExitCode == 0 || (result.ExitCode == 2 && result.Output.Contains("RTNETLINK answers", StringComparison.Ordinal)),
            $"ip rejected the command before reaching the kernel:\n{result}");

    [SkippableFact]
    public void Ip_parses_every_exported_command_on_a_veth()
    {
        SkipWithoutNamespaceOr("ip");
        string[] commands = Export(ExportFiles.Vfs, "--to", "ip", "--dev", "v0");
        Assert.Equal(2, commands.Length);

        Assert.All(RunIp(commands), AssertIpAccepted);
    }

    [SkippableFact]
    public void Ip_and_bridge_parse_the_exported_pool_settings_on_a_veth()
    {
        SkipWithoutNamespaceOr("ip");
        Skip.If(ExternalTools.Find("bridge") is null, "bridge (iproute2) is not installed here");
        string[] commands = Export(ExportFiles.Transmit, "--to", "ip", "--dev", "v0");
        Assert.Equal(10, commands.Length);

        var results = RunIp(commands);

        // bridge exits 255 both for a syntax error and for the kernel's refusal; only the latter says RTNETLINK.
        Assert.Contains("RTNETLINK answers", results[0].Output, StringComparison.Ordinal);
        Assert.All(results.Skip(1), AssertIpAccepted);
        var misspelt = RunIp(["ip link set dev v0 vf 1 spoofchk yes", "bridge link set dev v0 hwmode vepx", "ip link set dev v0 vf 1 max_rx_rate 800", "ip link set dev v0 vf 3 vlan 4096 qos 3"]);
        Assert.All(misspelt, r => Assert.True(r.ExitCode is 1 or 255 && !r.Output.Contains("RTNETLINK", StringComparison.Ordinal), $"expected a syntax error:\n{r}"));
    }

    [SkippableFact]
    public void Ip_check_catches_a_wrong_option_and_a_short_mac()
    {
        SkipWithoutNamespaceOr("ip");
        var results = RunIp(["ip link set dev v0 vf 1 macc 00:1b:21:0a:0b:01", "ip link set dev v0 vf 1 mac 00:1b:21:0a:0b"]);

        Assert.All(results, r => Assert.True(r.ExitCode is 1 or 255, $"expected a syntax error:\n{r}"));
    }

    // ---- ethtool: its parse errors name the bad argument; an accepted rule fails later in the kernel (lo has no ntuple filters).

    private static readonly string[] EthtoolSyntaxErrors =
        ["bad command line", "unrecognized option", "invalid syntax", "Invalid ", "not compatible", "bit name not found"];

    private static void AssertEthtoolAccepted(ToolResult result) =>
        Assert.False(EthtoolSyntaxErrors.Any(e => result.Output.Contains(e, StringComparison.Ordinal)), $"ethtool rejected the command's syntax:\n{result}");

    [SkippableFact]
    public void Ethtool_parses_every_exported_command_on_lo()
    {
        SkipWithoutNamespaceOr("ethtool");
        string[] commands = Export(ExportFiles.L2, "--to", "ethtool", "--dev", "lo");
        Assert.Equal(7, commands.Length);

        var results = ExternalTools.RunInNamespace([], commands);

        Assert.All(results, AssertEthtoolAccepted);
        // Each ntuple rule got as far as the kernel's "not supported" on lo.
        Assert.All(results.Skip(1), r => Assert.Contains("Operation not supported", r.Output, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Ethtool_check_catches_a_wrong_option_and_a_bad_mask()
    {
        SkipWithoutNamespaceOr("ethtool");
        var results = ExternalTools.RunInNamespace([],
        [
            "ethtool -N lo flow-type ether dstt 00:1b:21:0a:0b:01 action 4 loc 0",
            "ethtool -N lo flow-type ether vlan 250 m 0xf0000 action 4 loc 0",
        ]);

        Assert.All(results, r => Assert.Throws<Xunit.Sdk.FalseException>(() => AssertEthtoolAccepted(r)));
    }

    // ---- testpmd: its command parser prints "Bad arguments" for a command it cannot parse; a parsed flow reaches the
    // null PMD, which has no flow support ("Function not implemented").

    private static void SkipWithoutTestpmd() =>
        Skip.If(ExternalTools.Find("dpdk-testpmd") is null, "dpdk-testpmd is not installed here (Debian: apt-get install dpdk-dev)");

    [SkippableFact]
    public void Testpmd_parses_every_exported_flow()
    {
        SkipWithoutTestpmd();
        string[] commands = Export(ExportFiles.AllKinds, "--to", "testpmd", "--allow-partial");
        Assert.Equal(14, commands.Length);

        var results = ExternalTools.RunTestpmd(commands);

        Assert.All(results, r =>
        {
            Assert.DoesNotContain("Bad arguments", r.Output, StringComparison.Ordinal);
            Assert.Contains("Caught PMD error", r.Output, StringComparison.Ordinal);
        });
    }

    [SkippableFact]
    public void Testpmd_check_catches_a_wrong_item_field()
    {
        SkipWithoutTestpmd();
        string good = Export(ExportFiles.L2, "--to", "testpmd").First(c => c.Contains("vlan vid is 250", StringComparison.Ordinal));
        string bad = good.Replace("vlan vid is", "vlan vidd is", StringComparison.Ordinal);

        var results = ExternalTools.RunTestpmd([good, bad]);

        Assert.DoesNotContain("Bad arguments", results[0].Output, StringComparison.Ordinal);
        Assert.Contains("Bad arguments", results[1].Output, StringComparison.Ordinal);
    }
}
