using System;
using System.Linq;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The kernels read tables without bounds checks, so <see cref="ProbeTable"/> and <see cref="ClassifierTables"/>
/// refuse data whose lengths do not match what the shifts address, with messages that say what is wrong.
/// </summary>
public class KernelTablesValidationTests
{
    /// <summary>Whether batches run eight frames per step here (AVX-512 VBMI), where the loops never prefetch.</summary>
    private static bool EightLanes => FrameParser.IsParse8Avx512;

    [Theory]
    [InlineData(64, 8)]
    [InlineData(128, 16)]
    public void ProbeTableAcceptsExactLengths(int keys, int keySize)
    {
        // 4 buckets (shift 62) of 8 bytes, 8 slots (shift 61) of 8- or 16-byte keys and 8-byte verdicts.
        var table = new ProbeTable(new byte[32], new byte[keys], new byte[64], 62, 61);
        Assert.True(table.IsValid);
        Assert.Equal(keySize, table.KeySize);
        Assert.Equal(8, table.SlotCount);
        Assert.Equal(32 + keys + 64, table.Bytes);
    }

    [Theory]
    [InlineData(31, 64, 64, "displacements", "4 buckets of 8 bytes (32 bytes), but displacements has 31 bytes")]
    [InlineData(64, 64, 64, "displacements", "4 buckets of 8 bytes (32 bytes), but displacements has 64 bytes")]
    [InlineData(32, 63, 64, "keys", "8 slots, so its keys take 64 bytes (8 per key) or 128 (16 per key), but keys has 63 bytes")]
    [InlineData(32, 96, 64, "keys", "but keys has 96 bytes")]
    [InlineData(32, 64, 128, "verdicts", "8 slots of 8 bytes (64 bytes), but verdicts has 128 bytes")]
    public void ProbeTableRefusesLengthsTheShiftsDoNotAddress(int displacements, int keys, int verdicts, string parameter, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProbeTable(new byte[displacements], new byte[keys], new byte[verdicts], 62, 61));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeTableRefusesVerdictsWithBitsAboveTheLayout()
    {
        var verdicts = new byte[64];
        verdicts[3 * 8 + 5] = 2; // slot 3, bit 41
        var ex = Assert.Throws<ArgumentException>(() => new ProbeTable(new byte[32], new byte[64], verdicts, 62, 61));
        Assert.Equal("verdicts", ex.ParamName);
        Assert.Contains("slot 3 has bits above the verdict layout's 41", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64, 61, "bucketShift")]
    [InlineData(32, 61, "bucketShift")]
    [InlineData(62, 0, "shift")]
    public void ProbeTableRefusesShiftsOutsideTheRange(int bucketShift, int shift, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeTable(new byte[32], new byte[64], new byte[64], bucketShift, shift));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains("33..63", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeTableRefusesNull()
    {
        Assert.Equal("displacements", Assert.Throws<ArgumentNullException>(() => new ProbeTable(null!, new byte[16], new byte[16], 63, 63)).ParamName);
        Assert.Equal("keys", Assert.Throws<ArgumentNullException>(() => new ProbeTable(new byte[16], null!, new byte[16], 63, 63)).ParamName);
        Assert.Equal("verdicts", Assert.Throws<ArgumentNullException>(() => new ProbeTable(new byte[16], new byte[16], null!, 63, 63)).ParamName);
    }

    [Fact]
    public void EmptyTablesMissEveryKey()
    {
        var empty = ProbeTable.Empty;
        var emptyWide = ProbeTable.EmptyWide;
        Assert.Equal(8, empty.KeySize);
        Assert.Equal(16, emptyWide.KeySize);
        foreach (ulong key in new[] { 0UL, 1UL, 0xFFFF_FFFF_FFFFUL, (1UL << 62) - 1 })
        {
            TableProbe.Probe(in empty, key, ulong.MaxValue, out ulong hit);
            Assert.Equal(0UL, hit);
            TableProbe.ProbeWide(in emptyWide, key, 0, ulong.MaxValue, out hit);
            Assert.Equal(0UL, hit);
        }
    }

    [Theory]
    [InlineData(16, false)] // 65,536 slots: 1 MiB of keys and verdicts + 256 KiB of displacements, below 2 MiB
    [InlineData(17, true)] // 131,072 slots: 2.5 MiB
    public void TablesPrefetchOnceTheyPassTwoMebibytes(int slotBits, bool prefetch)
    {
        int slots = 1 << slotBits;
        var mac = new ProbeTable(new byte[(slots / 2) * 8], new byte[slots * 8], new byte[slots * 8], 64 - slotBits + 1, 64 - slotBits);
        var tables = new ClassifierTables(4789, 0, 0, 0, default, default, default, mac, default);
        Assert.Equal(prefetch, tables.TableBytes > ClassifierTables.PrefetchAboveBytes);
        Assert.Equal(prefetch && !EightLanes, tables.PrefetchAhead);
        Assert.Equal(2L << 20, ClassifierTables.PrefetchAboveBytes);
    }

    [Theory]
    [InlineData(64, false)]
    [InlineData(100_000, true)] // about 3 MiB of tables
    public void ARuntimeEngineChoosesPrefetchingAsItsTablesSizeSays(int rules, bool prefetch)
    {
        var text = new System.Text.StringBuilder("nic pools 4 queues 1 ring 64\npool p1 1\npool p2 2\npool p3 3\n");
        for (int i = 0; i < rules; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"mac 02:00:00:{i >> 16:x2}:{(i >> 8) & 0xff:x2}:{i & 0xff:x2} -> p{1 + (i % 3)}\n");
        }

        var load = RuntimeDispatcher.Load(text.ToString());
        Assert.True(load.Dispatcher is not null, string.Join("\n", load.Diagnostics.Take(5)));
        Assert.True(prefetch == load.Dispatcher!.TableBytes > ClassifierTables.PrefetchAboveBytes, $"TableBytes {load.Dispatcher.TableBytes}, {load.Dispatcher.RuleCount} rules");
        Assert.Equal(prefetch && !EightLanes, load.Dispatcher.CurrentTables.PrefetchAhead);
    }

    [Fact]
    public void ClassifierTablesRefusesTablesOfTheWrongKeyWidth()
    {
        var narrow = new ProbeTable(new byte[16], new byte[16], new byte[16], 63, 63);
        var wide = new ProbeTable(new byte[16], new byte[32], new byte[16], 63, 63);
        var ex = Assert.Throws<ArgumentException>(() => new ClassifierTables(4789, 0, 0, 0, narrow, default, default, default, default));
        Assert.Equal("tunnelInner", ex.ParamName);
        Assert.Contains("keys are 16 bytes each; this table's are 8", ex.Message, StringComparison.Ordinal);
        foreach (int position in new[] { 1, 2, 3, 4 })
        {
            ex = Assert.Throws<ArgumentException>(() => new ClassifierTables(
                4789, 0, 0, 0, default, position == 1 ? wide : default, position == 2 ? wide : default, position == 3 ? wide : default, position == 4 ? wide : default));
            Assert.Equal(new[] { "tunnel", "macVlan", "mac", "vlan" }[position - 1], ex.ParamName);
        }
    }

    [Fact]
    public void ClassifierTablesGathersEveryVerdictBehindTheConstants()
    {
        // Two tables of 2 slots: their verdicts follow the default, multicast and broadcast verdicts, in field order.
        static byte[] Verdicts(ulong a, ulong b) => [.. BitConverter.GetBytes(a), .. BitConverter.GetBytes(b)];
        var mac = new ProbeTable(new byte[16], new byte[16], Verdicts(11, 12), 63, 63);
        var vlan = new ProbeTable(new byte[16], new byte[16], Verdicts(21, 22), 63, 63);
        var tables = new ClassifierTables(4789, 1, 3, 2, default, default, default, mac, vlan);
        Assert.Equal(1UL, tables.Verdicts[ClassifierTables.DefaultIndex]);
        Assert.Equal(2UL, tables.Verdicts[ClassifierTables.MulticastIndex]);
        Assert.Equal(3UL, tables.Verdicts[ClassifierTables.BroadcastIndex]);
        Assert.Equal(12UL, tables.Verdicts[tables.MacBase + 1]);
        Assert.Equal(21UL, tables.Verdicts[tables.VlanBase]);
        Assert.Equal(tables.MacBase + 2, tables.VlanBase);
        Assert.Equal(3 + (5 * 2), tables.Verdicts.Length);
    }

    [Fact]
    public void ClassifierTablesFillsMissingTablesAndChecksItsValues()
    {
        var tables = new ClassifierTables(4789, 0, 0, 0, default, default, default, default, default);
        Assert.Equal((4 * ProbeTable.Empty.Bytes) + ProbeTable.EmptyWide.Bytes, tables.TableBytes);
        Assert.Equal(4789, tables.VxlanPort);

        Assert.Equal("vxlanPort", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTables(0, 0, 0, 0, default, default, default, default, default)).ParamName);
        Assert.Equal("vxlanPort", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTables(65536, 0, 0, 0, default, default, default, default, default)).ParamName);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTables(4789, 0, 1UL << 41, 0, default, default, default, default, default));
        Assert.Equal("broadcastVerdict", ex.ParamName);
        Assert.Contains("41 bits", ex.Message, StringComparison.Ordinal);

        // A verdict that spreads by RSS needs its pool's redirection table: the spread step reads it unchecked.
        ulong spreadToPool5 = Verdict.Create(5, 0, false, 3, RuleKind.Mac).Bits | (1UL << Verdict.SpreadShift);
        var noTable = Assert.Throws<ArgumentException>(() => new ClassifierTables(4789, spreadToPool5, 0, 0, default, default, default, default, default));
        Assert.Equal("redirection", noTable.ParamName);
        var withTable = new ClassifierTables(4789, spreadToPool5, 0, 0, default, default, default, default, default, new RedirectionTables([new RssPool(5, 1, 2)]));
        Assert.Equal(Enumerable.Repeat(new byte[] { 1, 2 }, 64).SelectMany(b => b).ToArray(), withTable.GetRedirectionTable(5));
    }

    [Fact]
    public void ClassifierTablesWithChannelsCheckTheirChannelData()
    {
        var svids = new ushort[4096];
        svids[10] = 1;
        var ok = new ClassifierTables(4789, new ulong[9], svids, default, default, default, default, default);
        Assert.True(ok.HasChannels);
        Assert.Equal(3, ok.ChannelCount);

        // The mac+vlan table is wide with channels (extra: the channel).
        Assert.Equal(ProbeTable.EmptyWide.Bytes, ok.TableBytes - (3 * ProbeTable.Empty.Bytes) - ProbeTable.EmptyWide.Bytes);
        Assert.False(new ClassifierTables(4789, 0, 0, 0, default, default, default, default, default).HasChannels);

        // Three constants per channel, at least the untagged and the undeclared channel; one index per S-VID, each a channel.
        Assert.Equal("channelVerdicts", Assert.Throws<ArgumentException>(() => new ClassifierTables(4789, new ulong[8], svids, default, default, default, default, default)).ParamName);
        Assert.Equal("channelVerdicts", Assert.Throws<ArgumentException>(() => new ClassifierTables(4789, new ulong[3], svids, default, default, default, default, default)).ParamName);
        Assert.Equal("channelOfSvid", Assert.Throws<ArgumentException>(() => new ClassifierTables(4789, new ulong[9], new ushort[4095], default, default, default, default, default)).ParamName);
        svids[4095] = 3;
        Assert.Contains("S-VID 4095 maps to channel 3", Assert.Throws<ArgumentException>(() => new ClassifierTables(4789, new ulong[9], svids, default, default, default, default, default)).Message, StringComparison.Ordinal);
        Assert.Equal("channelVerdicts", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTables(4789, [0, 0, 0, 0, 1UL << 41, 0], new ushort[4096], default, default, default, default, default)).ParamName);
    }

    [Fact]
    public void RedirectionTablesRefuseTablesThatLeaveThePoolsQueues()
    {
        var reta = new RedirectionTables([new RssPool(3, 2, 5), new RssPool(9, 0, 0)]);
        Assert.Equal(new[] { 3, 9 }, reta.Pools.Select(p => p.Pool).ToArray());
        Assert.Throws<ArgumentException>(() => reta.Set(4, new byte[Verdict.RetaSize]));                 // not an rss pool
        Assert.Throws<ArgumentException>(() => reta.Set(3, new byte[Verdict.RetaSize - 1]));             // wrong length
        var outside = Enumerable.Repeat((byte)2, Verdict.RetaSize).ToArray();
        outside[77] = 6;
        Assert.Contains("Entry 77 is queue 6", Assert.Throws<ArgumentException>(() => reta.Set(3, outside)).Message, StringComparison.Ordinal);
        outside[77] = 5;
        reta.Set(3, outside);
        Assert.Equal(outside, reta.Get(3));
        Assert.Equal(new byte[Verdict.RetaSize], reta.Get(9));
        Assert.Throws<ArgumentException>(() => new RedirectionTables([new RssPool(1, 0, 1), new RssPool(1, 0, 1)]));
        Assert.Throws<ArgumentException>(() => new RedirectionTables([new RssPool(1, 3, 2)]));
        Assert.Throws<ArgumentException>(() => new RedirectionTables([new RssPool(1, 0, 16)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedirectionTables([new RssPool(512, 0, 1)]));
    }
}
