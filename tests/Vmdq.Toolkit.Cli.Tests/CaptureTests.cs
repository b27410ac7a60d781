using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;
using Vmdq.Toolkit.Runtime.Tests;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>
/// <c>vmdq capture --interface IF</c>: live frames explained as <c>vmdq explain</c> explains the same frames from a
/// capture (on a veth pair in an unprivileged user+network namespace), and its usage errors.
/// </summary>
public sealed class CaptureTests : IDisposable
{
    private const string Rules = """
        nic pools 4 queues 4
        pool host 0
        pool web 1
        pool db 2
        vxlan 100 inner 00:30:88:01:00:02 -> web:1
        vxlan 100 -> db
        mac 00:16:3e:08:71:cf -> web
        vlan 150 -> db:3
        mac 02:00:00:00:00:99 vlan 150 -> host:2

        """;

    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [SkippableFact]
    public void Live_frames_are_explained_as_the_same_frames_from_a_capture_vlan_tags_included()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live interfaces (AF_PACKET) are Linux only");
        Skip.If(ExternalTools.Find("ip") is null, "ip (iproute2) is not installed");
        string? why = ExternalTools.WhyNoNamespace();
        Skip.If(why is not null, why ?? string.Empty);
        string rules = _cli.Write("live.vmdq", Rules);

        // The corpus's VXLAN frames, then frames with a C-tag and with an S-tag over a C-tag: the kernel takes the outer
        // tag out of each, and the verdicts of lines 8 and 9 need it back.
        var frames = CaptureReader.ReadFile(Path.Combine(AppContext.BaseDirectory, "Corpus", "tcpdump-vxlan.pcap")).Select(f => f.Data.ToArray()).ToList();
        frames.Add(Frames.Ethernet("02:00:00:00:00:99", 0x0800, null, (0x8100, 150)));
        frames.Add(Frames.Ethernet("02:00:00:00:00:98", 0x0800, null, (0x8100, 150)));
        frames.Add(Frames.Ethernet("02:00:00:00:00:99", 0x0800, null, (0x88A8, 30), (0x8100, 150)));
        var builder = new PcapNgBuilder().Section(bigEndian: false).Interface(1);
        frames.ForEach(f => builder.Enhanced(0, 0, f));
        string capture = Path.Combine(_cli.Directory, "sent.pcapng");
        File.WriteAllBytes(capture, builder.ToArray());

        var expected = CliRunner.Run("explain", rules, "--pcap", capture, "--all", "--json");
        Assert.True(expected.ExitCode == 0, expected.Stderr);
        var explained = JsonNode.Parse(expected.Stdout)!.AsArray();

        string output = Path.Combine(_cli.Directory, "capture.out"), errors = Path.Combine(_cli.Directory, "capture.err");
        string script = Path.Combine(_cli.Directory, "live.sh");
        File.WriteAllText(script, $"""
            set -e
            ip link add vmdqa type veth peer name vmdqb
            for end in vmdqa vmdqb; do
              if [ -e /proc/sys/net/ipv6/conf/$end/disable_ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/$end/disable_ipv6; fi
              ip link set $end up
            done
            "{Dotnet()}" "{Metadata("VmdqTool")}" capture --interface vmdqb --count {frames.Count} --rules "{rules}" --json > "{output}" 2> "{errors}" &
            tool=$!
            waited=0
            until grep -q capturing "{errors}"; do
              sleep 0.1; waited=$((waited + 1))
              if [ $waited -gt 600 ] || ! kill -0 $tool 2>/dev/null; then echo "vmdq capture did not start"; cat "{errors}"; exit 3; fi
            done
            "{Dotnet()}" "{Metadata("LiveProbe")}" --send vmdqa "{capture}"
            wait $tool
            """);

        var (code, log) = ExternalTools.Run("unshare", ["-rn", "sh", script], null, TimeSpan.FromMinutes(2));

        string stderr = File.Exists(errors) ? File.ReadAllText(errors) : string.Empty;
        Assert.True(code == 0, $"exit {code}:\n{log}\n{stderr}");
        Assert.Contains($"\"sent\":{frames.Count},\"notSendable\":0", log, StringComparison.Ordinal);
        Assert.Equal($"vmdq: capturing on vmdqb until {frames.Count} frames; Ctrl+C stops.\nvmdq: {frames.Count} frames explained from vmdqb.\n", stderr);
        string[] lines = File.ReadAllLines(output);
        Assert.Equal(frames.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            // Everything explain says of the capture's frame (index, frame number, lengths, fields, verdict, losers, notes).
            var live = JsonNode.Parse(lines[i]);
            Assert.True(JsonNode.DeepEquals(explained[i], live), $"frame {i}:\nlive    {lines[i]}\ncapture {explained[i]!.ToJsonString()}");
        }

        // The tagged frames were decided by the rules that need their tags.
        Assert.Equal([9, 8, 9], lines[^3..].Select(l => JsonDocument.Parse(l).RootElement.GetProperty("verdict").GetProperty("line").GetInt32()));
    }

    [Fact]
    public void An_interface_that_does_not_exist_is_a_usage_error()
    {
        string rules = _cli.Write("live.vmdq", Rules);

        var run = CliRunner.Run("capture", "--interface", "vmdq-nosuch0", "--rules", rules);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal(
            OperatingSystem.IsLinux()
                ? "vmdq: There is no network interface named 'vmdq-nosuch0' (in this network namespace; 'ip link' lists them).\n"
                : $"vmdq: Live interfaces (AF_PACKET sockets) are supported on Linux only; this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.\n",
            run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_with_errors_end_with_exit_code_1_before_the_interface_is_opened()
    {
        string rules = _cli.Write("broken.vmdq", Files.Broken);

        var run = CliRunner.Run("capture", "--interface", "vmdq-nosuch0", "--rules", rules);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error VMDQ0003", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("has 2 errors; nothing to capture with.", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("no network interface", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--count", "0", "--count '0': a number of frames of at least 1 is expected.")]
    [InlineData("--count", "many", "--count 'many': a number of frames of at least 1 is expected.")]
    [InlineData("--rules", "/nonexistent/rules.vmdq", "cannot read rules file '/nonexistent/rules.vmdq': no such file.")]
    public void Bad_options_are_usage_errors(string option, string value, string message)
    {
        var run = CliRunner.Run("capture", "--interface", "vmdq-nosuch0", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"vmdq: {message}\n", run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void The_interface_is_required()
    {
        var run = CliRunner.Run("capture", "--count", "1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--interface", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Run 'vmdq --help' or 'vmdq capture --help' for usage.", run.Stderr, StringComparison.Ordinal);
    }

    internal static string Metadata(string key)
    {
        string path = typeof(CaptureTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        Assert.True(File.Exists(path), $"not built: {path}");
        return path;
    }

    /// <summary>The dotnet host running these tests.</summary>
    internal static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
