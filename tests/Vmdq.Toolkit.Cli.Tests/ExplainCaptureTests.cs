using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;
using Vmdq.Toolkit.Runtime.Tests;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary><c>vmdq explain --pcap</c> on corpus captures and built pcapng files: frame selection, --all, and what a broken capture gives.</summary>
public sealed class ExplainCaptureTests : IDisposable
{
    // tcpdump-vxlan.pcap: 10 frames, all VXLAN VNI 100; inner dst 00:30:88:01:00:02 or ff:ff:ff:ff:ff:ff.
    private const string VxlanRules = """
        nic pools 4 queues 4
        pool host 0
        pool web 1
        pool db 2
        vxlan 100 inner 00:30:88:01:00:02 -> web:1
        vxlan 100 -> db
        mac 00:16:3e:08:71:cf -> web

        """;

    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "Corpus");

    private readonly CliRunner _cli = new();
    private readonly string _rules;

    public ExplainCaptureTests()
    {
        _rules = _cli.Write("vxlan.vmdq", VxlanRules);
    }

    public void Dispose() => _cli.Dispose();

    private static string Capture(string name) => Path.Combine(Corpus, name);

    [Fact]
    public void All_explains_every_corpus_frame_with_the_fields_tshark_found_and_the_winner_they_imply()
    {
        var run = CliRunner.Run("explain", _rules, "--pcap", Capture("tcpdump-vxlan.pcap"), "--all", "--json");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var frames = json.RootElement.EnumerateArray().ToArray();
        var expected = File.ReadAllLines(Capture("expected-tcpdump-vxlan.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(expected.Length, frames.Length);
        for (int i = 0; i < frames.Length; i++)
        {
            var frame = frames[i];
            var tshark = expected[i];
            Assert.Equal(i, frame.GetProperty("index").GetInt32());
            Assert.Equal(tshark.GetProperty("n").GetInt32(), frame.GetProperty("captureFrame").GetInt32());
            Assert.Equal(tshark.GetProperty("len").GetInt32(), frame.GetProperty("length").GetInt32());
            var fields = frame.GetProperty("fields");
            Assert.Equal(tshark.GetProperty("dst").GetString(), fields.GetProperty("dst").GetString());
            Assert.Equal(tshark.GetProperty("vni").GetInt32(), fields.GetProperty("vni").GetInt32());
            Assert.Equal(tshark.GetProperty("inner_dst").GetString(), fields.GetProperty("innerDst").GetString());

            bool innerHit = tshark.GetProperty("inner_dst").GetString() == "00:30:88:01:00:02";
            bool macHit = tshark.GetProperty("dst").GetString() == "00:16:3e:08:71:cf";
            Assert.Equal(innerHit ? 5 : 6, frame.GetProperty("verdict").GetProperty("line").GetInt32());
            int[] losers = frame.GetProperty("alsoMatched").EnumerateArray().Select(l => l.GetProperty("line").GetInt32()).ToArray();
            Assert.Equal((innerHit ? new[] { 6 } : []).Concat(macHit ? new[] { 7 } : []).ToArray(), losers);
        }

        // Both kinds of frame occur, so both branches above were checked.
        Assert.Contains(frames, f => f.GetProperty("verdict").GetProperty("line").GetInt32() == 5);
        Assert.Contains(frames, f => f.GetProperty("verdict").GetProperty("line").GetInt32() == 6);
    }

    [Fact]
    public void Index_is_zero_based_and_the_default_is_the_first_frame()
    {
        string pcap = Capture("tcpdump-vxlan.pcap");
        var second = CaptureReader.ReadFile(pcap).ElementAt(1);

        var indexed = CliRunner.Run("explain", _rules, "--pcap", pcap, "--index", "1", "--json");
        var first = CliRunner.Run("explain", _rules, "--pcap", pcap, "--json");

        Assert.Equal(0, indexed.ExitCode);
        using var json = JsonDocument.Parse(indexed.Stdout);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        Assert.Equal(1, json.RootElement.GetProperty("index").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("captureFrame").GetInt32());
        Assert.Equal(second.Data.Length, json.RootElement.GetProperty("length").GetInt32());
        Assert.Equal(0, JsonDocument.Parse(first.Stdout).RootElement.GetProperty("index").GetInt32());
    }

    [Fact]
    public void Nvgre_corpus_frame_in_text()
    {
        string rules = _cli.Write("nvgre.vmdq", """
            nic pools 4 queues 4
            pool web 1
            pool db 2
            nvgre 1193046 inner aa:bb:00:00:10:02 -> web
            nvgre 1193046 -> db

            """);

        var run = CliRunner.Run("explain", rules, "--pcap", Capture("packetnet-gre_nvgre.pcap"));

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("frame 0: 98 bytes, capture frame 1\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  tunnel        nvgre, vsid 1193046 (0x123456), flow id 2\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  decided by    line 4: nvgre 1193046 inner aa:bb:00:00:10:02 -> web\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  also matched  line 5: nvgre 1193046 -> db\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Pcapng_frames_are_explained_with_their_snap_length_noted()
    {
        byte[] full = Frames.Ethernet("00:16:3e:08:71:cf", 0x0800, Frames.Vxlan(100, Frames.Inner("00:30:88:01:00:02"), port: 4789));
        byte[] cut = full[..46];   // Ethernet 14 + IPv4 20 + UDP 8, then 4 of the VXLAN header's 8 bytes
        string path = Path.Combine(_cli.Directory, "two.pcapng");
        File.WriteAllBytes(path, new PcapNgBuilder().Section(bigEndian: true).Interface(1)
            .Enhanced(0, 0, full).Enhanced(0, 0, cut, originalLength: (uint)full.Length).ToArray());

        var run = CliRunner.Run("explain", _rules, "--pcap", path, "--all", "--json");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var frames = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, frames.Length);
        Assert.Equal(5, frames[0].GetProperty("verdict").GetProperty("line").GetInt32());
        // Cut inside the VXLAN header: no tunnel, so the outer mac rule decides.
        Assert.Equal(7, frames[1].GetProperty("verdict").GetProperty("line").GetInt32());
        Assert.Equal(full.Length, frames[1].GetProperty("originalLength").GetInt32());
        Assert.Contains(frames[1].GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("snap length", StringComparison.Ordinal));
    }

    [Fact]
    public void A_frame_of_another_link_type_is_classified_as_its_bytes_with_a_note()
    {
        string path = Path.Combine(_cli.Directory, "raw.pcapng");
        File.WriteAllBytes(path, new PcapNgBuilder().Section(bigEndian: false).Interface(101)
            .Enhanced(0, 0, Frames.Ethernet("00:16:3e:08:71:cf", 0x0800)).ToArray());

        var run = CliRunner.Run("explain", _rules, "--pcap", path);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("  decided by    line 7: mac 00:16:3e:08:71:cf -> web\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  note          capture link type 101 is not Ethernet (1)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_capture_that_breaks_off_explains_the_frames_before_the_break_with_a_warning()
    {
        byte[] frame = Frames.Ethernet("00:16:3e:08:71:cf", 0x0800);
        byte[] good = new PcapNgBuilder().Section(bigEndian: false).Interface(1).Enhanced(0, 0, frame).Enhanced(0, 0, frame).ToArray();
        string path = Path.Combine(_cli.Directory, "broken.pcapng");
        File.WriteAllBytes(path, good[..^10]);

        var all = CliRunner.Run("explain", _rules, "--pcap", path, "--all", "--json");
        var second = CliRunner.Run("explain", _rules, "--pcap", path, "--index", "1");

        Assert.Equal(0, all.ExitCode);
        Assert.Single(JsonDocument.Parse(all.Stdout).RootElement.EnumerateArray());
        Assert.Contains("breaks off after 1 frame", all.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("before frame 1 (0-based)", second.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Stderr, StringComparison.Ordinal);
    }
}
