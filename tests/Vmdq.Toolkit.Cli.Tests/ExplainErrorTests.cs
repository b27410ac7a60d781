using System;
using System.IO;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>Every bad input to <c>vmdq explain</c> ends in one clear message and exit code 1 (rules errors) or 2, never a stack trace.</summary>
public sealed class ExplainErrorTests : IDisposable
{
    private const string Frame = "00:1b:21:0a:0b:01 02:00:00:00:00:aa 08 00";

    private readonly CliRunner _cli = new();
    private readonly string _rules;

    public ExplainErrorTests()
    {
        _rules = _cli.Write("rules.vmdq", ExplainTests.Rules);
    }

    public void Dispose() => _cli.Dispose();

    private static void AssertUsageError(CliRun run, string message)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact]
    public void A_rules_file_with_errors_prints_its_diagnostics_as_check_does_and_exits_1()
    {
        string broken = _cli.Write("broken.vmdq", Files.Broken);

        var run = CliRunner.Run("explain", broken, "--frame", Frame);
        var check = CliRunner.Run("check", broken);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        foreach (string line in check.Lines)
        {
            Assert.Contains(line, run.Stderr, StringComparison.Ordinal);
        }

        Assert.Contains("has 2 errors; nothing to explain", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_loads_shows_its_warnings_but_not_its_info_on_stderr()
    {
        // Files.Override has one info (VMDQ0012); Files.Unreachable one warning (VMDQ0011).
        string info = _cli.Write("info.vmdq", Files.Override);
        string warning = _cli.Write("warning.vmdq", Files.Unreachable);

        var quiet = CliRunner.Run("explain", info, "--frame", Frame);
        var warned = CliRunner.Run("explain", warning, "--frame", Frame);

        Assert.Equal(0, quiet.ExitCode);
        Assert.DoesNotContain("VMDQ0012", quiet.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, warned.ExitCode);
        Assert.Contains("warning VMDQ0011", warned.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("VMDQ0011", warned.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:1b:21:0a:0b:0", "odd number")]
    [InlineData("00 1b 2g", "'g' at position 8 is not a hex digit")]
    public void Bad_hex_is_a_usage_error(string hex, string message) =>
        AssertUsageError(CliRunner.Run("explain", _rules, "--frame", hex), message);

    [Fact]
    public void A_missing_rules_file_is_a_usage_error() =>
        AssertUsageError(CliRunner.Run("explain", Path.Combine(_cli.Directory, "none.vmdq"), "--frame", Frame), "no such file");

    [Fact]
    public void A_missing_capture_is_a_usage_error() =>
        AssertUsageError(CliRunner.Run("explain", _rules, "--pcap", Path.Combine(_cli.Directory, "none.pcap")), "cannot read capture");

    [Fact]
    public void A_file_that_is_not_a_capture_is_a_usage_error() =>
        AssertUsageError(CliRunner.Run("explain", _rules, "--pcap", _rules), "is not a pcap or pcapng capture");

    [Fact]
    public void A_directory_as_capture_is_a_usage_error() =>
        AssertUsageError(CliRunner.Run("explain", _rules, "--pcap", _cli.Directory), "it is a directory");

    [Fact]
    public void An_index_past_the_last_frame_is_a_usage_error_that_gives_the_range()
    {
        string pcap = Path.Combine(AppContext.BaseDirectory, "Corpus", "tcpdump-vxlan.pcap");
        AssertUsageError(CliRunner.Run("explain", _rules, "--pcap", pcap, "--index", "10"), "has 10 frames, so the index (0-based) must be 0..9");
    }

    [Theory]
    [InlineData("Give exactly one of --frame HEX and --pcap CAP.")]
    [InlineData("Give exactly one of --frame HEX and --pcap CAP.", "--frame", Frame, "--pcap", "x.pcap")]
    [InlineData("use them with --pcap", "--frame", Frame, "--all")]
    [InlineData("use them with --pcap", "--frame", Frame, "--index", "0")]
    [InlineData("not both", "--pcap", "x.pcap", "--index", "0", "--all")]
    [InlineData("--index '-1': a frame number counted from 0", "--pcap", "x.pcap", "--index", "-1")]
    [InlineData("--index 'one': a frame number counted from 0", "--pcap", "x.pcap", "--index", "one")]
    public void Option_misuse_is_a_usage_error_naming_the_command(string message, params string[] options)
    {
        var run = CliRunner.Run(["explain", _rules, .. options]);

        AssertUsageError(run, message);
        Assert.Contains("vmdq explain --help", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_says_the_index_counts_from_0()
    {
        var run = CliRunner.Run("explain", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("counted from 0", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", run.Stdout, StringComparison.Ordinal);
    }
}
