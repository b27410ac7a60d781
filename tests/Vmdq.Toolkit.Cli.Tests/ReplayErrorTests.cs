using System;
using System.IO;
using System.Linq;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary><c>vmdq replay</c> on bad input: one clear line and exit code 2 (1 for rules errors), never a stack trace.</summary>
public sealed class ReplayErrorTests
{
    private static readonly string Capture = Path.Combine(ReplayTests.Corpus, "tcpdump-vxlan.pcap");

    [Fact]
    public void A_missing_or_unreadable_capture_is_a_usage_error()
    {
        using var files = new CliRunner();
        string notCapture = files.Write("notes.pcap", "this is not a capture\n");
        string empty = files.Write("empty.pcap", string.Empty);

        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Path.Combine(files.Directory, "missing.pcap")), "cannot read capture", "no such file");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, files.Directory), "cannot read capture", "it is a directory");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, notCapture), "is not a pcap or pcapng capture");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, empty), "is not a pcap or pcapng capture");
    }

    [Fact]
    public void A_truncated_capture_replays_the_frames_before_the_cut_with_a_warning()
    {
        using var files = new CliRunner();
        byte[] whole = File.ReadAllBytes(Capture);
        string truncated = Path.Combine(files.Directory, "truncated.pcap");
        File.WriteAllBytes(truncated, whole.AsSpan(0, whole.Length - 20).ToArray());
        string verdicts = Path.Combine(files.Directory, "v.jsonl");

        var run = CliRunner.Run("replay", ReplayTests.Lab, truncated, "--verdicts", verdicts);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("vmdq: warning: ", run.Stderr);
        Assert.Contains("breaks off after 9 frames", run.Stderr);
        Assert.Contains("replaying the frames before the break", run.Stderr);
        Assert.Equal(9, ReplayReport.Parse(run.Stdout).Received);
        Assert.Equal(9, File.ReadAllLines(verdicts).Length);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Unwritable_outputs_are_usage_errors_before_anything_is_replayed()
    {
        using var files = new CliRunner();
        string aFile = files.Write("a-file", "x");

        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Capture, "--split", aFile), "cannot write --split directory", "it is a file");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Capture, "--split", Path.Combine(aFile, "sub")), "cannot create --split directory");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Capture, "--verdicts", files.Directory), "cannot write --verdicts file", "it is a directory");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Capture, "--verdicts", Path.Combine(files.Directory, "no", "such", "v.jsonl")), "cannot write --verdicts file");
        string split = Path.Combine(files.Directory, "split");
        Directory.CreateDirectory(Path.Combine(split, "1-web.pcapng"));
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Capture, "--split", split), "cannot write --split file", "1-web.pcapng", "it is a directory");
    }

    [Fact]
    public void A_rules_file_with_errors_shows_its_diagnostics_and_exits_1()
    {
        using var files = new CliRunner();
        string broken = files.Write("broken.vmdq", Files.Broken);

        var run = CliRunner.Run("replay", broken, Capture);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains($"{broken}(2,26): error VMDQ0003:", run.Stderr);
        Assert.Contains("error VMDQ0002:", run.Stderr);
        Assert.EndsWith("has 2 errors; nothing to replay.\n", run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_are_usage_errors()
    {
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab), "replay needs a capture (CAP) or a live interface (--interface IF)", "vmdq replay --help");
        AssertUsageError(CliRunner.Run("replay", Path.Combine(ReplayTests.Corpus, "missing.vmdq"), Capture), "cannot read rules file", "no such file");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Capture, "--rate", "fast"), "--rate 'fast'");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Capture, "--rate", "-1"), "--rate '-1'");
        AssertUsageError(CliRunner.Run("replay", ReplayTests.Lab, Capture, "--verdicts"), "--verdicts");
    }

    private static void AssertUsageError(CliRun run, params string[] parts)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        string first = run.Stderr.Split('\n')[0];
        Assert.StartsWith("vmdq: ", first, StringComparison.Ordinal);
        Assert.All(parts, p => Assert.Contains(p, run.Stderr));
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.DoesNotContain("Exception", run.Stderr);
        Assert.Empty(run.Stdout);
    }
}
