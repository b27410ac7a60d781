using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary><c>vmdq replay</c>'s table, summary and <c>--verdicts</c> against the corpus captures, frame by frame.</summary>
public sealed class ReplayTests
{
    internal static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "Corpus");

    internal static readonly string Lab = Path.Combine(Corpus, "lab.vmdq");

    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Corpus, "*.pcap").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Fact]
    public void The_corpus_is_all_there()
    {
        // The theory below runs on every corpus capture; losing them would leave it running on none.
        Assert.True(Captures().Count >= 19, $"{Captures().Count} corpus captures in {Corpus}");
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_frame_is_counted_once_in_the_pools_Classify_names(string name)
    {
        string capture = Path.Combine(Corpus, name);
        var expected = ExpectedReplay.Of(Lab, capture);
        using var files = new CliRunner();
        string verdicts = Path.Combine(files.Directory, "verdicts.jsonl");

        var run = CliRunner.Run("replay", Lab, capture, "--verdicts", verdicts);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var report = ReplayReport.Parse(run.Stdout);
        Assert.Equal(expected.Frames.Count, report.Received);
        Assert.Equal(expected.Frames.Count, ReplayReport.Number(report.Port[3]));
        Assert.Equal(new long[] { 0, expected.RuleDrops, 0, expected.Runts, expected.Oversize }, report.Drops);
        Assert.Equal(expected.Replicas, ReplayReport.Number(report.Summary["broadcast/multicast replicas (no copies)"]));
        Assert.Equal(new[] { "host", "web", "storage", "lab" }, report.Pools.Select(p => p.Name));
        foreach (var pool in report.Pools)
        {
            Assert.Equal(pool.Name + "-vm", pool.Vm);
            Assert.Equal(expected.CountFor(pool.Index), pool.FramesIn);
            Assert.Equal(expected.CountFor(pool.Index), pool.Delivered);
            Assert.Equal(0, pool.RingFull + pool.NoBuffer);
            Assert.Equal(expected.CountFor(pool.Index), ReplayReport.Number(report.Summary[$"delivered to {pool.Name}-vm"]));
        }

        Assert.Equal(expected.ByPool.Values.Sum(l => l.Count), ReplayReport.Number(report.Summary["delivered to VMs"]));
        Assert.Contains("conservation: OK", run.Stdout);

        // One line per frame, in order, each with the verdict and the deliveries the table counted.
        var lines = File.ReadAllLines(verdicts);
        Assert.Equal(expected.Frames.Count, lines.Length);
        var delivered = new Dictionary<int, int>();
        for (int i = 0; i < lines.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var root = json.RootElement;
            Assert.Equal(i, root.GetProperty("index").GetInt32());
            Assert.Equal(expected.Frames[i].Number, root.GetProperty("captureFrame").GetInt32());
            Assert.Equal(expected.Frames[i].Data.Length, root.GetProperty("length").GetInt32());
            var pools = root.GetProperty("delivered").EnumerateArray().Select(d => d.GetProperty("pool").GetInt32()).ToArray();
            Assert.Equal(expected.ByPool.Where(p => p.Value.Contains(i)).Select(p => p.Key).Order(), pools);
            foreach (int pool in pools)
            {
                delivered[pool] = delivered.GetValueOrDefault(pool) + 1;
            }

            string outcome = root.GetProperty("outcome").GetString()!;
            Assert.True(expected.Dropped.Contains(i) == (outcome != "delivered"), $"frame {i}: {outcome}");
        }

        Assert.Equal(report.Pools.Where(p => p.Delivered > 0).ToDictionary(p => p.Index, p => (int)p.Delivered), delivered);
    }

    [Fact]
    public void A_verdict_line_carries_the_rule_the_timestamp_and_the_replicas()
    {
        string capture = Path.Combine(Corpus, "tcpdump-802.1ad_QinQ.pcap");
        using var files = new CliRunner();
        string verdicts = Path.Combine(files.Directory, "verdicts.jsonl");

        var run = CliRunner.Run("replay", Lab, capture, "--verdicts", verdicts);

        Assert.Equal(0, run.ExitCode);
        var frames = File.ReadAllLines(verdicts).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(2, frames.Length);
        // The ARP request is broadcast: the broadcast rule's replicas, each delivered.
        var arp = frames.Single(f => f.GetProperty("verdict").GetProperty("kind").GetString() == "broadcast");
        var verdict = arp.GetProperty("verdict");
        Assert.Equal("broadcast -> host, web, storage", verdict.GetProperty("rule").GetString());
        Assert.Equal(File.ReadAllLines(Lab).ToList().FindIndex(l => l.StartsWith("broadcast", StringComparison.Ordinal)) + 1, verdict.GetProperty("line").GetInt32());
        Assert.Equal(new[] { "host", "web", "storage" }, verdict.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("poolName").GetString()));
        Assert.Equal(new[] { "host", "web", "storage" }, arp.GetProperty("delivered").EnumerateArray().Select(r => r.GetProperty("poolName").GetString()));
        Assert.Equal("delivered", arp.GetProperty("outcome").GetString());
        // Classic pcap with microseconds: an ISO 8601 UTC time to the nanosecond, as tshark shows it.
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}000Z$", arp.GetProperty("timestamp").GetString());

        // The other frame goes to the default pool: no deciding rule.
        var other = frames.Single(f => f.GetProperty("index").GetInt32() != arp.GetProperty("index").GetInt32()).GetProperty("verdict");
        Assert.True(other.GetProperty("default").GetBoolean());
        Assert.Equal("host", other.GetProperty("poolName").GetString());
        Assert.Equal(JsonValueKind.Null, other.GetProperty("rule").ValueKind);
    }

    [Fact]
    public void Rule_drops_runts_and_oversize_frames_are_counted_by_reason()
    {
        using var files = new CliRunner();
        // A frame to the quarantined MAC, a 10-byte runt, a 3000-byte frame (buffers are 2 KB), and a frame to web.
        byte[] quarantined = Frame("36:dc:85:1e:b3:40", 60), runt = new byte[10], jumbo = Frame("00:16:3e:08:71:cf", 3000), web = Frame("00:16:3e:08:71:cf", 60);
        string capture = Path.Combine(files.Directory, "mixed.pcapng");
        var builder = new Vmdq.Toolkit.Runtime.Tests.PcapNgBuilder().Section(bigEndian: false).Interface(1);
        foreach (var (frame, i) in new[] { quarantined, runt, jumbo, web }.Select((f, i) => (f, i)))
        {
            builder.Enhanced(0, (ulong)(1_000_000 + i), frame);
        }

        File.WriteAllBytes(capture, builder.ToArray());
        string verdicts = Path.Combine(files.Directory, "v.jsonl");

        var run = CliRunner.Run("replay", Lab, capture, "--verdicts", verdicts);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var report = ReplayReport.Parse(run.Stdout);
        Assert.Equal(4, report.Received);
        Assert.Equal(new long[] { 0, 1, 0, 1, 1 }, report.Drops);
        Assert.Equal(1, report.Pool("web").Delivered);
        Assert.Contains("runts 1, oversize 1", report.Port[9]);
        Assert.Equal(new[] { "rule_drop", "runt", "oversize", "delivered" }, File.ReadAllLines(verdicts).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("outcome").GetString()));
    }

    [Fact]
    public void Redirected_output_is_plain_text()
    {
        var run = CliRunner.Run("replay", Lab, Path.Combine(Corpus, "tcpdump-various_gre.pcap"));

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.All(run.Stdout, c => Assert.True(c < 128, $"'{c}' (U+{(int)c:X4}) is not ASCII"));
        Assert.StartsWith("replaying tcpdump-various_gre.pcap (100 frames) with lab.vmdq\n", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("progress", run.Stdout);
    }

    [Fact]
    public void A_capture_replayed_at_a_rate_still_accounts_for_every_frame()
    {
        var run = CliRunner.Run("replay", Lab, Path.Combine(Corpus, "tcpdump-various_gre.pcap"), "--rate", "0");

        Assert.Equal(0, run.ExitCode);
        var report = ReplayReport.Parse(run.Stdout);
        Assert.Equal(100, report.Received);
        Assert.Equal("yes", report.Summary["received + replicas = delivered + dropped"]);
    }

    [Fact]
    public void Frames_of_another_link_type_are_not_replayed_and_say_so()
    {
        using var files = new CliRunner();
        // Interface 0 is Ethernet, interface 1 Linux cooked capture (113); the second frame has no timestamp (a Simple Packet Block, interface 0).
        byte[] web = Frame("00:16:3e:08:71:cf", 61);
        string capture = Path.Combine(files.Directory, "two-links.pcapng");
        File.WriteAllBytes(capture, new Vmdq.Toolkit.Runtime.Tests.PcapNgBuilder().Section(bigEndian: false).Interface(1).Interface(113)
            .Enhanced(1, 5, new byte[40]).Simple(web, (uint)web.Length).Enhanced(0, 7, web).ToArray());
        string verdicts = Path.Combine(files.Directory, "v.jsonl");
        string split = Path.Combine(files.Directory, "split");

        var run = CliRunner.Run("replay", Lab, capture, "--verdicts", verdicts, "--split", split);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("vmdq: warning: 1 frame of '" + capture + "' is not Ethernet (link type 113): not replayed.", run.Stderr);
        Assert.StartsWith("replaying two-links.pcapng (2 frames) with lab.vmdq\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, ReplayReport.Parse(run.Stdout).Pool("web").Delivered);
        var lines = File.ReadAllLines(verdicts).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(new[] { "not_ethernet", "delivered", "delivered" }, lines.Select(l => l.GetProperty("outcome").GetString()));
        Assert.Equal(JsonValueKind.Null, lines[0].GetProperty("verdict").ValueKind);
        Assert.Empty(lines[0].GetProperty("delivered").EnumerateArray());
        // The Simple Packet Block records no time; the Enhanced one 7 us after the epoch.
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("timestamp").ValueKind);
        Assert.Equal("1970-01-01T00:00:00.000007000Z", lines[2].GetProperty("timestamp").GetString());
        Assert.Equal(2, Vmdq.Toolkit.Capture.CaptureReader.ReadFile(Path.Combine(split, "1-web.pcapng")).Count());
        Assert.Empty(Vmdq.Toolkit.Capture.CaptureReader.ReadFile(Path.Combine(split, "dropped.pcapng")));
    }

    [Fact]
    public void A_capture_without_frames_replays_nothing_with_a_warning()
    {
        using var files = new CliRunner();
        string capture = Path.Combine(files.Directory, "empty.pcapng");
        File.WriteAllBytes(capture, new Vmdq.Toolkit.Runtime.Tests.PcapNgBuilder().Section(bigEndian: true).Interface(1).ToArray());
        string verdicts = Path.Combine(files.Directory, "v.jsonl");

        var run = CliRunner.Run("replay", Lab, capture, "--verdicts", verdicts);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains($"vmdq: warning: '{capture}' has no frames.", run.Stderr);
        var report = ReplayReport.Parse(run.Stdout);
        Assert.Equal(0, report.Received);
        Assert.All(report.Pools, p => Assert.Equal(0, p.FramesIn));
        Assert.Empty(File.ReadAllLines(verdicts));
        Assert.Contains("conservation: OK", run.Stdout);
    }

    /// <summary>An Ethernet frame of <paramref name="length"/> bytes to <paramref name="dst"/> (IPv4 ethertype, zero payload).</summary>
    internal static byte[] Frame(string dst, int length)
    {
        var frame = new byte[length];
        Convert.FromHexString(dst.Replace(":", string.Empty, StringComparison.Ordinal)).CopyTo(frame, 0);
        frame[6] = 0x02;
        frame[12] = 0x08;
        return frame;
    }
}
