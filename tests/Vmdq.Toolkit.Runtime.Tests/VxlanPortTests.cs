using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// tcpdump-vxlan_port_8472 holds tcpdump-vxlan's frames sent to UDP 8472 (Corpus/README.md). Parsed
/// with vxlan-port 8472, both parsers must find exactly tcpdump-vxlan's expected fields; with 4789
/// (and with 8472 on the 4789 capture), no VXLAN at all.
/// </summary>
public class VxlanPortTests
{
    private static string Corpus(string name) => Path.Combine(AppContext.BaseDirectory, "Corpus", name);

    private static CorpusFrame[] Expected(string capture) =>
        File.ReadAllLines(Corpus($"expected-{capture}.jsonl")).Where(l => l.Length > 0)
            .Select(l => CorpusFrame.FromJson(JsonDocument.Parse(l).RootElement)).ToArray();

    private static byte[][] Frames(string capture) => CaptureReader.ReadFile(Corpus(capture + ".pcap")).Select(f => f.Data.ToArray()).ToArray();

    [Fact]
    public void Port8472CaptureParsedWithPort8472GivesTheVxlanCapturesFields()
    {
        var frames = Frames("tcpdump-vxlan_port_8472");
        var expected = Expected("tcpdump-vxlan");
        Assert.Equal(expected.Length, frames.Length);
        for (int i = 0; i < frames.Length; i++)
        {
            var fast = CorpusFrame.From(FrameParser.Parse(frames[i], 8472));
            var reference = CorpusFrame.From(ReferenceFrameParser.Parse(frames[i], 8472));
            Assert.True(expected[i] == fast, $"frame {i + 1}: FrameParser {fast}, expected {expected[i]}");
            Assert.True(expected[i] == reference, $"frame {i + 1}: reference {reference}, expected {expected[i]}");
        }

        Assert.All(expected, e => Assert.Equal(100, e.Vni));
    }

    [Fact]
    public void EachCaptureHasNoVxlanOnTheOtherPort()
    {
        foreach (var (capture, port) in new[] { ("tcpdump-vxlan_port_8472", 4789), ("tcpdump-vxlan", 8472) })
        {
            foreach (var frame in Frames(capture))
            {
                Assert.False(FrameParser.Parse(frame, port).Has(FrameField.Vni));
                var reference = ReferenceFrameParser.Parse(frame, port);
                Assert.Null(reference.Vni);
                Assert.Null(reference.InnerDst);
            }
        }
    }
}
