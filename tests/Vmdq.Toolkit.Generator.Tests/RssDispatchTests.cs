using System;
using System.IO;
using System.Linq;
using System.Threading;
using Vmdq.Rules;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// RSS within a pool through whole dispatchers, generated and runtime-loaded, on the snapshot file rss.vmdq:
/// flows spread over the pool's queues and each flow keeps its queue, an explicit queue wins, tunnels spread
/// by their inner flows, and the host's redirection tables are validated, used at once, survive rule changes
/// and are read once per call (a batch never mixes two tables).
/// </summary>
public class RssDispatchTests
{
    private delegate Verdict ClassifyFn(ReadOnlySpan<byte> frame);

    private delegate void ArrayBatchFn(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts);

    private delegate void SetRetaFn(int pool, ReadOnlySpan<byte> queues);

    private static readonly string s_rules = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snapshots", "rss.vmdq"));

    private static readonly Lazy<Type> s_generated = new(() => CompilationHarness.CompileDispatcher("rss.vmdq", s_rules));

    /// <summary>An IPv4/TCP frame to <paramref name="dst"/> of flow <paramref name="flow"/> (source port and address vary).</summary>
    private static byte[] Flow(string dst, int flow) =>
        Frames.Ethernet(dst, 0x0800, Ipv4Tcp(flow));

    private static byte[] Ipv4Tcp(int flow)
    {
        var ip = new byte[24];
        ip[0] = 0x45;
        ip[9] = 6;
        ip[12] = 10;
        ip[13] = (byte)(flow >> 8);
        ip[14] = (byte)flow;
        ip[15] = 1;
        ip[16] = 192;
        ip[17] = 168;
        ip[19] = 1;
        ip[20] = (byte)((1024 + flow) >> 8);
        ip[21] = (byte)(1024 + flow);
        ip[22] = 0;
        ip[23] = 80;
        return ip;
    }

    /// <summary>A VXLAN frame for VNI 5001 whose inner packet is flow <paramref name="flow"/>.</summary>
    private static byte[] Tunnelled(int flow) =>
        Frames.Ethernet("02:00:00:00:00:77", 0x0800, Frames.Vxlan(5001, Frames.Ethernet("52:54:00:00:00:01", 0x0800, Ipv4Tcp(flow))));

    private static byte[][] Flows(string dst, int count) => Enumerable.Range(0, count).Select(i => Flow(dst, i)).ToArray();

    private static void AssertSpreadsAsTheReference(Func<byte[], Verdict> classify)
    {
        var reference = new ReferenceClassifier(RulesCompiler.Compile("rss.vmdq", s_rules).Model!);
        var web = Flows("00:1b:21:0a:0b:01", 200);
        var queues = web.Select(f => classify(f)).ToArray();
        Assert.All(queues, v => Assert.True(v.IsSpread && v.Pool == 1 && v.RuleLine == 9, v.ToString()));
        Assert.Equal(new[] { 0, 1, 2, 3 }, queues.Select(v => v.Queue).Distinct().Order().ToArray());
        for (int i = 0; i < web.Length; i++)
        {
            Assert.Equal(queues[i], classify(web[i]));                  // a flow keeps its queue
            Assert.Equal(reference.Classify(web[i]).Queue, queues[i].Queue);
        }

        // An explicit queue wins; a pool without rss keeps its first queue.
        Assert.All(Flows("00:1b:21:0a:0b:02", 50).Select(f => classify(f)), v => Assert.True(!v.IsSpread && v.Queue == 1, v.ToString()));
        var db = Frames.Ethernet("02:00:00:00:00:33", 0x0800, Ipv4Tcp(7), (0x8100, 250));
        Assert.False(classify(db).IsSpread);

        // VXLAN to cache: spread over 2-3 by the inner flow; unmatched frames spread over the default pool web.
        var tunnelled = Enumerable.Range(0, 100).Select(Tunnelled).Select(f => classify(f)).ToArray();
        Assert.Equal(new[] { 2, 3 }, tunnelled.Select(v => v.Queue).Distinct().Order().ToArray());
        Assert.All(tunnelled, v => Assert.Equal(2, v.Pool));
        var unmatched = Flows("02:00:00:00:00:44", 100).Select(f => classify(f)).ToArray();
        Assert.All(unmatched, v => Assert.True(v.IsSpread && v.RuleLine == 0 && v.Pool == 1, v.ToString()));
        Assert.Equal(4, unmatched.Select(v => v.Queue).Distinct().Count());
    }

    private static void AssertTheHostsTableIsUsed(Func<byte[], Verdict> classify, SetRetaFn set, Func<int, byte[]> get)
    {
        Assert.Equal(Enumerable.Range(0, Verdict.RetaSize).Select(i => (byte)(i % 4)).ToArray(), get(1));
        Assert.Equal(Enumerable.Range(0, Verdict.RetaSize).Select(i => (byte)(2 + (i % 2))).ToArray(), get(2));
        var all3 = Enumerable.Repeat((byte)3, Verdict.RetaSize).ToArray();
        try
        {
            set(1, all3);
            Assert.All(Flows("00:1b:21:0a:0b:01", 50).Select(f => classify(f)), v => Assert.Equal(3, v.Queue));
            Assert.All(Flows("00:1b:21:0a:0b:02", 10).Select(f => classify(f)), v => Assert.Equal(1, v.Queue));
            Assert.Throws<ArgumentException>(() => set(3, all3));                           // db is not an rss pool
            Assert.Throws<ArgumentException>(() => set(2, Enumerable.Repeat((byte)1, Verdict.RetaSize).ToArray())); // cache has 2-3
            Assert.Equal(all3, get(1));
        }
        finally
        {
            set(1, Enumerable.Range(0, Verdict.RetaSize).Select(i => (byte)(i % 4)).ToArray());
        }
    }

    /// <summary>While another thread flips pool web's table between all 0 and all 3, no batch mixes the two.</summary>
    private static void AssertABatchSeesOneTable(ArrayBatchFn batch, SetRetaFn set)
    {
        var zeros = new byte[Verdict.RetaSize];
        var threes = Enumerable.Repeat((byte)3, Verdict.RetaSize).ToArray();
        var frames = Flows("00:1b:21:0a:0b:01", 256);
        var verdicts = new Verdict[frames.Length];
        using var stop = new CancellationTokenSource();
        var flipper = new Thread(() =>
        {
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                set(1, (i & 1) == 0 ? threes : zeros);
            }
        });
        flipper.Start();
        try
        {
            int mixed = 0, sawZero = 0, sawThree = 0;
            for (int round = 0; round < 3000; round++)
            {
                batch(frames, verdicts);
                int queue = verdicts[0].Queue;
                mixed += verdicts.Any(v => v.Queue != queue) ? 1 : 0;
                sawZero += queue == 0 ? 1 : 0;
                sawThree += queue == 3 ? 1 : 0;
            }

            Assert.Equal(0, mixed);
            Assert.Equal(3000, sawZero + sawThree);
        }
        finally
        {
            stop.Cancel();
            flipper.Join();
            set(1, Enumerable.Range(0, Verdict.RetaSize).Select(i => (byte)(i % 4)).ToArray());
        }
    }

    [Fact]
    public void GeneratedDispatcherSpreadsAsTheReference()
    {
        var classify = s_generated.Value.GetMethod("Classify", new[] { typeof(ReadOnlySpan<byte>) })!.CreateDelegate<ClassifyFn>();
        AssertSpreadsAsTheReference(f => classify(f));
    }

    [Fact]
    public void RuntimeDispatcherSpreadsAsTheReference()
    {
        var rules = RuntimeDispatcher.Load(s_rules, "rss.vmdq").Dispatcher!;
        AssertSpreadsAsTheReference(f => rules.Classify(f));
        Assert.True(rules.Info.FindPool(1)!.Rss);
        Assert.False(rules.Info.FindPool(3)!.Rss);
    }

    [Fact]
    public void GeneratedDispatcherUsesTheHostsTable()
    {
        var type = s_generated.Value;
        var classify = type.GetMethod("Classify", new[] { typeof(ReadOnlySpan<byte>) })!.CreateDelegate<ClassifyFn>();
        var set = type.GetMethod("SetRedirectionTable")!.CreateDelegate<SetRetaFn>();
        var get = type.GetMethod("GetRedirectionTable")!.CreateDelegate<Func<int, byte[]>>();
        AssertTheHostsTableIsUsed(f => classify(f), set, get);
    }

    [Fact]
    public void RuntimeDispatcherUsesTheHostsTableAndKeepsItAcrossRuleChanges()
    {
        var rules = RuntimeDispatcher.Load(s_rules, "rss.vmdq").Dispatcher!;
        AssertTheHostsTableIsUsed(f => rules.Classify(f), rules.SetRedirectionTable, rules.GetRedirectionTable);

        rules.SetRedirectionTable(1, Enumerable.Repeat((byte)2, Verdict.RetaSize).ToArray());
        var change = rules.Apply("mac 52:54:00:aa:bb:cc -> web");
        Assert.True(change.Accepted, string.Join("\n", change.Diagnostics));
        var added = rules.Classify(Flow("52:54:00:aa:bb:cc", 5));
        Assert.True(added.IsSpread && added.Queue == 2 && added.RuleLine == change.Added[0].Line, added.ToString());
        Assert.Equal(2, rules.Classify(Flow("00:1b:21:0a:0b:01", 9)).Queue);
    }

    [Fact]
    public void GeneratedBatchSeesOneTable()
    {
        var type = s_generated.Value;
        var batch = type.GetMethod("ClassifyBatch", new[] { typeof(ReadOnlySpan<byte[]>), typeof(Span<Verdict>) })!.CreateDelegate<ArrayBatchFn>();
        AssertABatchSeesOneTable(batch, type.GetMethod("SetRedirectionTable")!.CreateDelegate<SetRetaFn>());
    }

    [Fact]
    public void RuntimeBatchSeesOneTable()
    {
        var rules = RuntimeDispatcher.Load(s_rules, "rss.vmdq").Dispatcher!;
        AssertABatchSeesOneTable(rules.ClassifyBatch, rules.SetRedirectionTable);
    }

    [Fact]
    public void ParsedFieldsHaveNoHashAndTakeEntryZero()
    {
        var rules = RuntimeDispatcher.Load(s_rules, "rss.vmdq").Dispatcher!;
        rules.SetRedirectionTable(1, Enumerable.Range(0, Verdict.RetaSize).Select(i => (byte)(i == 0 ? 2 : 3)).ToArray());
        var fields = rules.Parse(Flow("00:1b:21:0a:0b:01", 3));
        var v = rules.Classify(in fields);
        Assert.True(v.IsSpread && v.Queue == 2, v.ToString());
    }

    [Fact]
    public void FilesWithoutRssDoNotSpreadAndHaveNoTableMethods()
    {
        var type = CompilationHarness.CompileDispatcher("plain.vmdq", "pool web 1\nmac 00:1b:21:0a:0b:01 -> web\n");
        Assert.Null(type.GetMethod("SetRedirectionTable"));
        var classify = type.GetMethod("Classify", new[] { typeof(ReadOnlySpan<byte>) })!.CreateDelegate<ClassifyFn>();
        Assert.All(Flows("00:1b:21:0a:0b:01", 20).Select(f => classify(f)), v => Assert.True(!v.IsSpread && v.Queue == 0));
    }
}
