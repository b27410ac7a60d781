using System;
using System.IO;
using System.Linq;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary><c>vmdq replay --split</c>: a pcapng per pool holding exactly the frames its VM received, read back.</summary>
public sealed class ReplaySplitTests
{
    [Theory]
    [InlineData("tcpdump-various_gre.pcap")]
    [InlineData("tcpdump-802.1ad_QinQ.pcap")]
    [InlineData("tcpdump-vxlan_port_8472.pcap")]
    [InlineData("tcpdump-gso-ipv4-vxlan-ipv4.pcap")]
    public void Each_pool_file_holds_the_frames_its_pool_received_in_capture_order(string name)
    {
        string capture = Path.Combine(ReplayTests.Corpus, name);
        var expected = ExpectedReplay.Of(ReplayTests.Lab, capture);
        using var files = new CliRunner();
        string split = Path.Combine(files.Directory, "split", "nested");

        var run = CliRunner.Run("replay", ReplayTests.Lab, capture, "--split", split);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Equal(
            new[] { "0-host.pcapng", "1-web.pcapng", "2-storage.pcapng", "3-lab.pcapng", "dropped.pcapng" },
            Directory.GetFiles(split).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (index, file) in new[] { (0, "0-host"), (1, "1-web"), (2, "2-storage"), (3, "3-lab") })
        {
            var want = expected.ByPool.TryGetValue(index, out var list) ? list : [];
            AssertSame(want.Select(i => expected.Frames[i]).ToArray(), Path.Combine(split, file + ".pcapng"));
            Assert.Contains($"split: {(want.Count == 1 ? "1 frame" : $"{want.Count} frames")} in {Path.Combine(split, file + ".pcapng")}", run.Stdout);
        }

        AssertSame(expected.Dropped.Select(i => expected.Frames[i]).ToArray(), Path.Combine(split, "dropped.pcapng"));
    }

    [Fact]
    public void A_replicated_broadcast_frame_is_in_each_of_its_pools_files()
    {
        using var files = new CliRunner();
        string split = Path.Combine(files.Directory, "split");

        var run = CliRunner.Run("replay", ReplayTests.Lab, Path.Combine(ReplayTests.Corpus, "tcpdump-802.1ad_QinQ.pcap"), "--split", split);

        Assert.Equal(0, run.ExitCode);
        var broadcast = CaptureReader.ReadFile(Path.Combine(ReplayTests.Corpus, "tcpdump-802.1ad_QinQ.pcap"))
            .Single(f => f.Data.Span[..6].SequenceEqual(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }));
        foreach (string pool in new[] { "1-web", "2-storage" })
        {
            var frame = Assert.Single(CaptureReader.ReadFile(Path.Combine(split, pool + ".pcapng")));
            Assert.Equal(broadcast.Data.ToArray(), frame.Data.ToArray());
        }

        Assert.Equal(2, CaptureReader.ReadFile(Path.Combine(split, "0-host.pcapng")).Count());
        Assert.Empty(CaptureReader.ReadFile(Path.Combine(split, "3-lab.pcapng")));
    }

    [SkippableFact]
    public void Tshark_and_capinfos_read_a_split_file_as_the_tool_wrote_it()
    {
        string? tshark = ExternalTools.Find("tshark"), capinfos = ExternalTools.Find("capinfos");
        Skip.If(tshark is null || capinfos is null, "tshark and capinfos (Debian package tshark) are not installed.");
        using var files = new CliRunner();
        string split = Path.Combine(files.Directory, "split");
        string capture = Path.Combine(ReplayTests.Corpus, "tcpdump-various_gre.pcap");
        var expected = ExpectedReplay.Of(ReplayTests.Lab, capture);
        var lab = expected.ByPool[3].Select(i => expected.Frames[i]).ToArray();

        Assert.Equal(0, CliRunner.Run("replay", ReplayTests.Lab, capture, "--split", split).ExitCode);
        string file = Path.Combine(split, "3-lab.pcapng");

        var (infoCode, info) = ExternalTools.Run(capinfos!, ["-c", "-t", "-E", file], null, TimeSpan.FromSeconds(60));
        Assert.True(infoCode == 0, info);
        Assert.Contains("pcapng", info);
        Assert.Matches($@"Number of packets:\s+{lab.Length}\b", info);
        Assert.Contains("Ethernet", info);

        var (code, output) = ExternalTools.Run(tshark!, ["-r", file, "-T", "fields", "-e", "frame.len", "-e", "frame.time_epoch", "-e", "eth.dst"], null, TimeSpan.FromSeconds(60));
        Assert.True(code == 0, output);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => char.IsAsciiDigit(l[0])).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(lab.Length, rows.Length);
        for (int i = 0; i < lab.Length; i++)
        {
            Assert.Equal(lab[i].OriginalLength.ToString(System.Globalization.CultureInfo.InvariantCulture), rows[i][0]);
            long ns = lab[i].TimestampNanoseconds;
            Assert.Equal($"{ns / 1_000_000_000}.{ns % 1_000_000_000:D9}", rows[i][1]);
            Assert.Equal(string.Join(':', lab[i].Data.Span[..6].ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))), rows[i][2]);
        }
    }

    private static void AssertSame(CapturedFrame[] want, string path)
    {
        var got = CaptureReader.ReadFile(path).ToArray();
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            Assert.True(want[i].Data.Span.SequenceEqual(got[i].Data.Span), $"{Path.GetFileName(path)} frame {i}: other bytes");
            Assert.Equal(want[i].OriginalLength, got[i].OriginalLength);
            Assert.Equal(want[i].TimestampNanoseconds, got[i].TimestampNanoseconds);
            Assert.Equal(CaptureReader.EthernetLinkType, got[i].LinkType);
        }
    }
}
