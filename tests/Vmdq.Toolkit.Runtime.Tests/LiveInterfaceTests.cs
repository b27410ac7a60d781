using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The live-interface layer (<see cref="InterfaceSender"/>, <see cref="InterfaceReceiver"/>) on a real veth pair inside
/// an unprivileged user+network namespace: every corpus frame is sent on one end and must arrive on the other with the
/// same bytes (VLAN tags put back) and the same verdict as from the capture; oversize frames are counted as not sendable.
/// </summary>
/// <remarks>
/// A process cannot enter new namespaces once it has threads, so the body runs in a child: <c>unshare -rn</c> creates
/// the pair (IPv6 off so the kernel sends nothing of its own, MTU 9000 for the GSO captures) and starts
/// Vmdq.Toolkit.LiveProbe, whose JSON lines are checked here streamedst what this test computes from the captures itself.
/// </remarks>
public sealed class LiveInterfaceTests : IDisposable
{
    private const int Mtu = 9000;

    // Rules that give the corpus's frames many different verdicts: tunnels, C-tags under S-tags, plain C-tags, replication.
    private const string Rules = """
        nic pools 8 queues 4
        pool host 0
        pool web 1
        pool db 2
        pool gre 3
        pool qinq 4
        vxlan 100 inner 00:30:88:01:00:02 -> web:1
        vxlan 100 -> db
        vxlan 5001 -> web
        vxlan 1193046 -> db
        nvgre 1193046 -> gre
        vlan 102 -> web
        vlan 1213 -> db:2
        vlan 2001 -> qinq
        vlan 100 -> qinq:1
        broadcast -> host, web
        multicast -> gre

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("vmdq-live-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string[] CorpusCaptures() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.pcap").OrderBy(p => p, StringComparer.Ordinal).ToArray();

    [SkippableFact]
    public void Every_sendable_corpus_frame_crosses_a_veth_pair_with_its_bytes_its_vlan_tag_and_its_verdict()
    {
        SkipUnlessNamespaces();
        string rules = Path.Combine(_directory, "live.vmdq");
        File.WriteAllText(rules, Rules);
        var dispatcher = RuntimeDispatcher.Load(Rules, "live.vmdq").Dispatcher!;
        var captures = CorpusCaptures();

        var lines = RunProbe(rules, captures);

        var frames = lines.Where(l => l.GetProperty("kind").GetString() == "frame").ToArray();
        var expected = captures.SelectMany(c => CaptureReader.ReadFile(c).Select(f => (Capture: Path.GetFileName(c), Frame: f))).ToArray();
        Assert.Equal(expected.Length, frames.Length);
        int sendable = 0, tooLarge = 0, restored = 0, vlanVerdicts = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            var (capture, frame) = expected[i];
            var line = frames[i];
            string where = $"{capture} frame {frame.Number}";
            Assert.Equal(capture, line.GetProperty("capture").GetString());
            Assert.Equal(frame.Number, line.GetProperty("number").GetInt32());
            var data = frame.Data.Span;
            string verdict = dispatcher.Classify(data).ToString();
            Assert.True(verdict == line.GetProperty("verdict").GetString(), $"{where}: the probe classified the capture frame as {line.GetProperty("verdict")}, not {verdict}");

            bool tagged = data.Length >= 14 && BinaryPrimitives.ReadUInt16BigEndian(data[12..]) == 0x8100;
            if (data.Length > Mtu + 14 + (tagged ? 4 : 0))
            {
                tooLarge++;
                Assert.True(line.GetProperty("send").GetString() == "TooLarge", $"{where}: {data.Length} bytes on MTU {Mtu} went {line.GetProperty("send")}");
                Assert.False(line.TryGetProperty("sameBytes", out _), $"{where}: a frame that was not sent arrived");
                continue;
            }

            sendable++;
            Assert.True(line.GetProperty("send").GetString() == "Sent", $"{where}: {line}");
            Assert.True(line.TryGetProperty("sameBytes", out var same), $"{where}: sent but never received");
            Assert.True(same.GetBoolean(), $"{where}: received with other bytes: {line}");
            Assert.True(verdict == line.GetProperty("liveVerdict").GetString(), $"{where}: live verdict {line.GetProperty("liveVerdict")}, capture verdict {verdict}");
            if (line.TryGetProperty("tag", out var tag))
            {
                Assert.True(line.TryGetProperty("liveTag", out var liveTag) && liveTag.GetString() == tag.GetString(), $"{where}: tag {tag} did not arrive: {line}");
                Assert.True(line.GetProperty("restored").GetBoolean(), $"{where}: the kernel kept the tag in the frame? {line}");
                restored++;
            }

            vlanVerdicts += dispatcher.Classify(data).Kind == RuleKind.Vlan ? 1 : 0;
        }

        Assert.DoesNotContain(lines, l => l.GetProperty("kind").GetString() == "extra");
        var summary = Assert.Single(lines, l => l.GetProperty("kind").GetString() == "summary");
        int streamed = CaptureReader.ReadFile(captures[^1]).Count(f => f.Data.Length <= Mtu + 14);
        Assert.Equal(sendable + streamed, summary.GetProperty("sent").GetInt64());
        Assert.Equal(tooLarge, summary.GetProperty("notSendable").GetInt64());
        Assert.Equal(sendable + streamed, summary.GetProperty("received").GetInt64());
        Assert.Equal(0, summary.GetProperty("kernelDropped").GetInt64());

        // The last capture once more, read as ReadAllAsync's stream (numbered on from the frames before, timestamped
        // now), and on the sending end: flagged outgoing with IncludeOutgoing, not seen at all without it.
        var stream = Assert.Single(lines, l => l.GetProperty("kind").GetString() == "stream");
        Assert.True(streamed >= 10, $"the last capture has {streamed} sendable frames");
        Assert.Equal(streamed, stream.GetProperty("expected").GetInt32());
        Assert.Equal(streamed, stream.GetProperty("streamed").GetInt32());
        Assert.True(stream.GetProperty("streamedSame").GetBoolean(), stream.ToString());
        Assert.Equal(Enumerable.Range(1, streamed), stream.GetProperty("numbers").EnumerateArray().Select(n => n.GetInt32()));
        Assert.True(stream.GetProperty("timestampsAfterStart").GetBoolean(), stream.ToString());
        Assert.Equal(streamed, stream.GetProperty("outgoing").GetInt32());
        Assert.True(stream.GetProperty("outgoingFlagged").GetBoolean(), stream.ToString());
        Assert.True(stream.GetProperty("outgoingSame").GetBoolean(), stream.ToString());
        Assert.Equal(0, stream.GetProperty("seenWithoutOutgoing").GetInt32());

        // The corpus exercises each path: the BIG TCP frame is too large, tagged frames (C-tags, S-tags) had their tag
        // restored, and vlan rules decided frames live (they would not with the tag left out).
        Assert.True(tooLarge >= 1, "no corpus frame was too large for the MTU");
        Assert.True(restored >= 50, $"only {restored} tagged frames");
        Assert.True(vlanVerdicts >= 50, $"only {vlanVerdicts} frames decided by vlan rules");
    }

    [Fact]
    public void Opening_an_interface_that_does_not_exist_says_so()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Throws<PlatformNotSupportedException>(() => InterfaceReceiver.Open("lo"));
            return;
        }

        var receive = Assert.Throws<InterfaceException>(() => InterfaceReceiver.Open("vmdq-nosuch0"));
        var send = Assert.Throws<InterfaceException>(() => InterfaceSender.Open("vmdq-nosuch0"));

        Assert.Equal("There is no network interface named 'vmdq-nosuch0' (in this network namespace; 'ip link' lists them).", receive.Message);
        Assert.Equal(receive.Message, send.Message);
        Assert.Equal(19, receive.ErrorNumber);
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("a-name-of-16-byt")]
    [InlineData("eth0/1")]
    [InlineData("eth 0")]
    public void A_name_the_kernel_could_never_accept_is_refused_before_any_socket(string name)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live interfaces are Linux only");

        var error = Assert.Throws<InterfaceException>(() => InterfaceSender.Open(name));

        Assert.Equal($"'{name}' is not a valid network interface name (1 to 15 bytes, no '/', ':' or white space).", error.Message);
        Assert.Equal(0, error.ErrorNumber);
    }

    [SkippableFact]
    public void Without_cap_net_raw_opening_explains_what_is_missing()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live interfaces are Linux only");
        Skip.If(Find("unshare") is null, "unshare (util-linux) is not installed");
        Skip.If(Run(["unshare", "-r", "true"]).ExitCode != 0, "unprivileged user namespaces are not available here");
        string rules = Path.Combine(_directory, "live.vmdq");
        File.WriteAllText(rules, Rules);

        // A new user namespace without a new network namespace: root there, but without CAP_NET_RAW over this
        // network namespace, as an unprivileged user is.
        var (code, output) = Run(["unshare", "-r", Dotnet(), Probe(), "lo", "lo", rules, CorpusCaptures()[0]]);

        Assert.Equal(2, code);
        Assert.Equal(
            "InterfaceException: Opening a packet socket for 'lo' needs the CAP_NET_RAW capability (Operation not permitted): run as root, "
            + "grant it to the program (setcap cap_net_raw+ep), or work inside a user and network namespace (unshare -rn).\n", output);
    }

    /// <summary>Skips (with the reason) where there is no Linux, no ip, no unshare or no unprivileged namespaces.</summary>
    private static void SkipUnlessNamespaces()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "live interfaces (AF_PACKET) are Linux only");
        Skip.If(Find("ip") is null, "ip (iproute2) is not installed");
        Skip.If(Find("unshare") is null, "unshare (util-linux) is not installed");
        var (code, output) = Run(["unshare", "-rn", "ip", "link", "add", "vmdqa", "type", "veth", "peer", "name", "vmdqb"]);
        Skip.If(code != 0, $"an unprivileged user+network namespace with a veth pair is not available here ('unshare -rn ip link add ... type veth' exited {code}: {output.Trim()})");
    }

    /// <summary>Runs the probe in a fresh namespace on a new veth pair; returns its JSON lines.</summary>
    private List<JsonElement> RunProbe(string rules, string[] captures)
    {

        // IPv6 off before the links go up, so neither end sends router solicitations or DAD probes of its own.
        string script = $"""
            set -e
            ip link add vmdqa type veth peer name vmdqb
            for end in vmdqa vmdqb; do
              if [ -e /proc/sys/net/ipv6/conf/$end/disable_ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/$end/disable_ipv6; fi
              ip link set $end mtu {Mtu}
              ip link set $end up
            done
            exec "$@"
            """;
        string path = Path.Combine(_directory, "veth.sh");
        File.WriteAllText(path, script);
        var (code, output) = Run(["unshare", "-rn", "sh", path, Dotnet(), Probe(), "vmdqa", "vmdqb", rules, .. captures]);
        Assert.True(code == 0, $"the probe exited {code}:\n{output}");
        return output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    /// <summary>The built Vmdq.Toolkit.LiveProbe.dll (the project file passes its path as assembly metadata).</summary>
    private static string Probe()
    {
        string probe = typeof(LiveInterfaceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LiveProbe").Value!;
        Assert.True(File.Exists(probe), $"the probe was not built: {probe}");
        return probe;
    }

    /// <summary>The dotnet host running these tests.</summary>
    private static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    private static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin"])
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output) Run(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish in 2 minutes:\n{stdout}");
        }

        return (process.ExitCode, stdout + stderr.Result);
    }
}
