using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Vmdq.Rules;
using Vmdq.Rules.Analysis;
using Vmdq.Rules.Model;
using Vmdq.Rules.Reference;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// Conflict (VMDQ0004), duplicate (VMDQ0006), redundancy (VMDQ0007) and override (VMDQ0012) messages
/// show one concrete frame. Each test checks the message word for word, builds that frame's bytes from
/// the fields the message shows, and runs the reference classifier on the file keeping each of the two
/// lines in turn: the frame must be decided by the line the message names and go where it says.
/// </summary>
public class CounterexampleTests
{
    private const string WebDb = "pool web 1\npool db  2\n";

    /// <summary>A file, the diagnostic it must report, its exact message, and the (line, place) claims the message makes.</summary>
    /// <param name="Text">The rules file.</param>
    /// <param name="Id">The diagnostic.</param>
    /// <param name="Message">Its exact message.</param>
    /// <param name="Claims">Each line of the two and where the frame goes when that line decides it ("web:0", "web, db", "drop"); the first claim decides with both lines present.</param>
    public sealed record Case(string Text, string Id, string Message, (int Line, string Place)[] Claims);

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        ["conflict mac vlan (docs)"] = new(
            WebDb + "mac 00:1b:21:0a:0b:02 vlan 150 -> web\nmac 00-1B-21-0A-0B-02 vlan 150 -> db\n",
            "VMDQ0004",
            "'mac 00:1b:21:0a:0b:02 vlan 150' is sent to db:0 here but to web:0 on line 3. "
            + "The frame [dst 00:1b:21:0a:0b:02, C-VID 150] matches both: by line 3 it goes to web:0, by line 4 it goes to db:0.",
            new[] { (3, "web:0"), (4, "db:0") }),
        ["conflict mac, drop against a queue"] = new(
            WebDb + "mac 00:1b:21:0a:0b:01 -> drop\nmac 00:1b:21:0a:0b:01 -> web:1\n",
            "VMDQ0004",
            "'mac 00:1b:21:0a:0b:01' is sent to web:1 here but to drop on line 3. "
            + "The frame [dst 00:1b:21:0a:0b:01, untagged] matches both: by line 3 it is dropped, by line 4 it goes to web:1.",
            new[] { (3, "drop"), (4, "web:1") }),
        ["conflict vlan, dst avoids the mac rules"] = new(
            WebDb + "mac 02:00:00:00:00:01 -> web\nmac 02:00:00:00:00:02 vlan 300 -> web\nvlan 300 -> web\nvlan 300 -> db\n",
            "VMDQ0004",
            "'vlan 300' is sent to db:0 here but to web:0 on line 5. "
            + "The frame [dst 02:00:00:00:00:03, C-VID 300] matches both: by line 5 it goes to web:0, by line 6 it goes to db:0.",
            new[] { (5, "web:0"), (6, "db:0") }),
        ["conflict vxlan, inner dst avoids the inner rule, file's port"] = new(
            "vxlan-port 8472\n" + WebDb + "vxlan 5001 inner 02:00:00:00:00:02 -> db\nvxlan 5001 -> web\nvxlan 5001 -> db\n",
            "VMDQ0004",
            "'vxlan 5001' is sent to db:0 here but to web:0 on line 5. "
            + "The frame [dst 02:00:00:00:00:01, untagged, VXLAN VNI 5001 on UDP port 8472, inner dst 02:00:00:00:00:03] matches both: "
            + "by line 5 it goes to web:0, by line 6 it goes to db:0.",
            new[] { (5, "web:0"), (6, "db:0") }),
        ["conflict vxlan inner"] = new(
            WebDb + "vxlan 5001 inner 52:54:00:12:34:56 -> web\nvxlan 5001 inner 52:54:00:12:34:56 -> db\n",
            "VMDQ0004",
            "'vxlan 5001 inner 52:54:00:12:34:56' is sent to db:0 here but to web:0 on line 3. "
            + "The frame [dst 02:00:00:00:00:01, untagged, VXLAN VNI 5001 on UDP port 4789, inner dst 52:54:00:12:34:56] matches both: "
            + "by line 3 it goes to web:0, by line 4 it goes to db:0.",
            new[] { (3, "web:0"), (4, "db:0") }),
        ["conflict nvgre"] = new(
            WebDb + "nvgre 70001 -> web\nnvgre 70001 -> drop\n",
            "VMDQ0004",
            "'nvgre 70001' is sent to drop here but to web:0 on line 3. "
            + "The frame [dst 02:00:00:00:00:01, untagged, NVGRE VSID 70001, inner dst 02:00:00:00:00:02] matches both: "
            + "by line 3 it goes to web:0, by line 4 it is dropped.",
            new[] { (3, "web:0"), (4, "drop") }),
        ["conflict nvgre inner"] = new(
            WebDb + "nvgre 70001 inner 52:54:00:12:34:57 -> db\nnvgre 70001 inner 52:54:00:12:34:57 -> web\n",
            "VMDQ0004",
            "'nvgre 70001 inner 52:54:00:12:34:57' is sent to web:0 here but to db:0 on line 3. "
            + "The frame [dst 02:00:00:00:00:01, untagged, NVGRE VSID 70001, inner dst 52:54:00:12:34:57] matches both: "
            + "by line 3 it goes to db:0, by line 4 it goes to web:0.",
            new[] { (3, "db:0"), (4, "web:0") }),
        ["conflict broadcast, replica order"] = new(
            WebDb + "broadcast -> web, db\nbroadcast -> db, web\n",
            "VMDQ0004",
            "'broadcast' is sent to db, web here but to web, db on line 3. "
            + "The frame [dst ff:ff:ff:ff:ff:ff, untagged] matches both: by line 3 it goes to web, db, by line 4 it goes to db, web.",
            new[] { (3, "web, db"), (4, "db, web") }),
        ["conflict multicast, dst avoids the mac rule"] = new(
            WebDb + "mac 01:00:5e:00:00:01 -> web\nmulticast -> web, db\nmulticast -> db\n",
            "VMDQ0004",
            "'multicast' is sent to db:0 here but to web, db on line 4. "
            + "The frame [dst 01:00:5e:00:00:02, untagged] matches both: by line 4 it goes to web, db, by line 5 it goes to db:0.",
            new[] { (4, "web, db"), (5, "db:0") }),
        ["conflict vlan, an nvgre rule does not take a frame without a VSID"] = new(
            WebDb + "nvgre 70001 -> db\nvlan 150 -> web\nvlan 150 -> db\n",
            "VMDQ0004",
            "'vlan 150' is sent to db:0 here but to web:0 on line 4. "
            + "The frame [dst 02:00:00:00:00:01, C-VID 150] matches both: by line 4 it goes to web:0, by line 5 it goes to db:0.",
            new[] { (4, "web:0"), (5, "db:0") }),
        ["conflict nvgre, vxlan and nvgre inner rules do not take it"] = new(
            WebDb + "vxlan 70001 -> db\nnvgre 70001 inner 52:54:00:12:34:57 -> db\nnvgre 70001 -> web\nnvgre 70001 -> drop\n",
            "VMDQ0004",
            "'nvgre 70001' is sent to drop here but to web:0 on line 5. "
            + "The frame [dst 02:00:00:00:00:01, untagged, NVGRE VSID 70001, inner dst 02:00:00:00:00:02] matches both: "
            + "by line 5 it goes to web:0, by line 6 it is dropped.",
            new[] { (5, "web:0"), (6, "drop") }),
        ["conflict nvgre inner, a vxlan inner rule on the same inner dst does not take it"] = new(
            WebDb + "vxlan 5001 inner 52:54:00:12:34:57 -> db\nnvgre 70001 inner 52:54:00:12:34:57 -> web\nnvgre 70001 inner 52:54:00:12:34:57 -> db\n",
            "VMDQ0004",
            "'nvgre 70001 inner 52:54:00:12:34:57' is sent to db:0 here but to web:0 on line 4. "
            + "The frame [dst 02:00:00:00:00:01, untagged, NVGRE VSID 70001, inner dst 52:54:00:12:34:57] matches both: "
            + "by line 4 it goes to web:0, by line 5 it goes to db:0.",
            new[] { (4, "web:0"), (5, "db:0") }),
        ["duplicate broadcast, a vlan rule does not take an untagged frame"] = new(
            WebDb + "vlan 10 -> db\nbroadcast -> web\nbroadcast -> web\n",
            "VMDQ0006",
            "'broadcast -> web:0' duplicates line 4. The frame [dst ff:ff:ff:ff:ff:ff, untagged] matches both and goes to web:0 by either line.",
            new[] { (4, "web:0"), (5, "web:0") }),
        ["duplicate multicast, a broadcast rule does not take a group address"] = new(
            WebDb + "broadcast -> db\nmulticast -> web\nmulticast -> web\n",
            "VMDQ0006",
            "'multicast -> web:0' duplicates line 4. The frame [dst 01:00:5e:00:00:01, untagged] matches both and goes to web:0 by either line.",
            new[] { (4, "web:0"), (5, "web:0") }),
        ["duplicate mac (docs)"] = new(
            "pool web 1\nmac 00:1b:21:0a:0b:01 -> web\nvlan 150 -> web\nmac 00:1b:21:0a:0b:01 -> web\n",
            "VMDQ0006",
            "'mac 00:1b:21:0a:0b:01 -> web:0' duplicates line 2. "
            + "The frame [dst 00:1b:21:0a:0b:01, untagged] matches both and goes to web:0 by either line.",
            new[] { (2, "web:0"), (4, "web:0") }),
        ["duplicate drop"] = new(
            WebDb + "vlan 150 -> drop\nvlan 150 -> drop\n",
            "VMDQ0006",
            "'vlan 150 -> drop' duplicates line 3. "
            + "The frame [dst 02:00:00:00:00:01, C-VID 150] matches both and is dropped by either line.",
            new[] { (3, "drop"), (4, "drop") }),
        ["redundant mac vlan against mac (docs)"] = new(
            "pool web 1\nmac 00:1b:21:0a:0b:01 -> web\nmac 00:1b:21:0a:0b:01 vlan 150 -> web\n",
            "VMDQ0007",
            "'mac 00:1b:21:0a:0b:01 vlan 150' sends its traffic to web:0, where 'mac 00:1b:21:0a:0b:01' on line 2 already sends it. "
            + "The frame [dst 00:1b:21:0a:0b:01, C-VID 150] goes to web:0 by line 3, and by line 2 without it.",
            new[] { (3, "web:0"), (2, "web:0") }),
        ["redundant mac vlan against vlan"] = new(
            WebDb + "vlan 150 -> db:1\nmac 00:1b:21:0a:0b:01 vlan 150 -> db:1\n",
            "VMDQ0007",
            "'mac 00:1b:21:0a:0b:01 vlan 150' sends its traffic to db:1, where 'vlan 150' on line 3 already sends it. "
            + "The frame [dst 00:1b:21:0a:0b:01, C-VID 150] goes to db:1 by line 4, and by line 3 without it.",
            new[] { (4, "db:1"), (3, "db:1") }),
        ["redundant vxlan inner"] = new(
            WebDb + "vxlan 5001 -> web\nvxlan 5001 inner 52:54:00:12:34:56 -> web\n",
            "VMDQ0007",
            "'vxlan 5001 inner 52:54:00:12:34:56' sends its traffic to web:0, where 'vxlan 5001' on line 3 already sends it. "
            + "The frame [dst 02:00:00:00:00:01, untagged, VXLAN VNI 5001 on UDP port 4789, inner dst 52:54:00:12:34:56] goes to web:0 by line 4, and by line 3 without it.",
            new[] { (4, "web:0"), (3, "web:0") }),
        ["redundant nvgre inner, both drop"] = new(
            WebDb + "nvgre 70001 -> drop\nnvgre 70001 inner 52:54:00:12:34:57 -> drop\n",
            "VMDQ0007",
            "'nvgre 70001 inner 52:54:00:12:34:57' sends its traffic to drop, where 'nvgre 70001' on line 3 already sends it. "
            + "The frame [dst 02:00:00:00:00:01, untagged, NVGRE VSID 70001, inner dst 52:54:00:12:34:57] is dropped by line 4, and by line 3 without it.",
            new[] { (4, "drop"), (3, "drop") }),
        ["override mac vlan against mac (docs)"] = new(
            WebDb + "mac 00:1b:21:0a:0b:01 -> web\nmac 00:1b:21:0a:0b:01 vlan 150 -> db\n",
            "VMDQ0012",
            "'mac 00:1b:21:0a:0b:01 vlan 150' sends part of the traffic of 'mac 00:1b:21:0a:0b:01' (line 3, to web:0) to db:0. "
            + "The frame [dst 00:1b:21:0a:0b:01, C-VID 150] goes to db:0 by line 4; without line 4, line 3 would send it to web:0.",
            new[] { (4, "db:0"), (3, "web:0") }),
        ["override mac vlan against vlan, to drop"] = new(
            WebDb + "vlan 150 -> web\nmac 00:1b:21:0a:0b:01 vlan 150 -> drop\n",
            "VMDQ0012",
            "'mac 00:1b:21:0a:0b:01 vlan 150' sends part of the traffic of 'vlan 150' (line 3, to web:0) to drop. "
            + "The frame [dst 00:1b:21:0a:0b:01, C-VID 150] is dropped by line 4; without line 4, line 3 would send it to web:0.",
            new[] { (4, "drop"), (3, "web:0") }),
        ["override mac vlan prefers mac over vlan"] = new(
            WebDb + "vlan 150 -> web\nmac 00:1b:21:0a:0b:01 -> db\nmac 00:1b:21:0a:0b:01 vlan 150 -> web:1\n",
            "VMDQ0012",
            "'mac 00:1b:21:0a:0b:01 vlan 150' sends part of the traffic of 'mac 00:1b:21:0a:0b:01' (line 4, to db:0) to web:1. "
            + "The frame [dst 00:1b:21:0a:0b:01, C-VID 150] goes to web:1 by line 5; without line 5, line 4 would send it to db:0.",
            new[] { (5, "web:1"), (4, "db:0") }),
        ["override vxlan inner, to another queue"] = new(
            WebDb + "vxlan 5001 -> web\nvxlan 5001 inner 52:54:00:12:34:56 -> web:1\n",
            "VMDQ0012",
            "'vxlan 5001 inner 52:54:00:12:34:56' sends part of the traffic of 'vxlan 5001' (line 3, to web:0) to web:1. "
            + "The frame [dst 02:00:00:00:00:01, untagged, VXLAN VNI 5001 on UDP port 4789, inner dst 52:54:00:12:34:56] goes to web:1 by line 4; "
            + "without line 4, line 3 would send it to web:0.",
            new[] { (4, "web:1"), (3, "web:0") }),
        ["override nvgre inner of a drop"] = new(
            WebDb + "nvgre 70001 -> drop\nnvgre 70001 inner 52:54:00:12:34:57 -> db\n",
            "VMDQ0012",
            "'nvgre 70001 inner 52:54:00:12:34:57' sends part of the traffic of 'nvgre 70001' (line 3, to drop) to db:0. "
            + "The frame [dst 02:00:00:00:00:01, untagged, NVGRE VSID 70001, inner dst 52:54:00:12:34:57] goes to db:0 by line 4; "
            + "without line 4, line 3 would drop it.",
            new[] { (4, "db:0"), (3, "drop") }),
    };

    public static TheoryData<string> Cases() => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheMessageShowsAFrameThatTheNamedLinesDecide(string name)
    {
        var c = s_cases[name];
        var result = RulesCompiler.Compile("t.vmdq", c.Text);
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == c.Id);
        Assert.Equal(c.Message, diagnostic.Message);

        var fields = WitnessFrames.Read(Regex.Match(diagnostic.Message, @"\[(?<frame>[^\]]*)\]").Groups["frame"].Value);
        byte[] frame = WitnessFrames.Build(fields);
        AssertParsesAs(fields, frame);

        // With both lines, the first claim's line decides (the specific rule, or the first of two equal matches).
        if (result.Model is { } model)
        {
            AssertDecides(model, frame, c.Claims[0]);
        }

        // Each line alone (the other blanked, line numbers kept) takes the frame where the message says.
        for (int i = 0; i < 2; i++)
        {
            var keep = c.Claims[i];
            var only = RulesCompiler.Compile("t.vmdq", Blank(c.Text, c.Claims[1 - i].Line));
            Assert.False(only.HasErrors, string.Join("\n", only.Diagnostics));
            AssertDecides(only.Model!, frame, keep);
        }
    }

    [Fact]
    public void NoFrameIsShownWhenAHigherPrecedenceRuleTakesEveryFrameOfTheMatch()
    {
        const string text = WebDb + "mac ff:ff:ff:ff:ff:ff -> db\nbroadcast -> web, db\nbroadcast -> web, db\n";
        var result = RulesCompiler.Compile("t.vmdq", text);
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "VMDQ0006");
        Assert.Equal(
            "'broadcast -> web, db' duplicates line 4. No frame reaches either line: 'mac ff:ff:ff:ff:ff:ff' on line 3 takes every such frame first.",
            diagnostic.Message);

        // True: the broadcast frame goes by line 3.
        byte[] broadcast = WitnessFrames.Build(WitnessFrames.Read("dst ff:ff:ff:ff:ff:ff, untagged"));
        Assert.Equal(3, new ReferenceClassifier(result.Model!).Classify(broadcast).RuleLine);
    }

    [Fact]
    public void AMacVlanRuleOnTheBroadcastAddressDoesNotHideUntaggedBroadcasts()
    {
        const string text = WebDb + "mac ff:ff:ff:ff:ff:ff vlan 10 -> db\nbroadcast -> web\nbroadcast -> web\n";
        var diagnostic = Assert.Single(RulesCompiler.Compile("t.vmdq", text).Diagnostics, d => d.Id == "VMDQ0006");
        Assert.Equal(
            "'broadcast -> web:0' duplicates line 4. The frame [dst ff:ff:ff:ff:ff:ff, untagged] matches both and goes to web:0 by either line.",
            diagnostic.Message);
    }

    /// <summary>
    /// The group matches as a witness frame checks them. A multicast rule is never asked about a witness (no
    /// kind comes after it), so its arm is checked here directly: group addresses but not broadcast.
    /// </summary>
    [Fact]
    public void WitnessFramesAreMatchedByGroupRulesOnlyForTheirDestinations()
    {
        static bool Matches(MatchKind kind, ulong dst) =>
            new WitnessFrame(dst, null, null, null, null, 4789).IsMatchedBy(new MatchKey(kind, 0, 0));

        Assert.True(Matches(MatchKind.Multicast, 0x0100_5E00_0001UL));
        Assert.False(Matches(MatchKind.Multicast, Mac.Broadcast));
        Assert.False(Matches(MatchKind.Multicast, 0x0200_0000_0001UL));
        Assert.True(Matches(MatchKind.Broadcast, Mac.Broadcast));
        Assert.False(Matches(MatchKind.Broadcast, 0x0100_5E00_0001UL));
    }

    /// <summary>docs/diagnostics.md shows the real message of each of these checks' bad example.</summary>
    [Theory]
    [InlineData("VMDQ0004")]
    [InlineData("VMDQ0006")]
    [InlineData("VMDQ0007")]
    [InlineData("VMDQ0012")]
    public void TheDocsShowTheRealMessageWithItsFrame(string id)
    {
        string markdown = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "diagnostics.md")).Replace("\r\n", "\n");
        string section = markdown.Split(new[] { "\n## " }, StringSplitOptions.None).Single(s => s.StartsWith(id + "\n", StringComparison.Ordinal));
        string bad = Regex.Match(section, "```vmdq-bad\n(?<text>.*?)```", RegexOptions.Singleline).Groups["text"].Value;
        string shown = section.Split('\n').Single(l => l.StartsWith("bad.vmdq(", StringComparison.Ordinal));

        var diagnostic = Assert.Single(RulesCompiler.Compile("bad.vmdq", bad).Diagnostics, d => d.Id == id);
        Assert.Equal("bad.vmdq" + diagnostic, shown);
        Assert.Contains(" The frame [", shown, StringComparison.Ordinal);
    }

    private static void AssertParsesAs(WitnessFrames.Fields expected, byte[] frame)
    {
        var parsed = ReferenceFrameParser.Parse(frame, expected.Port);
        Assert.Equal(WitnessFrames.MacValue(expected.Dst), parsed.Dst);
        Assert.Equal(expected.Cvid, parsed.Cvid);
        Assert.Null(parsed.Svid);
        Assert.Equal(expected.Vni, parsed.Vni);
        Assert.Equal(expected.Vsid, parsed.Vsid);
        Assert.Equal(expected.InnerDst is { } inner ? WitnessFrames.MacValue(inner) : null, parsed.InnerDst);
    }

    private static void AssertDecides(RuleSet model, byte[] frame, (int Line, string Place) claim)
    {
        var verdict = new ReferenceClassifier(model).Classify(frame);
        Assert.Equal(claim.Line, verdict.RuleLine);
        Assert.Equal(claim.Place, Place(model, verdict));
    }

    /// <summary>Where a verdict sends a frame, spelt as messages spell targets.</summary>
    private static string Place(RuleSet model, ReferenceVerdict verdict)
    {
        string Name(int index) => model.Pools.Single(p => p.Index == index).Name;
        return verdict.IsDrop ? "drop"
            : verdict.Replicas.Count > 1 ? string.Join(", ", verdict.Replicas.Select(Name))
            : $"{Name(verdict.Pool)}:{verdict.Queue}";
    }

    private static string Blank(string text, int line)
    {
        string[] lines = text.Split('\n');
        lines[line - 1] = string.Empty;
        return string.Join("\n", lines);
    }
}
