using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Generated;
using Vmdq.Rules;
using Vmdq.Rules.Reference;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// The dispatcher the generator made from channels.vmdq (IEEE 802.1Qbg S-channels), a runtime-loaded one and the reference
/// interpreter, on frames untagged, S-tagged on each declared S-VID, on undeclared S-VIDs, and cut inside the S-tag.
/// </summary>
public class ChannelDispatcherTests
{
    private static readonly string s_text = RulesFiles.Read("channels.vmdq");

    /// <summary>dst, then an optional S-tag (0x88A8), an optional C-tag, then IPv4/UDP with an optional VXLAN header.</summary>
    private static byte[] Frame(string dst, int svid = -1, int cvid = -1, int vni = -1)
    {
        var bytes = new List<byte>(Convert.FromHexString(dst.Replace(":", string.Empty, StringComparison.Ordinal)));
        bytes.AddRange(Convert.FromHexString("0200000000aa"));
        if (svid >= 0)
        {
            bytes.AddRange(new byte[] { 0x88, 0xA8, (byte)(svid >> 8), (byte)svid });
        }

        if (cvid >= 0)
        {
            bytes.AddRange(new byte[] { 0x81, 0x00, (byte)(cvid >> 8), (byte)cvid });
        }

        bytes.AddRange(new byte[] { 0x08, 0x00 });
        var ip = new byte[20];
        ip[0] = 0x45;
        ip[9] = 17;
        bytes.AddRange(ip);
        bytes.AddRange(new byte[] { 0x30, 0x39, 0x12, 0xB5, 0, 16, 0, 0 }); // UDP to 4789
        bytes.AddRange(vni >= 0 ? new byte[] { 0x08, 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0 } : new byte[8]);
        bytes.AddRange(new byte[14]);
        return bytes.ToArray();
    }

    public static TheoryData<string, int, int, int, string> Cases() => new()
    {
        // Untagged: the untagged channel's rules and default.
        { "00:1b:21:00:00:01", -1, -1, -1, "pool 1 queue 0 (line 9, Mac)" },
        { "00:1b:21:00:00:77", -1, 100, -1, "pool 0 queue 1 (line 10, Vlan)" },
        { "00:1b:21:00:00:77", -1, -1, -1, "pool 0 queue 0 (default)" },
        { "ff:ff:ff:ff:ff:ff", -1, -1, -1, "pool 0 queue 0 (line 11, Broadcast)" },

        // S-VID 10: the same MAC is another pool's; its own default pool; its own broadcast list.
        { "00:1b:21:00:00:01", 10, -1, -1, "pool 2 queue 0 (line 18, Mac)" },
        { "00:1b:21:00:00:02", 10, 100, -1, "pool 3 queue 1 (line 19, MacVlan)" },
        { "00:1b:21:00:00:77", 10, 100, -1, "pool 3 queue 0 (default)" },
        { "00:1b:21:00:00:77", 10, -1, 5001, "pool 2 queue 0 (line 20, Vxlan)" },
        { "ff:ff:ff:ff:ff:ff", 10, -1, -1, "pool 2 queue 0 (line 21, Broadcast)" },

        // S-VID 20: a VSI channel without a default pool drops what no rule takes, with the channel's line.
        { "00:1b:21:00:00:09", 20, -1, -1, "pool 4 queue 0 (line 26, Mac)" },
        { "00:1b:21:00:00:01", 20, -1, -1, "drop (line 24, Default)" },
        { "00:1b:21:00:00:66", 20, -1, -1, "drop (line 27, Mac)" },
        { "ff:ff:ff:ff:ff:ff", 20, -1, -1, "drop (line 24, Default)" },

        // Undeclared S-VIDs (0 and 4095 included): dropped, line 0. The untagged channel's rules never apply to them.
        { "00:1b:21:00:00:01", 11, -1, -1, "drop (line 0, Default)" },
        { "00:1b:21:00:00:01", 0, -1, -1, "drop (line 0, Default)" },
        { "ff:ff:ff:ff:ff:ff", 4095, 100, -1, "drop (line 0, Default)" },

        // A VLAN rule of the untagged channel does not match the C-tag of an S-channel's frame (another MAC than the row above,
        // which xUnit would skip as a duplicate).
        { "00:1b:21:00:00:78", 10, 100, -1, "pool 3 queue 0 (default)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedRuntimeAndReferenceAgreeOnEachChannel(string dst, int svid, int cvid, int vni, string expected)
    {
        var frame = Frame(dst, svid, cvid, vni);
        var generated = ChannelsDispatcher.Classify(frame);
        Assert.Equal(expected, generated.ToString());

        var runtime = RuntimeDispatcher.Load(s_text, "channels.vmdq").Dispatcher!;
        Assert.Equal(generated, runtime.Classify(frame));
        Assert.Equal(ChannelsDispatcher.Replicas(generated).ToArray(), runtime.Replicas(generated).ToArray());

        var reference = new ReferenceClassifier(RulesCompiler.Compile("channels.vmdq", s_text).Model!).Classify(frame);
        Assert.Equal((reference.Pool, reference.Queue, reference.IsDrop, reference.RuleLine, (int)reference.Kind), (generated.Pool, generated.Queue, generated.IsDrop, generated.RuleLine, (int)generated.Kind));
        Assert.Equal(reference.Replicas.ToArray(), ChannelsDispatcher.Replicas(generated).ToArray());
        Assert.Equal(svid is 0 or 11 or 4095, generated.IsUnknownChannel);

        // What 'vmdq explain' lists: the matching rules of the frame's channel only, the winner first.
        var matching = runtime.MatchingRules(runtime.Parse(frame));
        if (generated.IsDefault)
        {
            Assert.Empty(matching);
        }
        else
        {
            Assert.Equal(generated, matching[0]);
        }
    }

    [Fact]
    public void Each_channel_replicates_to_its_own_broadcast_list()
    {
        Assert.Equal(new[] { 0, 1 }, ChannelsDispatcher.Replicas(ChannelsDispatcher.Classify(Frame("ff:ff:ff:ff:ff:ff"))).ToArray());
        Assert.Equal(new[] { 2, 3 }, ChannelsDispatcher.Replicas(ChannelsDispatcher.Classify(Frame("ff:ff:ff:ff:ff:ff", svid: 10))).ToArray());
    }

    [Fact]
    public void A_frame_cut_inside_its_S_tag_is_in_the_untagged_channel_and_batches_agree()
    {
        var full = Frame("00:1b:21:00:00:01", svid: 10);

        // 14..17 bytes: TPID 0x88A8 read as the EtherType, no S-tag (its TCI is not whole): the untagged channel's MAC rule.
        var frames = Enumerable.Range(0, full.Length + 1).Select(n => full.AsSpan(0, n).ToArray()).ToArray();
        Assert.Equal("pool 1 queue 0 (line 9, Mac)", ChannelsDispatcher.Classify(frames[15]).ToString());
        Assert.Equal("pool 2 queue 0 (line 18, Mac)", ChannelsDispatcher.Classify(frames[16]).ToString());

        var batch = new Verdict[frames.Length];
        ChannelsDispatcher.ClassifyBatch(frames, batch);
        var runtime = RuntimeDispatcher.Load(s_text, "channels.vmdq").Dispatcher!;
        var runtimeBatch = new Verdict[frames.Length];
        runtime.ClassifyBatch(frames, runtimeBatch);
        var reference = new ReferenceClassifier(RulesCompiler.Compile("channels.vmdq", s_text).Model!);
        for (int i = 0; i < frames.Length; i++)
        {
            var single = ChannelsDispatcher.Classify(frames[i]);
            Assert.Equal(single, batch[i]);
            Assert.Equal(single, runtimeBatch[i]);
            var e = reference.Classify(frames[i]);
            Assert.Equal((e.Pool, e.Queue, e.IsDrop, e.RuleLine), (single.Pool, single.Queue, single.IsDrop, single.RuleLine));
        }
    }
}
