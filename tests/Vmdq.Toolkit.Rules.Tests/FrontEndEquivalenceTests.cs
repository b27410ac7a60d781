using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Syntax;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// The front end's output stays what it was when it was made faster: for the repository's rules files and for
/// deterministic random mutations of them (frozen copies in FrontEnd/files), the diagnostics (ID, severity, message, span), the model, the
/// dispatcher shape and the parsed document dump to the same text as at the commit before (its SHA-256 is in
/// FrontEnd/golden.txt, one line per case). A change that is meant to alter output regenerates the file:
/// VMDQ_FRONTEND_GOLDEN_OUT=/path/golden.txt dotnet test --filter FrontEndEquivalenceTests, then copy it over.
/// </summary>
public class FrontEndEquivalenceTests
{
    private const int MutationsPerFile = 40;

    private static string DataDirectory => Path.Combine(AppContext.BaseDirectory, "FrontEnd");

    /// <summary>Every case: its name and text. Repository files first (sorted), then their mutations, then generated files.</summary>
    private static IEnumerable<(string Name, string Text)> Cases()
    {
        var files = Directory.GetFiles(Path.Combine(DataDirectory, "files"), "*.vmdq")
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Text: File.ReadAllText(f)))
            .ToList();
        foreach (var file in files)
        {
            yield return file;
        }

        foreach (var file in files)
        {
            for (int m = 0; m < MutationsPerFile; m++)
            {
                yield return ($"{file.Name}#m{m}", Mutate(file.Text, (file.Name.Length * 7919) + m));
            }
        }

        yield return ("generated-clean", Generated(700, conflicts: false));
        yield return ("generated-conflicts", Generated(700, conflicts: true));
    }

    /// <summary>Applies one to four random edits (System.Random with a seed is deterministic across runtimes).</summary>
    private static string Mutate(string text, int seed)
    {
        var random = new Random(seed);
        string[] garbage = { "%%%", "@", "0x", "--", "999999999999", "->", ",", "#", "\r\n", "\n", "\r", "\t", " ", "\uFEFF", "drop", "inner", "vlan", "Mac", "dispacher", "4095", "0xFFFFFF", "0-7", "40%", "2.5Gbps", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "web:9", "pool", "tenant" };
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            var lines = text.Split('\n').ToList();
            int op = random.Next(8);
            int at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (op)
            {
                case 0: // delete a few characters
                    text = text.Remove(at, Math.Min(1 + random.Next(5), text.Length - at));
                    break;
                case 1: // insert a garbage token
                    text = text.Insert(at, garbage[random.Next(garbage.Length)]);
                    break;
                case 2: // duplicate a line (duplicates, conflicts, repeated declarations)
                {
                    int l = random.Next(lines.Count);
                    lines.Insert(random.Next(lines.Count + 1), lines[l]);
                    text = string.Join("\n", lines);
                    break;
                }

                case 3: // swap two lines
                {
                    int a = random.Next(lines.Count), b = random.Next(lines.Count);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    text = string.Join("\n", lines);
                    break;
                }

                case 4: // change a digit or a hex letter
                {
                    int d = text.IndexOfAny("0123456789abcdef".ToCharArray(), at);
                    if (d >= 0)
                    {
                        text = text.Remove(d, 1).Insert(d, "0123456789abcdefg"[random.Next(17)].ToString());
                    }

                    break;
                }

                case 5: // replace a word with another word of the file
                {
                    var words = text.Split(new[] { ' ', '\n', '\r', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                    int w = text.IndexOf(' ', at);
                    if (words.Length > 0 && w >= 0)
                    {
                        int end = text.IndexOfAny(new[] { ' ', '\n', '\r' }, w + 1);
                        end = end < 0 ? text.Length : end;
                        text = text.Substring(0, w + 1) + words[random.Next(words.Length)] + text.Substring(end);
                    }

                    break;
                }

                case 6: // delete a line
                {
                    lines.RemoveAt(random.Next(lines.Count));
                    text = string.Join("\n", lines);
                    break;
                }

                default: // a random character, rarely a control character
                    text = text.Insert(at, ((char)(random.Next(10) == 0 ? random.Next(32) : 32 + random.Next(0x250))).ToString());
                    break;
            }
        }

        return text;
    }

    /// <summary>A file in the style of bench/RulesGen, small; with conflicts it also repeats matches to other pools and adds overrides.</summary>
    private static string Generated(int n, bool conflicts)
    {
        var sb = new StringBuilder();
        sb.Append("dispatcher Vmdq.Bench.GeneratedDispatcher\nnic pools 64 queues 4 ring 1024\nprofile x710\n");
        sb.Append("tenant t1 vlan 1-100 vni 10000-10100\ntenant t2 vlan 101-200 vsid 70000-70100\n");
        for (int p = 1; p < 64; p++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"pool p{p} {p}{(p % 5 == 0 ? " tenant t1" : p % 7 == 0 ? " tenant t2" : string.Empty)}{(p % 11 == 0 ? " rss" : string.Empty)}\n");
        }

        int rule = 0;
        string Pool() => "p" + ((rule++ % 63) + 1).ToString(CultureInfo.InvariantCulture);
        static string Mac(long v) => string.Join(":", Enumerable.Range(0, 6).Select(i => ((v >> (40 - (8 * i))) & 0xFF).ToString("x2", CultureInfo.InvariantCulture)));
        for (int i = 0; i < n; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"mac {Mac(0x02_10_00_00_00_00L + i)} -> {Pool()}\n");
            sb.Append(CultureInfo.InvariantCulture, $"mac {Mac(0x02_20_00_00_00_00L + i)} vlan {(conflicts ? 1 + (i % 300) : 4001 + (i % 94))} -> {Pool()}\n");
            sb.Append(CultureInfo.InvariantCulture, $"vlan {1 + i} -> {Pool()}\n");
            sb.Append(CultureInfo.InvariantCulture, $"vxlan {10_000 + i} -> {Pool()}\n");
            sb.Append(CultureInfo.InvariantCulture, $"vxlan {(conflicts ? 10_000 + i : 20_000 + i)} inner {Mac(0x02_30_00_00_00_00L + i)} -> {Pool()}\n");
            sb.Append(CultureInfo.InvariantCulture, $"nvgre 0x{0x10_000 + i:X} -> {Pool()}\n");
            if (conflicts && i % 50 == 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"vlan {1 + i} -> {Pool()}\nmac {Mac(0x02_10_00_00_00_00L + i)} -> p{1 + ((rule - 1) % 63)}\n");
            }
        }

        sb.Append("broadcast -> p1, p2, p3\nmulticast -> p5, p7\n");
        return sb.ToString();
    }

    /// <summary>Everything the front end produces for <paramref name="text"/>, as text: the compile result (diagnostics, model, shape) and the parsed document.</summary>
    internal static string DumpOf(string text)
    {
        var sb = new StringBuilder();
        sb.Append("result ");
        Dump(RulesCompiler.Compile("case.vmdq", text), sb, 0);
        var diagnostics = new List<RuleDiagnostic>();
        var doc = Parser.Parse("case.vmdq", text, diagnostics);
        sb.Append("\nparse-diagnostics ");
        Dump(diagnostics, sb, 0);
        sb.Append("\ndocument ");
        Dump(doc, sb, 0);
        sb.Append("\nsplit-lines ");
        Dump(Lexer.SplitLines(text), sb, 0);
        return sb.ToString();
    }

    private static void Dump(object? value, StringBuilder sb, int depth)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(s.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
                return;
            case Enum or bool or char:
                sb.Append(value);
                return;
            case IFormattable f when value.GetType().IsPrimitive || value is decimal:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                return;
            case ISet<string> set:
                Dump(set.OrderBy(x => x, StringComparer.Ordinal).ToList(), sb, depth);
                return;
            case IEnumerable items:
                sb.Append('[');
                foreach (object? item in items)
                {
                    Dump(item, sb, depth + 1);
                    sb.Append(", ");
                }

                sb.Append(']');
                return;
        }

        Assert.True(depth < 12, "The dump nests too deep: " + value.GetType());
        var type = value.GetType();
        sb.Append(type.Name).Append(" {");
        foreach (var p in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            sb.Append(' ').Append(p.Name).Append('=');
            Dump(p.GetValue(value), sb, depth + 1);
        }

        sb.Append(" }");
    }

    private static string Hash(string dump) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dump)))[..32].ToLowerInvariant();

    [Fact]
    public void TheFrontEndProducesWhatItDidBefore()
    {
        var expected = File.ReadAllLines(Path.Combine(DataDirectory, "golden.txt"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var actual = new List<string>();
        var mismatches = new List<string>();
        string? firstDump = null;
        foreach (var (name, text) in Cases())
        {
            string dump = DumpOf(text);
            string hash = Hash(dump);
            actual.Add(name + "\t" + hash);
            if (!expected.TryGetValue(name, out var want) || want != hash)
            {
                mismatches.Add(name);
                firstDump ??= name + ":\n" + dump;
            }
        }

        if (Environment.GetEnvironmentVariable("VMDQ_FRONTEND_GOLDEN_OUT") is { Length: > 0 } output)
        {
            File.WriteAllLines(output, actual);
        }

        Assert.True(actual.Count > 1000, $"Only {actual.Count} cases.");
        Assert.Equal(expected.Count, actual.Count);
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} cases differ ({string.Join(", ", mismatches.Take(10))}); the first dumps as\n{firstDump}");
    }

    [Fact]
    public void TheDumpSeesEveryDifferenceThatMatters()
    {
        // The hash must move when a message, a span or a model value moves, else the test above proves nothing.
        string baseline = DumpOf("pool web 1\nvlan 5 -> web\n");
        Assert.NotEqual(baseline, DumpOf("pool web 1\nvlan 6 -> web\n"));
        Assert.NotEqual(baseline, DumpOf("pool web 1\nvlan  5 -> web\n"));
        Assert.NotEqual(DumpOf("pool web 1\nvlan 5 -> wbe\n"), DumpOf("pool web 1\nvlan 5 -> wxe\n"));
        Assert.Contains("Start=", baseline);
        Assert.Contains("Rules=[ResolvedRule", baseline);
        Assert.Contains("VMDQ0003", DumpOf("pool web 1\nvlan 5 -> wbe\n"));
    }
}
