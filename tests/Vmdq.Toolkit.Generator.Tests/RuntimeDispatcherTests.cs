using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using Vmdq.Rules;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Emulator;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// Rules loaded at run time (<see cref="RuntimeDispatcher"/>): the build's diagnostics, the generated dispatcher's
/// verdicts, and live changes checked as the build checks a file.
/// </summary>
public class RuntimeDispatcherTests
{
    private delegate Verdict ClassifyFn(ReadOnlySpan<byte> frame);

    private delegate ReadOnlySpan<int> ReplicasFn(Verdict verdict);

    private delegate void BatchFn(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts);

    private const string Web = "52:54:00:aa:bb:cc";

    // 5 lines: the first runtime rule is line 6.
    private const string File5 = """
        nic pools 8 queues 4
        pool web 1
        pool db 2 queues 2-3
        vlan 150 -> db
        broadcast -> web, db
        """;

    private static RuntimeDispatcher Loaded(string text = File5)
    {
        var load = RuntimeDispatcher.Load(text, "tenants.vmdq");
        Assert.True(load.Succeeded, string.Join("\n", load.Diagnostics));
        return load.Dispatcher!;
    }

    private static byte[] Frame(string dst, int? cvid = null)
    {
        string tag = cvid is { } v ? "8100" + v.ToString("x4") : string.Empty;
        return Convert.FromHexString(dst.Replace(":", string.Empty) + "0200000000aa" + tag + "0800" + new string('0', 92));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RuntimeVerdictsEqualGeneratedAndReference(bool channels)
    {
        // With channels: S-channels, and frames S-tagged on declared and undeclared S-VIDs, untagged, or cut in the S-tag.
        Gen.Select(channels ? RandomRules.FileWithChannels : RandomRules.File, RandomRules.Frame.Array[25], Gen.Int[0, int.MaxValue]).Sample((rules, frames, seed) =>
        {
            var compiled = RulesCompiler.Compile("random.vmdq", rules);
            var reference = new ReferenceClassifier(compiled.Model!);
            var type = CompilationHarness.CompileDispatcher("random.vmdq", rules);
            var generated = type.GetMethod("Classify", new[] { typeof(ReadOnlySpan<byte>) })!.CreateDelegate<ClassifyFn>();
            var generatedReplicas = type.GetMethod("Replicas")!.CreateDelegate<ReplicasFn>();
            var generatedBatch = type.GetMethod("ClassifyBatch", new[] { typeof(ReadOnlySpan<byte>), typeof(ReadOnlySpan<FrameSlice>), typeof(Span<Verdict>) })!.CreateDelegate<BatchFn>();
            var runtime = RuntimeDispatcher.Load(rules, "random.vmdq").Dispatcher!;

            var random = new Random(seed);
            var all = new List<byte[]>();
            foreach (var frame in frames)
            {
                for (int length = 0; length <= frame.Length; length += 3)
                {
                    all.Add(frame.AsSpan(0, length).ToArray());
                }

                var mutated = (byte[])frame.Clone();
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                all.Add(mutated);
            }

            var buffer = all.SelectMany(f => f).ToArray();
            var slices = new FrameSlice[all.Count];
            for (int i = 0, at = 0; i < all.Count; at += all[i].Length, i++)
            {
                slices[i] = new FrameSlice(at, all[i].Length);
            }

            var runtimeBatch = new Verdict[all.Count];
            runtime.ClassifyBatch(buffer, slices, runtimeBatch);
            var runtimeArrays = new Verdict[all.Count];
            runtime.ClassifyBatch(all.ToArray(), runtimeArrays);
            var generatedVerdicts = new Verdict[all.Count];
            generatedBatch(buffer, slices, generatedVerdicts);
            for (int i = 0; i < all.Count; i++)
            {
                var r = runtime.Classify(all[i]);
                var g = generated(all[i]);
                var e = reference.Classify(all[i]);
                string context = $"frame {Convert.ToHexString(all[i])}\nrules:\n{rules}";
                Assert.True(r == g, $"runtime {r} but generated {g}\n{context}");
                Assert.True(r == runtimeBatch[i] && r == runtimeArrays[i] && r == generatedVerdicts[i], $"batches disagree with Classify {r}\n{context}");
                Assert.Equal((e.Pool, e.Queue, e.IsDrop, e.RuleLine, (int)e.Kind), (r.Pool, r.Queue, r.IsDrop, r.RuleLine, (int)r.Kind));
                Assert.Equal(e.Replicas.ToArray(), runtime.Replicas(r).ToArray());
                Assert.Equal(generatedReplicas(g).ToArray(), runtime.Replicas(r).ToArray());
                Assert.Equal(runtime.Parse(all[i]), FrameParser.Parse(all[i], compiled.Model!.VxlanPort));
            }
        }, iter: 15, threads: 1);
    }

    [Fact]
    public void LoadReportsTheBuildsDiagnosticsAndNoDispatcher()
    {
        const string text = "nic pools 8\npool web 1\nmac 52:54:00:aa:bb:cc -> web\nmac 52:54:00:aa:bb:cc -> wbe\nvlan 5000 -> web\n";
        var load = RuntimeDispatcher.Load(text, "bad.vmdq");
        Assert.False(load.Succeeded);
        Assert.Null(load.Dispatcher);
        Assert.Equal(RulesCompiler.Compile("bad.vmdq", text).Diagnostics, load.Diagnostics);
        Assert.Contains(load.Diagnostics, d => d.Id == "VMDQ0003" && d.Span.Line == 4);
        Assert.Contains(load.Diagnostics, d => d.Id == "VMDQ0002" && d.Span.Line == 5);
    }

    [Fact]
    public void LoadNeverThrowsOnMutatedText()
    {
        Gen.Select(RandomRules.File, Gen.Int[0, int.MaxValue]).Sample((rules, seed) =>
        {
            var random = new Random(seed);
            var chars = rules.ToCharArray();
            const string Noise = "x->:0 \n#\0\uFFFD9";
            for (int m = 0; m < 4; m++)
            {
                chars[random.Next(chars.Length)] = Noise[random.Next(Noise.Length)];
            }

            string text = new(chars);
            var load = RuntimeDispatcher.Load(text, "mutated.vmdq");
            Assert.Equal(RulesCompiler.Compile("mutated.vmdq", text).Diagnostics, load.Diagnostics);
            Assert.Equal(load.Diagnostics.Any(d => d.Severity == Vmdq.Rules.Diagnostics.RuleSeverity.Error), !load.Succeeded);
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void LoadFileReportsABinaryFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vmdq-{Guid.NewGuid():N}.vmdq");
        File.WriteAllBytes(path, new byte[] { 0x6E, 0x69, 0x63, 0x00, 0xFF, 0x01 });
        try
        {
            var load = RuntimeDispatcher.LoadFile(path);
            Assert.False(load.Succeeded);
            Assert.Equal("VMDQ0019", Assert.Single(load.Diagnostics).Id);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AppliedRuleDecidesWithItsOwnLine()
    {
        var rules = Loaded();
        var frame = Frame(Web);
        Assert.Equal(RuleKind.Default, rules.Classify(frame).Kind);

        var change = rules.Apply($"mac {Web} -> web:3");
        Assert.True(change.Accepted, change.ToString());
        Assert.Empty(change.Diagnostics);
        var handle = Assert.Single(change.Added);
        Assert.Equal(6, handle.Line);
        Assert.Equal(2, change.Version);
        Assert.Equal(2, rules.Version);

        var verdict = rules.Classify(frame);
        Assert.Equal((1, 3, RuleKind.Mac, 6), (verdict.Pool, verdict.Queue, verdict.Kind, verdict.RuleLine));
        Assert.Equal($"mac {Web} -> web:3", rules.RuleText(verdict.RuleLine));
        Assert.Equal("vlan 150 -> db", rules.RuleText(4));
        Assert.Equal(new[] { handle }, rules.RuntimeRules);

        // The next rule gets the next line, and a removed rule's line is never reused.
        var second = rules.Apply("vlan 250 -> db");
        Assert.Equal(7, Assert.Single(second.Added).Line);
        Assert.True(rules.Remove(handle).Accepted);
        Assert.Equal(RuleKind.Default, rules.Classify(frame).Kind);
        Assert.Null(rules.RuleText(6));
        var third = rules.Apply($"mac {Web} -> db");
        Assert.Equal(8, Assert.Single(third.Added).Line);
        Assert.Equal((2, 8), (rules.Classify(frame).Pool, rules.Classify(frame).RuleLine));
    }

    [Fact]
    public void ChangeWithAnErrorIsRefusedWithTheBuildsDiagnosticAndChangesNothing()
    {
        var rules = Loaded();
        Assert.True(rules.Apply($"mac {Web} -> web").Accepted);
        var before = rules.Classify(Frame(Web));

        // The same MAC to another pool: the conflict the build reports for the file with this line appended.
        var conflict = rules.Apply($"mac {Web} -> db");
        Assert.False(conflict.Accepted);
        var expected = RulesCompiler.Compile("tenants.vmdq", File5 + "\n" + $"mac {Web} -> web\nmac {Web} -> db\n").Diagnostics.Single(d => d.Id == "VMDQ0004");
        Assert.Equal(expected, Assert.Single(conflict.Diagnostics));
        Assert.Equal(7, expected.Span.Line);
        Assert.Empty(conflict.Added);
        Assert.Equal(2, rules.Version);
        Assert.Equal(before, rules.Classify(Frame(Web)));

        // Range, undefined pool: refused with their IDs at the rule's line and column.
        var range = rules.Apply("vlan 5000 -> db");
        Assert.Equal(("VMDQ0002", 7, 6), (range.Diagnostics[0].Id, range.Diagnostics[0].Span.Line, range.Diagnostics[0].Span.Column));
        Assert.Equal("VMDQ0003", Assert.Single(rules.Apply("vlan 300 -> cache").Diagnostics).Id);
        Assert.Equal(2, rules.Version);
    }

    [Fact]
    public void ABatchOfChangesIsAllOrNothing()
    {
        var rules = Loaded();
        var change = rules.Apply("vlan 250 -> web\n# a comment line keeps its place\n\nvlan 300 -> wbe\n");
        Assert.False(change.Accepted);
        Assert.Equal(("VMDQ0003", 9), (change.Diagnostics.Single().Id, change.Diagnostics.Single().Span.Line));
        Assert.Equal(RuleKind.Default, rules.Classify(Frame("02:00:00:00:00:01", 250)).Kind);

        change = rules.Apply("vlan 250 -> web\n# a comment line keeps its place\n\nvlan 300 -> db\n");
        Assert.True(change.Accepted);
        Assert.Equal(new[] { 6, 9 }, change.Added.Select(h => h.Line));
        Assert.Equal(9, rules.Classify(Frame("02:00:00:00:00:01", 300)).RuleLine);

        // Remove one and add another in one step.
        var swap = rules.Change(new[] { change.Added[0] }, "vlan 251 -> web");
        Assert.True(swap.Accepted);
        Assert.Equal(RuleKind.Default, rules.Classify(Frame("02:00:00:00:00:01", 250)).Kind);
        Assert.Equal(RuleKind.Vlan, rules.Classify(Frame("02:00:00:00:00:01", 251)).Kind);
    }

    [Fact]
    public void WarningsComeWithTheChangeOrRefuseItWhenAsked()
    {
        var rules = Loaded();

        // A rule that repeats the file's: accepted with the build's duplicate warning.
        var duplicate = rules.Apply("vlan 150 -> db");
        Assert.True(duplicate.Accepted);
        Assert.Equal("VMDQ0006", Assert.Single(duplicate.Diagnostics).Id);
        Assert.Equal(6, duplicate.Diagnostics[0].Span.Line);

        var strict = rules.Apply("vlan 150 -> db", new RuleChangeOptions { WarningsAsErrors = true });
        Assert.False(strict.Accepted);
        Assert.Equal("VMDQ0006", Assert.Single(strict.Diagnostics).Id);
        Assert.Equal(2, rules.Version);
    }

    [Fact]
    public void OnlyFilterRulesChangeAndOnlyRuntimeRulesAreRemoved()
    {
        var rules = Loaded();
        var pool = rules.Apply("pool cache 5");
        Assert.False(pool.Accepted);
        var d = Assert.Single(pool.Diagnostics);
        Assert.Equal(("VMDQ0021", 6, 1), (d.Id, d.Span.Line, d.Span.Column));
        Assert.Contains("'pool' cannot change at run time", d.Message, StringComparison.Ordinal);

        var added = Assert.Single(rules.Apply($"mac {Web} -> web").Added);
        Assert.True(rules.Remove(added).Accepted);
        var again = rules.Remove(added);
        Assert.False(again.Accepted);
        Assert.Equal(("VMDQ0022", 6), (again.Diagnostics[0].Id, again.Diagnostics[0].Span.Line));
        Assert.Equal("VMDQ0022", Assert.Single(rules.Remove(new RuleHandle(4)).Diagnostics).Id);
        Assert.Equal(RuleKind.Vlan, rules.Classify(Frame("02:00:00:00:00:01", 150)).Kind);
    }

    [Fact]
    public void ReplicasAnswerForTheRuleThatDecided()
    {
        var rules = Loaded();
        var broadcast = rules.Classify(Frame("ff:ff:ff:ff:ff:ff"));
        Assert.Equal(RuleKind.Broadcast, broadcast.Kind);
        Assert.Equal(new[] { 1, 2 }, rules.Replicas(broadcast).ToArray());
        Assert.True(rules.Replicas(rules.Classify(Frame("02:00:00:00:00:01", 150))).IsEmpty);
    }

    [Fact]
    public async Task EveryBatchSeesOneRuleSetVersionWhileRulesChange()
    {
        // A writer moves one MAC between two pools (remove + add in one change) while readers classify
        // batches of that frame: within a batch every verdict is the same, and it is one of the two.
        var rules = Loaded();
        var handle = Assert.Single(rules.Apply($"mac {Web} -> web").Added);
        var frame = Frame(Web);
        var frames = Enumerable.Repeat(frame, 64).ToArray();
        using var stop = new CancellationTokenSource();
        using var started = new CountdownEvent(2);
        int batches = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            var verdicts = new Verdict[frames.Length];
            started.Signal();
            while (!stop.IsCancellationRequested)
            {
                rules.ClassifyBatch(frames, verdicts);
                Assert.All(verdicts, v => Assert.Equal(verdicts[0], v));
                Assert.Contains(verdicts[0].Pool, new[] { 1, 2 });
                Interlocked.Increment(ref batches);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        // Changes start once both readers run (their own threads: a busy thread pool must not leave them unscheduled while
        // 20,000 changes of a few microseconds each go by), then at least 60 of them, and on until the readers have classified
        // 100 batches during them; a reader that fails ends the loop (its assertion is rethrown below).
        started.Wait();
        int changes = 0;
        for (int i = 0; i < 60 || (Volatile.Read(ref batches) < 100 && !readers.Any(r => r.IsCompleted)); i++, changes++)
        {
            var change = rules.Change(new[] { handle }, $"mac {Web} -> {(i % 2 == 0 ? "db" : "web")}");
            Assert.True(change.Accepted, change.ToString());
            handle = change.Added[0];
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.True(batches >= 100, $"{batches} batches during {changes} changes");
        Assert.Equal(2 + changes, rules.Version);
    }

    [Fact]
    public void TheEmulatorRunsOnARuntimeDispatcher()
    {
        var rules = Loaded();
        using var nic = new NicEmulator(rules.Info);
        Assert.True(rules.Apply($"mac {Web} -> db:3").Accepted);
        nic.AttachVm("vm-db", 2);
        Assert.Equal(1, nic.ReceiveBurst(new[] { Frame(Web) }));
        Assert.Equal(1, nic.Snapshot().Queue(2, 3).Enqueued);
    }
}
