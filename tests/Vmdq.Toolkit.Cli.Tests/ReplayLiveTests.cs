using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Runtime.Tests;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>
/// <c>vmdq replay --interface IF</c> and <c>vmdq replay CAP --transmit IF</c> on a veth pair in an unprivileged
/// user+network namespace (IPv6 off so the kernel sends nothing of its own, MTU 9000 for the GSO captures): a capture
/// sent out of one end is replayed live on the other with the counts and verdicts of a replay of the same frames from
/// a file; and their usage errors.
/// </summary>
public sealed class ReplayLiveTests : IDisposable
{
    private const int Mtu = 9000;

    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [SkippableFact]
    public void A_capture_sent_out_of_one_end_is_replayed_live_on_the_other_with_the_counts_and_verdicts_of_its_frames()
    {
        SkipUnlessVeth();

        // Every corpus frame (VXLAN, GRE, C- and S-tags, broadcast and multicast replicas, GSO frames over the 2 KB
        // buffers, the BIG TCP frame over the MTU), then a frame to the quarantined MAC (a rule drop) and a 10-byte runt.
        var frames = Directory.GetFiles(ReplayTests.Corpus, "*.pcap").Order(StringComparer.Ordinal)
            .SelectMany(capture => CaptureReader.ReadFile(capture).Select(f => f.Data.ToArray()))
            .Append(ReplayTests.Frame("36:dc:85:1e:b3:40", 60))
            .Append(new byte[10])
            .ToList();
        var sendable = frames.Where(f => f.Length >= 14 && f.Length <= MaxFrame(f)).ToList();
        int tooLarge = frames.Count(f => f.Length > MaxFrame(f)), tooShort = frames.Count(f => f.Length < 14);
        string sent = WriteCapture("sent.pcapng", frames);
        string sameFrames = WriteCapture("sendable.pcapng", sendable);

        string liveOut = InDir(".live.out"), liveErr = InDir(".live.err"), txOut = InDir(".tx.out"), txErr = InDir(".tx.err");
        string liveVerdicts = InDir("live.jsonl"), txVerdicts = InDir("tx.jsonl");
        var log = RunInVethNamespace($"""
            {Vmdq()} replay "{ReplayTests.Lab}" --interface vmdqb --count {sendable.Count} --duration 90 --verdicts "{liveVerdicts}" > "{liveOut}" 2> "{liveErr}" &
            tool=$!
            {WaitForStart("$tool", liveErr)}
            {Vmdq()} replay "{ReplayTests.Lab}" "{sent}" --transmit vmdqa --verdicts "{txVerdicts}" > "{txOut}" 2> "{txErr}"
            echo "transmit exit $?"
            wait $tool
            echo "live exit $?"
            """);

        Assert.True(log.Contains("transmit exit 0\n", StringComparison.Ordinal) && log.Contains("live exit 0\n", StringComparison.Ordinal), $"{log}\n{Read(liveErr)}\n{Read(txErr)}");
        Assert.Equal($"vmdq: replaying from vmdqb until {sendable.Count} frames or 90 seconds; Ctrl+C stops.\n", Read(liveErr));

        // The transmitting replay: the whole capture through the emulator, its sendable frames out of vmdqa.
        var tx = ReplayReport.Parse(Read(txOut));
        Assert.StartsWith($"replaying sent.pcapng ({frames.Count} frames) with lab.vmdq, sent on vmdqa\n", Read(txOut), StringComparison.Ordinal);
        Assert.Equal(frames.Count, tx.Received);
        Assert.Equal(sendable.Count, ReplayReport.Number(tx.Summary["sent on vmdqa"]));
        Assert.Equal($"{tooLarge} / {tooShort}", tx.Summary[$"not sendable on vmdqa: too large for MTU {Mtu} / too short"]);
        Assert.True(tooLarge >= 1 && tooShort == 1, $"{tooLarge} too large, {tooShort} too short");

        // The live replay counted what a replay of the same frames from a file counts, pool by pool and queue by queue.
        var expected = CliRunner.Run("replay", ReplayTests.Lab, sameFrames);
        Assert.True(expected.ExitCode == 0, expected.Stderr);
        var reference = ReplayReport.Parse(expected.Stdout);
        string liveText = Read(liveOut);
        var live = ReplayReport.Parse(liveText);
        Assert.StartsWith("replaying frames from vmdqb with lab.vmdq\n", liveText, StringComparison.Ordinal);
        Assert.Equal(sendable.Count, live.Received);
        Assert.Equal(reference.Pools, live.Pools);
        Assert.Equal(reference.Drops, live.Drops);
        Assert.Equal(QueueRows(expected.Stdout), QueueRows(liveText));
        foreach (string figure in new[] { "broadcast/multicast replicas (no copies)", "delivered to VMs", "received + replicas = delivered + dropped" }
            .Concat(reference.Pools.Select(p => $"delivered to {p.Vm}")))
        {
            Assert.Equal(reference.Summary[figure], live.Summary[figure]);
        }

        Assert.Equal(sendable.Count, ReplayReport.Number(live.Summary["received from vmdqb"]));
        Assert.Equal("0", live.Summary["dropped by the kernel before the replay (its ring was full)"]);
        Assert.Contains("conservation: OK", liveText, StringComparison.Ordinal);

        // Frame by frame, the live verdict lines are the capture replay's lines for the frames that were sent (but for
        // where the frame was: its position among the frames received, and the time it arrived).
        var txLines = File.ReadAllLines(txVerdicts).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        var liveLines = File.ReadAllLines(liveVerdicts).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        Assert.Equal(frames.Count, txLines.Length);
        var sentLines = txLines.Where((_, i) => frames[i].Length >= 14 && frames[i].Length <= MaxFrame(frames[i])).ToArray();
        Assert.Equal(sendable.Count, liveLines.Length);
        for (int i = 0; i < liveLines.Length; i++)
        {
            Assert.Equal(i, (int)liveLines[i]["index"]!);
            Assert.Equal(i + 1, (int)liveLines[i]["captureFrame"]!);
            Assert.Matches(@"^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$", (string)liveLines[i]["timestamp"]!);
            var (a, b) = (Where(liveLines[i]), Where(sentLines[i]));
            Assert.True(JsonNode.DeepEquals(a, b), $"frame {i}:\nlive    {a.ToJsonString()}\ncapture {b.ToJsonString()}");
        }

        // The frames exercised what they are there for: tags put back for vlan rules, replicas, oversize and rule drops.
        string[] outcomes = liveLines.Select(l => (string)l["outcome"]!).ToArray();
        Assert.Contains("oversize", outcomes);
        Assert.Contains("rule_drop", outcomes);
        Assert.Contains(liveLines, l => (string?)l["verdict"]!["kind"] == "vlan");
        Assert.Contains(liveLines, l => l["delivered"]!.AsArray().Count > 1);
    }

    [SkippableFact]
    public void Ctrl_C_ends_a_live_replay_with_the_summary_of_the_frames_received_and_exit_code_0()
    {
        SkipUnlessVeth();
        var (code, output) = ExternalTools.Run("env", ["--default-signal=INT", "true"], null, TimeSpan.FromSeconds(20));
        Skip.If(code != 0, $"env cannot restore SIGINT for a background job here ({output.Trim()})");
        string capture = WriteCapture("three.pcapng", [ReplayTests.Frame("00:16:3e:08:71:cf", 60), ReplayTests.Frame("aa:bb:cc:00:01:00", 64), ReplayTests.Frame("ff:ff:ff:ff:ff:ff", 60)]);
        string liveOut = InDir(".live.out"), liveErr = InDir(".live.err");

        // A background job of a non-interactive shell ignores SIGINT; env gives the tool its default back, as a terminal's Ctrl+C finds it.
        var log = RunInVethNamespace($"""
            env --default-signal=INT {Vmdq()} replay "{ReplayTests.Lab}" --interface vmdqb > "{liveOut}" 2> "{liveErr}" &
            tool=$!
            {WaitForStart("$tool", liveErr)}
            {Vmdq()} replay "{ReplayTests.Lab}" "{capture}" --transmit vmdqa > /dev/null
            sleep 3
            kill -INT $tool
            wait $tool
            echo "live exit $?"
            """);

        Assert.True(log.Contains("live exit 0\n", StringComparison.Ordinal), $"{log}\n{Read(liveErr)}\n{Read(liveOut)}");
        Assert.Equal("vmdq: replaying from vmdqb; Ctrl+C stops.\n", Read(liveErr));
        var report = ReplayReport.Parse(Read(liveOut));
        Assert.Equal(3, report.Received);
        Assert.Equal("3", report.Summary["received from vmdqb"]);
        // To web, to web:3, and the broadcast to host, web and storage.
        Assert.Equal(3, report.Pool("web").Delivered);
        Assert.Equal("1", report.Summary["delivered to host-vm"]);
        Assert.Equal("1", report.Summary["delivered to storage-vm"]);
        Assert.Contains("conservation: OK", Read(liveOut), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_live_replay_stops_after_its_duration_when_nothing_arrives()
    {
        SkipUnlessVeth();
        string liveOut = InDir(".live.out"), liveErr = InDir(".live.err"), split = InDir("split");

        var log = RunInVethNamespace($"""
            {Vmdq()} replay "{ReplayTests.Lab}" --interface vmdqb --duration 1.5 --split "{split}" > "{liveOut}" 2> "{liveErr}"
            echo "live exit $?"
            """);

        Assert.True(log.Contains("live exit 0\n", StringComparison.Ordinal), $"{log}\n{Read(liveErr)}");
        Assert.Equal("vmdq: replaying from vmdqb for 1.5 seconds; Ctrl+C stops.\n", Read(liveErr));
        var report = ReplayReport.Parse(Read(liveOut));
        Assert.Equal(0, report.Received);
        string throughput = report.Summary["throughput (classify + enqueue + dequeue)"];
        double seconds = double.Parse(throughput[(throughput.IndexOf("over ", StringComparison.Ordinal) + 5)..^2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(seconds >= 1.5, throughput);
        Assert.Empty(CaptureReader.ReadFile(Path.Combine(split, "1-web.pcapng")));
        Assert.Contains("split: 0 frames no pool received in", Read(liveOut), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("neither", "replay needs a capture (CAP) or a live interface (--interface IF) to replay; see 'vmdq replay --help'.")]
    [InlineData("both", "replay takes a capture (CAP) or a live interface (--interface IF), not both; see 'vmdq replay --help'.")]
    [InlineData("count", "--count applies to a live replay (--interface IF), not to a capture's; see 'vmdq replay --help'.")]
    [InlineData("duration", "--duration applies to a live replay (--interface IF), not to a capture's; see 'vmdq replay --help'.")]
    [InlineData("promiscuous", "--promiscuous applies to a live replay (--interface IF), not to a capture's; see 'vmdq replay --help'.")]
    [InlineData("transmit-live", "--transmit sends a capture's frames (CAP) out of an interface; a live replay (--interface) has no capture to send; see 'vmdq replay --help'.")]
    [InlineData("rate-live", "--rate paces a capture's frames; a live replay (--interface) takes frames at the pace they arrive; see 'vmdq replay --help'.")]
    public void Sources_and_options_that_do_not_fit_together_are_one_line_usage_errors(string what, string message)
    {
        string capture = Path.Combine(ReplayTests.Corpus, "tcpdump-vxlan.pcap");
        string[] args = what switch
        {
            "neither" => ["replay", ReplayTests.Lab],
            "both" => ["replay", ReplayTests.Lab, capture, "--interface", "lo"],
            "count" => ["replay", ReplayTests.Lab, capture, "--count", "5"],
            "duration" => ["replay", ReplayTests.Lab, capture, "--duration", "5"],
            "promiscuous" => ["replay", ReplayTests.Lab, capture, "--promiscuous"],
            "transmit-live" => ["replay", ReplayTests.Lab, "--interface", "lo", "--transmit", "lo"],
            _ => ["replay", ReplayTests.Lab, "--interface", "lo", "--rate", "1"],
        };

        var run = CliRunner.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal($"vmdq: {message}\n", run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--interface")]
    [InlineData("--transmit")]
    public void An_interface_that_does_not_exist_is_a_one_line_usage_error_before_any_output(string option)
    {
        string verdicts = InDir("v.jsonl");
        string[] args = option == "--interface"
            ? ["replay", ReplayTests.Lab, "--interface", "vmdq-nosuch0", "--verdicts", verdicts]
            : ["replay", ReplayTests.Lab, Path.Combine(ReplayTests.Corpus, "tcpdump-vxlan.pcap"), "--transmit", "vmdq-nosuch0", "--verdicts", verdicts];

        var run = CliRunner.Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal(
            OperatingSystem.IsLinux()
                ? "vmdq: There is no network interface named 'vmdq-nosuch0' (in this network namespace; 'ip link' lists them).\n"
                : $"vmdq: Live interfaces (AF_PACKET sockets) are supported on Linux only; this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.\n",
            run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.False(File.Exists(verdicts), "the verdicts file was created before the interface was opened");
    }

    [Fact]
    public void Rules_with_errors_end_with_exit_code_1_before_the_interface_is_opened()
    {
        string broken = _cli.Write("broken.vmdq", Files.Broken);

        var run = CliRunner.Run("replay", broken, "--interface", "vmdq-nosuch0");

        Assert.Equal(1, run.ExitCode);
        Assert.EndsWith("has 2 errors; nothing to replay.\n", run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("no network interface", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--count", "0", "--count '0': a number of frames of at least 1 is expected.")]
    [InlineData("--duration", "0", "--duration '0': a number of seconds greater than 0 (10, 0.5...) is expected.")]
    [InlineData("--duration", "soon", "--duration 'soon': a number of seconds greater than 0 (10, 0.5...) is expected.")]
    public void Bad_counts_and_durations_are_usage_errors(string option, string value, string message)
    {
        var run = CliRunner.Run("replay", ReplayTests.Lab, "--interface", "vmdq-nosuch0", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"vmdq: {message}\n", run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    /// <summary>The longest frame an interface with MTU <see cref="Mtu"/> sends: MTU + 14, + 4 with an 802.1Q tag.</summary>
    private static int MaxFrame(byte[] frame) =>
        Mtu + 14 + (frame.Length >= 14 && BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == 0x8100 ? 4 : 0);

    /// <summary>A verdict line without what says where the frame came from (position, capture frame number, time).</summary>
    private static JsonObject Where(JsonObject line)
    {
        var copy = line.DeepClone().AsObject();
        copy.Remove("index");
        copy.Remove("captureFrame");
        copy.Remove("timestamp");
        return copy;
    }

    /// <summary>The queue rows of a plain replay table (pool rows are compared through <see cref="ReplayReport.Pools"/>).</summary>
    private static string[] QueueRows(string stdout) =>
        stdout.Split('\n').Where(l => l.StartsWith("|           |", StringComparison.Ordinal)).Select(l => string.Join("|", l.Split('|').Select(c => c.Trim()))).ToArray();

    /// <summary>Skips (with the reason) where there is no Linux, no ip, no unshare, or no veth pair in an unprivileged namespace.</summary>
    private static void SkipUnlessVeth()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live interfaces (AF_PACKET) are Linux only");
        Skip.If(ExternalTools.Find("ip") is null, "ip (iproute2) is not installed");
        string? why = ExternalTools.WhyNoNamespace();
        Skip.If(why is not null, why ?? string.Empty);
        var (code, output) = ExternalTools.Run("unshare", ["-rn", "ip", "link", "add", "vmdqa", "type", "veth", "peer", "name", "vmdqb"], null, TimeSpan.FromSeconds(20));
        Skip.If(code != 0, $"an unprivileged user+network namespace with a veth pair is not available here ('unshare -rn ip link add ... type veth' exited {code}: {output.Trim()})");
    }

    /// <summary>Runs <paramref name="body"/> in a fresh user+network namespace after making the vmdqa/vmdqb veth pair; returns its output.</summary>
    private string RunInVethNamespace(string body)
    {
        string script = InDir("run.sh");
        File.WriteAllText(script, $"""
            set -e
            ip link add vmdqa type veth peer name vmdqb
            for end in vmdqa vmdqb; do
              if [ -e /proc/sys/net/ipv6/conf/$end/disable_ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/$end/disable_ipv6; fi
              ip link set $end mtu {Mtu}
              ip link set $end up
            done
            set +e
            {body}
            """);
        var (code, output) = ExternalTools.Run("unshare", ["-rn", "sh", script], null, TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"the namespace script exited {code}:\n{output}");
        return output;
    }

    /// <summary>Shell lines that wait until the live replay <paramref name="pid"/> says on <paramref name="stderr"/> that it is receiving.</summary>
    private static string WaitForStart(string pid, string stderr) => $"""
        waited=0
        until grep -q "replaying from" "{stderr}"; do
          sleep 0.1; waited=$((waited + 1))
          if [ $waited -gt 600 ] || ! kill -0 {pid} 2>/dev/null; then echo "the live replay did not start"; cat "{stderr}"; exit 3; fi
        done
        """;

    private static string Vmdq() => $"\"{CaptureTests.Dotnet()}\" \"{CaptureTests.Metadata("VmdqTool")}\"";

    private string WriteCapture(string name, IEnumerable<byte[]> frames)
    {
        var builder = new PcapNgBuilder().Section(bigEndian: false).Interface(1);
        ulong time = 1_700_000_000_000_000;
        foreach (byte[] frame in frames)
        {
            builder.Enhanced(0, time++, frame);
        }

        string path = InDir(name);
        File.WriteAllBytes(path, builder.ToArray());
        return path;
    }

    private string InDir(string name) => Path.Combine(_cli.Directory, name);

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : string.Empty;
}
