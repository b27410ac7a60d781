using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// Real captures (Corpus/README.md): FrameParser and the reference parser find exactly the expected
/// fields, frame by frame.
/// </summary>
public class CorpusTests
{
    private static string Corpus(string name) => Path.Combine(AppContext.BaseDirectory, "Corpus", name);

    public static TheoryData<string> Captures()
    {
        var data = new TheoryData<string>();
        foreach (var pcap in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.pcap").OrderBy(p => p, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(pcap));
        }

        return data;
    }

    private static JsonElement[] Expected(string name) =>
        File.ReadAllLines(Corpus($"expected-{name}.jsonl")).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

    [Theory]
    [MemberData(nameof(Captures))]
    public void ParsersFindTheExpectedFields(string capture)
    {
        var frames = CaptureReader.ReadFile(Corpus(capture + ".pcap")).ToArray();
        var expected = Expected(capture);
        Assert.Equal(expected.Length, frames.Length);
        for (int i = 0; i < frames.Length; i++)
        {
            Assert.Equal(expected[i].GetProperty("n").GetInt32(), frames[i].Number);
            Assert.Equal(expected[i].GetProperty("len").GetInt32(), frames[i].Data.Length);
            var want = CorpusFrame.FromJson(expected[i]);
            var fast = CorpusFrame.From(FrameParser.Parse(frames[i].Data.Span));
            var reference = CorpusFrame.From(ReferenceFrameParser.Parse(frames[i].Data.ToArray()));
            Assert.True(want == fast, $"{capture} frame {i + 1}: FrameParser {fast}, expected {want}");
            Assert.True(want == reference, $"{capture} frame {i + 1}: reference {reference}, expected {want}");
        }
    }

    [Fact]
    public void Port8472CarriesVxlanWhenTheRulesSaySo()
    {
        // The same frames as tcpdump-vxlan, sent to Linux's legacy port: VXLAN only with vxlan-port 8472.
        var onDefault = CaptureReader.ReadFile(Corpus("tcpdump-vxlan_port_8472.pcap")).Select(f => FrameParser.Parse(f.Data.Span)).ToArray();
        var on8472 = CaptureReader.ReadFile(Corpus("tcpdump-vxlan_port_8472.pcap")).Select(f => FrameParser.Parse(f.Data.Span, 8472)).ToArray();
        var standard = CaptureReader.ReadFile(Corpus("tcpdump-vxlan.pcap")).Select(f => FrameParser.Parse(f.Data.Span)).ToArray();
        Assert.All(onDefault, f => Assert.False(f.Has(FrameField.Vni)));
        Assert.Equal(standard.Select(f => (f.Vni, f.InnerDst, f.Present)), on8472.Select(f => (f.Vni, f.InnerDst, f.Present)));
        Assert.All(on8472, f => Assert.Equal(100u, f.Vni));
    }

    [Fact]
    public void CaptureFrameCountsMatchTheCorpusReadme()
    {
        Assert.Equal(100, CaptureReader.ReadFile(Corpus("tcpdump-various_gre.pcap")).Count());
        Assert.Equal(10, CaptureReader.ReadFile(Corpus("tcpdump-vxlan.pcap")).Count());
        Assert.Equal(2, CaptureReader.ReadFile(Corpus("tcpdump-802.1ad_QinQ.pcap")).Count());
        var big = Assert.Single(CaptureReader.ReadFile(Corpus("tcpdump-bigtcp-ipv4-vxlan-ipv4.pcap")));
        Assert.Equal(80116, big.Data.Length);
    }
}
