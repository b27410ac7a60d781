using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// Live rule changes take the incremental path (only the checks and tables a change can affect are re-run); the full path
/// (the whole document re-checked, every table rebuilt) is the reference. Random sequences of adds, removals and batches
/// (valid, conflicting, duplicate, out of range, undefined pool, tenant leaks, group MACs, reserved values, capacity...) go to
/// a dispatcher on each path and, after every step, everything observable must agree: accepted or refused, the change's
/// diagnostics and the dispatcher's (IDs, messages, lines, columns, offsets, order), the handles, the version, the rules
/// in force (the tables' layout may differ: the incremental path inserts into tables with room), the verdicts and replicas of frames that hit every value the rules use, the pools' transmit data and the
/// L2 forwarding data; and a fresh <see cref="RuntimeDispatcher.Load"/> of the equivalent whole text gives the same
/// diagnostics.
/// </summary>
public class IncrementalChangeDifferentialTests
{
    private static readonly string[] Macs =
    {
        "52:54:00:00:00:01", "52:54:00:00:00:02", "52:54:00:00:00:03",
        "02:00:00:00:00:01", "02:00:00:00:00:02", // the addresses witness frames pick first: a rule on them changes every witness
        "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01",
    };

    private static readonly string[] Vlans = { "0", "5", "100", "150", "160", "250", "4095", "5000", "0x64" };
    private static readonly string[] Vnis = { "10", "5000", "6001", "0x1388", "16777216" };
    private static readonly string[] Vsids = { "0x10", "70000", "80001", "4096", "0xFFFFFF" };
    private static readonly string[] Targets = { "web", "db", "cache", "guest", "open", "web:1", "db:2", "db:0", "cache:3", "open:7", "drop", "wbe", "nosuch" };
    private static readonly string[] Lists = { "web, open", "web, db", "open", "web, web", "guest, web", "cache, open, web", "drop", "nosuch, web" };

    /// <summary>The files the changes start from: tenants, anti-spoofing, RSS, an access port; VEPA; a capacity profile; almost nothing.</summary>
    public static TheoryData<string, int> Files() => new()
    {
        { Tenants, 1 },
        { Tenants, 2 },
        { Tenants + "switch vepa\n", 3 },
        { Tenants + "profile 82599\n", 4 },
        { "nic pools 8 queues 4 ring 64\npool web 1\npool db 2\npool cache 3\npool guest 4\npool open 5\n", 5 },
        { "nic pools 8 queues 4 ring 64\npool web 1\npool db 2 antispoof mac,vlan\npool cache 3 queues 0-3 rss\npool guest 4\npool open 5\nmac 52:54:00:00:00:01 -> web\nvlan 100 -> db\nvlan 100 -> db\nmac 52:54:00:00:00:01 vlan 100 -> web\n", 6 },
    };

    private const string Tenants =
        "nic pools 8 queues 4 ring 64\n"
        + "tenant blue vlan 100-199 vni 5000-5999 vsid 70000-70999\n"
        + "tenant red  vlan 200-299 vni 6000-6999 vsid 80000-80999\n"
        + "pool web 1 tenant blue\n"
        + "pool db 2 tenant red queues 2-3 antispoof mac,vlan\n"
        + "pool cache 3 queues 0-3 rss\n"
        + "pool guest 4 tenant blue vlan-insert 160 antispoof mac,vlan\n"
        + "pool open 5\n"
        + "vlan 150 -> web\n"
        + "broadcast -> web, guest\n";

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_change_gives_what_the_full_recheck_gives(string file, int seed)
    {
        var incremental = Load(file);
        var full = Load(file);
        full.FullRecompile = true;
        Assert.True(incremental.Incremental, "the file's checks are kept as state");
        var random = new Random(seed);
        var frames = Frames();
        var live = new List<RuleHandle>();
        int accepted = 0, refused = 0;
        for (int step = 0; step < 120; step++)
        {
            var (remove, add, options) = NextChange(random, live);
            var a = incremental.Change(remove, add, options);
            var b = full.Change(remove, add, options);
            string what = $"step {step}: remove [{string.Join(", ", remove.Select(h => h.Line))}] add [{add.Replace("\n", " | ")}]";
            Assert.True(a.Accepted == b.Accepted, $"{what}: incremental {a}, full {b}");
            Assert.True(a.Diagnostics.SequenceEqual(b.Diagnostics), $"{what}: change diagnostics\n incremental: {Show(a.Diagnostics)}\n full: {Show(b.Diagnostics)}");
            Assert.Equal(b.Added, a.Added);
            Assert.Equal(b.Version, a.Version);
            if (a.Accepted)
            {
                accepted++;
                live.RemoveAll(h => remove.Contains(h));
                live.AddRange(a.Added);
            }
            else
            {
                refused++;
            }

            Assert.True(incremental.Diagnostics.SequenceEqual(full.Diagnostics), $"{what}: dispatcher diagnostics\n incremental: {Show(incremental.Diagnostics)}\n full: {Show(full.Diagnostics)}");
            Compare(incremental, full, frames, what);
            if (step % 10 == 9)
            {
                // A fresh load of the whole text (file, then the runtime lines; a removed rule's line blank) reports the same.
                var fresh = RuntimeDispatcher.Load(WholeText(file, incremental));
                Assert.True(Same(fresh.Diagnostics, incremental.Diagnostics), $"{what}: fresh load\n fresh: {Show(fresh.Diagnostics)}\n incremental: {Show(incremental.Diagnostics)}");
                Compare(incremental, fresh.Dispatcher!, frames, what + " (fresh load)");
            }
        }

        // The sequence exercised both outcomes.
        Assert.InRange(accepted, 10, 120);
        Assert.InRange(refused, 10, 120);
    }

    [Fact]
    public void A_removal_does_not_move_later_rules_so_their_warnings_are_not_new_again()
    {
        // Before: a removed rule's line became empty, so every later runtime rule moved (its diagnostics' offsets changed),
        // its warnings counted as new, and with WarningsAsErrors the removal was refused.
        foreach (bool fullPath in new[] { false, true })
        {
            var rules = Load("pool web 1\npool db 2\nvlan 100 -> web\n");
            rules.FullRecompile = fullPath;
            var first = rules.Apply("mac 52:54:00:00:00:01 -> web");
            var duplicate = rules.Apply("vlan 100 -> web");
            Assert.Equal("VMDQ0006", Assert.Single(duplicate.Diagnostics).Id);
            var before = rules.Diagnostics.ToArray();

            var removal = rules.Change(first.Added, string.Empty, new RuleChangeOptions { WarningsAsErrors = true });

            Assert.True(removal.Accepted, removal.ToString());
            Assert.Empty(removal.Diagnostics);
            Assert.Equal(before, rules.Diagnostics);
            Assert.Contains(duplicate.Diagnostics[0], before);
        }
    }

    [Fact]
    public void A_refused_change_changes_nothing_on_either_path()
    {
        foreach (bool fullPath in new[] { false, true })
        {
            var rules = Load(Tenants);
            rules.FullRecompile = fullPath;
            var before = (rules.Version, rules.RuleCount, rules.TableBytes);
            var diagnostics = rules.Diagnostics.ToArray();
            var frame = TestFrames.Plain("52:54:00:00:00:01");
            var verdict = rules.Classify(frame);

            var change = rules.Apply("mac 52:54:00:00:00:01 -> web\nvlan 250 -> web\nmac 52:54:00:00:00:02 -> nosuch");

            Assert.False(change.Accepted);
            Assert.Equal(new[] { "VMDQ0005", "VMDQ0003" }, change.Diagnostics.Select(d => d.Id));
            Assert.Equal(before, (rules.Version, rules.RuleCount, rules.TableBytes));
            Assert.Equal(diagnostics, rules.Diagnostics);
            Assert.Equal(verdict, rules.Classify(frame));
            Assert.Empty(rules.RuntimeRules);
        }
    }

    private static RuntimeDispatcher Load(string text)
    {
        var load = RuntimeDispatcher.Load(text);
        return load.Dispatcher ?? throw new InvalidOperationException(string.Join("\n", load.Diagnostics));
    }

    private static (RuleHandle[] Remove, string Add, RuleChangeOptions? Options) NextChange(Random random, List<RuleHandle> live)
    {
        RuleHandle Pick() => live[random.Next(live.Count)];
        var options = random.Next(6) == 0 ? new RuleChangeOptions { WarningsAsErrors = true } : null;
        switch (random.Next(10))
        {
            case 0 when live.Count > 0:
                return (new[] { Pick() }, string.Empty, options);
            case 1 when live.Count > 1:
                return (live.OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(4, live.Count) + 1)).ToArray(), string.Empty, options);
            case 2 when live.Count > 0:
                return (new[] { Pick() }, Rule(random), options);
            case 3:
                // Nothing to remove there, or removed twice.
                return (live.Count > 0 && random.Next(2) == 0 ? new[] { live[0], live[0] } : new[] { new RuleHandle(random.Next(1, 5)) }, string.Empty, options);
            case 4:
                var batch = new StringBuilder();
                int n = random.Next(2, 7);
                for (int i = 0; i < n; i++)
                {
                    batch.Append(random.Next(8) == 0 ? "# a comment\n" : random.Next(10) == 0 ? "\n" : Rule(random) + "\n");
                }

                return (Array.Empty<RuleHandle>(), batch.ToString(), options);
            case 5 when random.Next(4) == 0:
                return (Array.Empty<RuleHandle>(), "pool extra 6", options);
            default:
                return (Array.Empty<RuleHandle>(), Rule(random), options);
        }
    }

    private static string Rule(Random random)
    {
        T Of<T>(T[] items) => items[random.Next(items.Length)];
        string target = Of(Targets);
        return random.Next(14) switch
        {
            0 or 1 or 2 => $"mac {Of(Macs)} -> {target}",
            3 or 4 => $"mac {Of(Macs)} vlan {Of(Vlans)} -> {target}",
            5 or 6 => $"vlan {Of(Vlans)} -> {target}",
            7 => $"vxlan {Of(Vnis)} -> {target}",
            8 => $"vxlan {Of(Vnis)} inner {Of(Macs)} -> {target}",
            9 => $"nvgre {Of(Vsids)} -> {target}",
            10 => $"nvgre {Of(Vsids)} inner {Of(Macs)} -> {target}",
            11 => $"broadcast -> {Of(Lists)}",
            12 => $"multicast -> {Of(Lists)}",
            _ => random.Next(3) switch
            {
                0 => $"mac {Of(Macs)} -> ",
                1 => $"vlan {Of(Vlans)} {target}",
                _ => $"vlan 7 -> we\u0001b", // not text: VMDQ0019, with its byte offset in the whole document
            },
        };
    }

    private static List<byte[]> Frames()
    {
        static int? Number(string text) =>
            text.StartsWith("0x", StringComparison.Ordinal) ? Convert.ToInt32(text[2..], 16) : int.TryParse(text, out int v) ? v : null;

        var frames = new List<byte[]>();
        var vlans = Vlans.Select(Number).Where(v => v is >= 0 and < 4096).Select(v => v!.Value).ToList();
        foreach (string mac in Macs.Append("52:54:00:00:00:99"))
        {
            frames.Add(TestFrames.Plain(mac));
            frames.AddRange(vlans.Select(v => TestFrames.Plain(mac, v)));
            frames.AddRange(Vnis.Select(Number).Where(v => v is >= 0 and < 1 << 24).Select(v => TestFrames.Vxlan("52:54:00:00:00:99", v!.Value, mac)));
            frames.AddRange(Vsids.Select(Number).Where(v => v is >= 0 and < 1 << 24).Select(v => TestFrames.Nvgre("52:54:00:00:00:99", v!.Value, mac)));
        }

        return frames;
    }

    private static void Compare(RuntimeDispatcher a, RuntimeDispatcher b, List<byte[]> frames, string what)
    {
        Assert.True(a.RuleCount == b.RuleCount, $"{what}: rule count {a.RuleCount} vs {b.RuleCount}");
        var va = new Verdict[frames.Count];
        var vb = new Verdict[frames.Count];
        a.ClassifyBatch(frames.ToArray(), va);
        b.ClassifyBatch(frames.ToArray(), vb);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(va[i] == vb[i], $"{what}: frame {i}: {va[i]} vs {vb[i]}");
            Assert.True(va[i] == a.Classify(frames[i]), $"{what}: frame {i}: batch and single verdicts differ");
            Assert.Equal(b.Replicas(vb[i]).ToArray(), a.Replicas(va[i]).ToArray());
            Assert.Equal(b.MatchingRules(b.Parse(frames[i])), a.MatchingRules(a.Parse(frames[i])));
        }

        Assert.Equal(b.L2Forwarding.Filters.ToArray(), a.L2Forwarding.Filters.ToArray());
        Assert.Equal(b.L2Forwarding.Members.ToArray(), a.L2Forwarding.Members.ToArray());
        var pa = a.CurrentPools().Pools;
        var pb = b.CurrentPools().Pools;
        Assert.Equal(pb.Length, pa.Length);
        for (int i = 0; i < pa.Length; i++)
        {
            Assert.Equal(Show(pb[i]), Show(pa[i]));
        }
    }

    private static string Show(PoolInfo p) =>
        $"{p.Name} {p.Index} {p.AntiSpoof} [{string.Join(",", p.SourceMacs ?? Array.Empty<ulong>())}] [{string.Join(",", p.Vlans ?? Array.Empty<int>())}] {p.VlanInsert}";

    private static string WholeText(string file, RuntimeDispatcher rules)
    {
        var text = new StringBuilder(file.EndsWith('\n') ? file : file + "\n");
        int fileLines = file.Count(c => c == '\n');
        var live = rules.RuntimeRules.Select(h => h.Line).ToHashSet();
        int last = rules.RuntimeRules.Select(h => h.Line).DefaultIfEmpty(fileLines).Max();
        for (int line = fileLines + 1; line <= Math.Max(last, fileLines + 1); line++)
        {
            text.Append(live.Contains(line) ? rules.RuleText(line) : string.Empty).Append('\n');
        }

        return text.ToString();
    }

    private static bool Same(IReadOnlyList<Vmdq.Rules.Diagnostics.RuleDiagnostic> a, IReadOnlyList<Vmdq.Rules.Diagnostics.RuleDiagnostic> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Id == p.Second.Id && p.First.Message == p.Second.Message
            && p.First.Span.Line == p.Second.Span.Line && p.First.Span.Column == p.Second.Span.Column && p.First.Span.Length == p.Second.Span.Length);

    private static string Show(IEnumerable<Vmdq.Rules.Diagnostics.RuleDiagnostic> diagnostics) =>
        string.Join("\n   ", diagnostics.Select(d => $"@{d.Span.Start}+{d.Span.Length} {d}"));
}
