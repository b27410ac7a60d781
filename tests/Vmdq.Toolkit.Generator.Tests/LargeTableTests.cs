using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Vmdq.Generator;
using Vmdq.Generator.Emit;
using Vmdq.Generator.Plan;
using Vmdq.Rules;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Classification;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// Tables larger than <see cref="VmdqGenerator.InlineTableLimit"/> are printed as packed text
/// (<see cref="TableText"/>, decoded by <see cref="TableData.Unpack"/>), or as base64 past the dispatcher's
/// text budget: the dispatcher classifies every rule as the reference interpreter does either way, and the
/// text round-trips every byte.
/// </summary>
public class LargeTableTests
{
    private delegate Verdict ClassifyFn(ReadOnlySpan<byte> frame);

    /// <summary>A rules file of <paramref name="n"/> rules of each table kind, and one frame that hits each rule.</summary>
    private static (string Rules, List<byte[]> Frames) ManyRules(int n)
    {
        static string Mac(int prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"02:{prefix:x2}:00:{(i >> 16) & 0xff:x2}:{(i >> 8) & 0xff:x2}:{i & 0xff:x2}");
        var sb = new StringBuilder("dispatcher Big.LargeDispatcher\nnic pools 8 queues 4 ring 512\n");
        for (int p = 1; p < 8; p++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"pool p{p} {p}\n");
        }

        var frames = new List<byte[]>();
        string Pool(int i) => "p" + ((i % 7) + 1).ToString(CultureInfo.InvariantCulture) + ":" + (i % 4).ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < n; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"mac {Mac(0x10, i)} -> {Pool(i)}\n");
            frames.Add(Frames.Ethernet(Mac(0x10, i), 0x0800));
            sb.Append(CultureInfo.InvariantCulture, $"mac {Mac(0x20, i)} vlan {4001 + (i % 94)} -> {Pool(i + 1)}\n");
            frames.Add(Frames.Ethernet(Mac(0x20, i), 0x0800, null, (0x8100, 4001 + (i % 94))));
            sb.Append(CultureInfo.InvariantCulture, $"vxlan {10_000 + i} -> {Pool(i + 2)}\n");
            frames.Add(Frames.Ethernet("02:00:00:00:00:01", 0x0800, Frames.Vxlan(10_000 + i, Frames.Inner("02:00:00:00:00:02"))));
            sb.Append(CultureInfo.InvariantCulture, $"nvgre {20_000 + i} inner {Mac(0x30, i)} -> {Pool(i + 3)}\n");
            frames.Add(Frames.Ethernet("02:00:00:00:00:01", 0x0800, Frames.Nvgre(20_000 + i, Frames.Inner(Mac(0x30, i)))));
        }

        for (int v = 0; v < Math.Min(n, 3000); v++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"vlan {1 + v} -> {Pool(v)}\n");
            frames.Add(Frames.Ethernet("02:77:00:00:00:01", 0x0800, null, (0x8100, 1 + v)));
        }

        return (sb.ToString(), frames);
    }

    private static void AssertClassifiesAsReference(Type dispatcher, string rules, List<byte[]> frames)
    {
        var result = RulesCompiler.Compile("large.vmdq", rules);
        Assert.True(result.Model is not null, string.Join("\n", result.Diagnostics.Take(5)));
        var reference = new ReferenceClassifier(result.Model!);
        var classify = dispatcher.GetMethod("Classify", new[] { typeof(ReadOnlySpan<byte>) })!.CreateDelegate<ClassifyFn>();
        int hits = 0;
        foreach (var frame in frames)
        {
            var expected = reference.Classify(frame);
            var actual = classify(frame);
            Assert.True(
                (expected.Pool, expected.Queue, expected.RuleLine, (int)expected.Kind) == (actual.Pool, actual.Queue, actual.RuleLine, (int)actual.Kind),
                $"Generated {actual} but the reference says pool {expected.Pool} queue {expected.Queue} line {expected.RuleLine} for {Convert.ToHexString(frame)}");
            hits += expected.RuleLine > 0 ? 1 : 0;
        }

        // Each frame hits its rule (none falls to the default pool), so every table's content was read.
        Assert.Equal(frames.Count, hits);
    }

    [Fact]
    public void PackedTablesClassifyEveryRule()
    {
        var (rules, frames) = ManyRules(1500);
        string source = CompilationHarness.GenerateSource("large.vmdq", rules);
        foreach (var table in new[] { "TunnelInnerKeys", "TunnelKeys", "MacVlanKeys", "MacKeys", "VlanKeys", "TunnelInnerVerdicts", "TunnelVerdicts", "MacVlanVerdicts", "MacVerdicts", "VlanVerdicts" })
        {
            Assert.Contains($"public static readonly byte[] {table} = global::Vmdq.Toolkit.Classification.TableData.UnpackRows(", source);
        }

        Assert.DoesNotContain("u8", source);
        AssertClassifiesAsReference(CompilationHarness.CompileSource(source), rules, frames);
    }

    [Fact]
    public void A_packed_L2_forwarding_table_is_the_one_the_runtime_engine_builds()
    {
        var (rules, _) = ManyRules(1500);
        string source = CompilationHarness.GenerateSource("large.vmdq", rules);
        Assert.Contains("public static readonly byte[] L2Filters = global::Vmdq.Toolkit.Classification.TableData.UnpackRows(81000, 18, ", source);
        var info = (DispatcherInfo)CompilationHarness.CompileSource(source).GetProperty("Info")!.GetValue(null)!;
        var runtime = RuntimeDispatcher.Load(rules, "large.vmdq").Dispatcher!.Info.L2Forwarding;
        Assert.Equal(1500 + 1500 + 1500, info.L2Forwarding.Filters.Count);   // mac, mac+vlan, vlan; no tunnel rule
        Assert.Equal(runtime.Filters, info.L2Forwarding.Filters);
        Assert.Equal(runtime.Members, info.L2Forwarding.Members);
    }

    [Fact]
    public void A_channel_files_L2_forwarding_table_carries_the_channels_and_is_the_one_the_runtime_engine_builds()
    {
        // Three sections (the untagged channel, S-VID 10 vepa, S-VID 300 vsi), the same MAC in two of them, 600 mac rules in the
        // first channel so the filters are packed: each filter, membership and channel equal to the runtime engine's.
        var sb = new StringBuilder("dispatcher Big.ChannelL2Dispatcher\nnic pools 8 queues 2 ring 512\nswitch veb\npool u0 0\npool u1 1 vlan-insert 40\n");
        for (int i = 0; i < 600; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"mac 02:00:00:00:{i >> 8:x2}:{i & 0xff:x2} -> u{i % 2}\n");
        }

        sb.Append("channel blue svid 10 vepa\npool b2 2\npool b3 3\nmac 02:00:00:00:00:01 -> b3:1\nvlan 77 -> b2\nmac 02:00:00:00:00:02 vlan 77 -> drop\n");
        sb.Append("channel bmc svid 300 vsi\npool m4 4\nmac 02:00:00:00:00:01 -> m4\n");
        string rules = sb.ToString();
        string source = CompilationHarness.GenerateSource("chan.vmdq", rules);
        Assert.Contains("public static readonly byte[] L2Filters = global::Vmdq.Toolkit.Classification.TableData.UnpackRows(12080, 20, ", source);
        Assert.Contains("L2ForwardingTable.FromBytes(ChannelL2DispatcherTables.L2Filters, ChannelL2DispatcherTables.L2Members, ChannelL2DispatcherTables.L2Channels)", source);
        var generated = ((DispatcherInfo)CompilationHarness.CompileSource(source).GetProperty("Info")!.GetValue(null)!).L2Forwarding;
        var runtime = RuntimeDispatcher.Load(rules, "chan.vmdq").Dispatcher!.Info.L2Forwarding;
        Assert.Equal(runtime.Filters, generated.Filters);
        Assert.Equal(runtime.Members, generated.Members);
        Assert.Equal(runtime.Channels, generated.Channels);
        Assert.Equal([new L2Channel(1, 10, SwitchMode.Vepa), new L2Channel(2, 300, SwitchMode.Vsi)], generated.Channels);

        // What the switch reads: each pool's channel, each channel's filters only, S-VIDs to channels.
        Assert.Equal([0, 0, 1, 1, 2, 0], Enumerable.Range(0, 6).Select(generated.ChannelOfPool));
        Assert.Equal(1, generated.Lookup(0x0200_0000_0001UL, L2ForwardingTable.Untagged, 0)!.Value.Pool);
        Assert.Equal((3, 1), (generated.Lookup(0x0200_0000_0001UL, L2ForwardingTable.Untagged, 1)!.Value.Pool, generated.Lookup(0x0200_0000_0001UL, L2ForwardingTable.Untagged, 1)!.Value.Queue));
        Assert.Equal(4, generated.Lookup(0x0200_0000_0001UL, L2ForwardingTable.Untagged, 2)!.Value.Pool);
        Assert.True(generated.Lookup(0x0200_0000_0002UL, 77, 1)!.Value.IsDrop);
        Assert.False(generated.Lookup(0x0200_0000_0002UL, 77, 0)!.Value.IsDrop);
        Assert.Null(generated.Lookup(0x0200_0000_0005UL, 77, 2));
        Assert.Equal((1, 2, -1, -1), (generated.ChannelOfSvid(10), generated.ChannelOfSvid(300), generated.ChannelOfSvid(20), generated.ChannelOfSvid(0)));
        Assert.Equal((SwitchMode.Vepa, SwitchMode.Vsi, SwitchMode.Veb), (generated.ModeOf(1, SwitchMode.Veb), generated.ModeOf(2, SwitchMode.Veb), generated.ModeOf(0, SwitchMode.Veb)));
    }

    [Fact]
    public void Many_source_MACs_come_from_a_table_and_equal_the_runtime_engines()
    {
        // 1500 mac rules spread over 7 pools (214-215 MACs each, past InlineSourceMacLimit), and the mac+vlan rules' MACs:
        // an array initializer of 550K ulongs cost the 1M-rule build 10+ s of compile; a table costs it nothing.
        var (rules, _) = ManyRules(1500);
        string source = CompilationHarness.GenerateSource("large.vmdq", rules);
        Assert.DoesNotContain("SourceMacs: new ulong[]", source);
        Assert.Contains("SourceMacs: global::Vmdq.Toolkit.Classification.TableData.ToUInt64s(LargeDispatcherTables.Pool1SourceMacs)", source);
        // 428 MACs of 8 bytes: under InlineTableLimit, so a byte span with the MACs in comments (larger ones are packed text).
        Assert.Contains("public static global::System.ReadOnlySpan<byte> Pool1SourceMacs => new byte[]", source);
        Assert.Contains("// slot 0: 02:10:00:00:00:00", source);
        var info = (DispatcherInfo)CompilationHarness.CompileSource(source).GetProperty("Info")!.GetValue(null)!;
        var runtime = RuntimeDispatcher.Load(rules, "large.vmdq").Dispatcher!.Info;
        Assert.Equal(runtime.Pools.Count, info.Pools.Count);
        for (int p = 0; p < info.Pools.Count; p++)
        {
            Assert.Equal(runtime.Pools[p].SourceMacs ?? [], info.Pools[p].SourceMacs ?? []);
        }

        Assert.Equal(2 * 1500, info.Pools.Sum(p => p.SourceMacs?.Count ?? 0));

        // A few MACs stay an initializer (readable in the generated file, with their colon form).
        string small = CompilationHarness.GenerateSource("small.vmdq", "dispatcher S.SmallDispatcher\nnic pools 4 queues 1 ring 512\npool a 1\nmac 02:00:00:00:00:01 -> a\n");
        Assert.Contains("SourceMacs: new ulong[]", small);
        Assert.Contains("0x20000000001UL, // 02:00:00:00:00:01", small);
        Assert.Throws<InvalidOperationException>(() => TableData.ToUInt64s(new byte[12]));
        Assert.Equal(new ulong[] { 0x0102030405060708UL }, TableData.ToUInt64s(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }));
    }

    [Fact]
    public void TablesPastTheTextBudgetAreBase64AndClassifyEveryRule()
    {
        var (rules, frames) = ManyRules(600);
        var model = RulesCompiler.Compile("large.vmdq", rules);
        var plan = DispatchPlanner.Lower(CompilationHarnessModel(model), CancellationToken.None);
        string source = VmdqGenerator.Emit(plan, CancellationToken.None, packedTextBudget: 0);
        Assert.Contains("public static readonly byte[] MacKeys = global::Vmdq.Toolkit.Classification.TableData.FromBase64(\"", source);
        Assert.Contains("public static readonly byte[] MacVerdicts = global::Vmdq.Toolkit.Classification.TableData.FromBase64(\"", source);
        Assert.DoesNotContain("TableData.Unpack", source);
        AssertClassifiesAsReference(CompilationHarness.CompileSource(source), rules, frames);
    }

    private static Vmdq.Rules.Model.RuleSet CompilationHarnessModel(RulesResult result)
    {
        Assert.True(result.Model is not null, string.Join("\n", result.Diagnostics.Take(5)));
        return result.Model!;
    }

    /// <summary>Lengths around the 15-byte block (8 characters) and a few larger ones.</summary>
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (int n in new[] { 0, 1, 2, 7, 8, 14, 15, 16, 17, 29, 30, 31, 44, 45, 46, 255, 256, 1000, 16384 * 15 / 8, (16384 * 15 / 8) + 1, 100_000 })
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TextRoundTripsRandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var text = TableText.ToText(bytes);
        Assert.All(text, part => Assert.InRange(part.Length, 0, TableText.PartLength));
        Assert.All(text.SelectMany(p => p), c => Assert.InRange(c, '\u3000', '\uafff'));
        Assert.Equal(bytes, TableData.FromText(length, text.ToArray()));

        var packed = TableText.Pack(bytes);
        Assert.Equal(bytes, TableData.Unpack(length, packed.PackedLength, packed.Parts.ToArray()));
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(8, 8)]
    [InlineData(4096 * 8, 8)]
    [InlineData(4096 * 16, 16)]
    [InlineData(1500 * 18, 18)]
    [InlineData(1000 * 6, 6)]
    [InlineData(1001, 8)]
    [InlineData(999, 1)]
    public void RowsRoundTripColumnByColumn(int length, int rowSize)
    {
        // Rows alike in their high bytes, as table rows are: the columns compress better than the rows.
        var random = new Random(length + rowSize);
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = i % rowSize < 3 ? (byte)random.Next(256) : (byte)(i % rowSize);
        }

        var packed = TableText.Pack(bytes, rowSize);
        bool columns = rowSize > 1 && length % rowSize == 0;
        Assert.Equal(columns ? rowSize : 1, packed.RowSize);
        byte[] decoded = columns
            ? TableData.UnpackRows(length, rowSize, packed.PackedLength, packed.Parts.ToArray())
            : TableData.Unpack(length, packed.PackedLength, packed.Parts.ToArray());
        Assert.Equal(bytes, decoded);
        if (columns && length > 0)
        {
            // Byte k of row r is at k * rows + r before deflate.
            var stored = TableText.Columns(bytes, rowSize);
            int rows = length / rowSize;
            Assert.Equal(bytes[((rows - 1) * rowSize) + 1], stored[rows + rows - 1]);
            Assert.Equal(stored, TableData.Unpack(length, TableText.Pack(stored).PackedLength, TableText.Pack(stored).Parts.ToArray()));
        }
    }

    [Fact]
    public void RowsOfAWrongSizeAreAClearError()
    {
        var packed = TableText.Pack(new byte[64], 8);
        var error = Assert.Throws<InvalidOperationException>(() => TableData.UnpackRows(64, 7, packed.PackedLength, packed.Parts.ToArray()));
        Assert.Contains("64 bytes in rows of 7", error.Message);
        Assert.Throws<InvalidOperationException>(() => TableData.UnpackRows(64, 0, packed.PackedLength, packed.Parts.ToArray()));
        Assert.Throws<InvalidOperationException>(() => TableData.UnpackRows(56, 8, packed.PackedLength, packed.Parts.ToArray()));
    }

    [Fact]
    public void TextRoundTripsEveryByteValue()
    {
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).Concat(Enumerable.Range(0, 256).Select(b => (byte)(255 - b))).ToArray();
        Assert.Equal(bytes, TableData.FromText(bytes.Length, TableText.ToText(bytes).ToArray()));
        var zeros = new byte[70_000];
        var packed = TableText.Pack(zeros);
        Assert.True(packed.PackedLength < 1000, $"{packed.PackedLength} bytes for 70,000 zeros");
        Assert.Equal(zeros, TableData.Unpack(zeros.Length, packed.PackedLength, packed.Parts.ToArray()));
    }

    [Fact]
    public void TheRuntimeReadsTheGeneratorsAlphabet()
    {
        Assert.Equal(TableData.First, TableText.First);
        Assert.Equal(TableData.BitsPerChar, TableText.BitsPerChar);
    }

    [Fact]
    public void CorruptTextIsAClearError()
    {
        var bytes = new byte[300];
        new Random(7).NextBytes(bytes);
        string text = string.Concat(TableText.ToText(bytes));
        var packed = TableText.Pack(bytes);
        string packedText = string.Concat(packed.Parts);

        void Corrupt(Func<byte[]> decode, string detail)
        {
            var ex = Assert.Throws<InvalidOperationException>(decode);
            Assert.StartsWith("A generated Vmdq table is corrupt (", ex.Message, StringComparison.Ordinal);
            Assert.Contains(detail, ex.Message, StringComparison.Ordinal);
        }

        Corrupt(() => TableData.FromText(300, "A" + text[1..]), "character U+0041");
        Corrupt(() => TableData.FromText(300, text + "\u3000"), "characters for 300 bytes");
        Corrupt(() => TableData.FromText(300, text[..^1]), "characters for 300 bytes");
        // 301 bytes: 161 characters, 7 padding bits in the last one.
        string odd = string.Concat(TableText.ToText(bytes.Append((byte)0xff).ToArray()));
        Assert.Equal(301, TableData.FromText(301, odd).Length);
        Corrupt(() => TableData.FromText(301, odd[..^1] + "\uafff"), "non-zero padding");
        Corrupt(() => TableData.Unpack(300, packed.PackedLength, "\uafff" + packedText[1..]), "");
        Corrupt(() => TableData.Unpack(301, packed.PackedLength, packedText), "");
        Corrupt(() => TableData.Unpack(299, packed.PackedLength, packedText), "more than 299 bytes");
        Corrupt(() => TableData.FromBase64("@@@@"u8), "InvalidData");
    }
}
