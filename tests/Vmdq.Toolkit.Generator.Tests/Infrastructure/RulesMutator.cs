using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Vmdq.Toolkit.Generator.Tests.Infrastructure;

/// <summary>
/// Seeded mutations of the rules files users start from: the docs' examples, the README's and the
/// sample's rules. Mutation <c>n</c> is always the same text (the seed is <c>n</c>), so a failure names a
/// number that reproduces it. The kinds of edit are the mistakes people make: typos in keywords and
/// names, numbers out of range or reserved, missing or doubled tokens and lines, wrong arrows and
/// targets, stray bytes, truncation.
/// </summary>
internal static class RulesMutator
{
    /// <summary>A rules file to mutate: where it comes from and its text.</summary>
    internal sealed record Source(string Name, string Text);

    private static readonly string[] s_numbers =
    {
        "0", "1", "4094", "4095", "4096", "5000", "0xFFF", "0x1000", "16777215", "16777216", "0xFFFFFF", "99999999999999999999",
        "-1", "1-0", "0x", "7", "63", "64", "65535", "65536", "x",
    };

    private static readonly string[] s_junk =
    {
        "mac", "vlan", "vxlan", "nvgre", "inner", "->", "drop", "pool", "tenant", "web", "db", "dbb", ",", "#", ":", "40%",
        "priority", "bandwidth", "queues", "broadcast", "multicast", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "00:1b:21:0a:0b:01",
        "\"", "'", "\u00e9", "vni", "vsid", "tenant", "0x10",
    };

    /// <summary>The files mutations start from, read from the repository.</summary>
    public static IReadOnlyList<Source> Sources { get; } = LoadSources();

    /// <summary>Mutation number <paramref name="seed"/>: a source and one to three edits of it.</summary>
    public static (Source Origin, string Text, string Edits) Mutate(int seed)
    {
        var random = new Random(seed);
        var origin = Sources[random.Next(Sources.Count)];
        string text = origin.Text;
        var edits = new List<string>();
        int count = random.Next(10) < 7 ? 1 : random.Next(2, 4);
        for (int i = 0; i < count; i++)
        {
            (text, string edit) = MutateOnce(text, random);
            edits.Add(edit);
        }

        return (origin, text, string.Join("; ", edits));
    }

    private static (string Text, string Edit) MutateOnce(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        var statementLines = Enumerable.Range(0, lines.Count).Where(i => lines[i].Trim().Length > 0 && !lines[i].TrimStart().StartsWith('#')).ToList();
        if (statementLines.Count == 0)
        {
            return (text + "\nvlan 5000 -> web", "append vlan 5000 -> web");
        }

        int li = statementLines[random.Next(statementLines.Count)];
        string line = lines[li];
        var words = Regex.Matches(line.Split('#')[0], @"\S+").Cast<Match>().ToList();
        Match w = words[random.Next(words.Count)];
        string Replace(string replacement) => line.Substring(0, w.Index) + replacement + line.Substring(w.Index + w.Length);
        string edit;
        switch (random.Next(14))
        {
            case 0: // typo in a word: swap, drop, double or change a letter, or change case
            {
                string s = w.Value;
                string typo = s.Length < 2 ? s + s : random.Next(5) switch
                {
                    0 => SwapAt(s, random.Next(s.Length - 1)),
                    1 => s.Remove(random.Next(s.Length), 1),
                    2 => s.Insert(random.Next(s.Length), s[random.Next(s.Length)].ToString()),
                    3 => char.IsUpper(s[0]) ? char.ToLowerInvariant(s[0]) + s.Substring(1) : char.ToUpperInvariant(s[0]) + s.Substring(1),
                    _ => s.Substring(0, s.Length - 1) + (char)('a' + random.Next(26)),
                };
                lines[li] = Replace(typo);
                edit = $"line {li + 1}: '{w.Value}' -> '{typo}'";
                break;
            }

            case 1:
            case 2: // a number, or any word, replaced by a boundary or bad number
            {
                var numbers = words.Where(m => char.IsDigit(m.Value[0])).ToList();
                if (numbers.Count > 0)
                {
                    w = numbers[random.Next(numbers.Count)];
                }

                string n = s_numbers[random.Next(s_numbers.Length)];
                lines[li] = Replace(n);
                edit = $"line {li + 1}: '{w.Value}' -> '{n}'";
                break;
            }

            case 3:
                lines[li] = Replace(string.Empty);
                edit = $"line {li + 1}: delete '{w.Value}'";
                break;
            case 4:
                lines.RemoveAt(li);
                edit = $"delete line {li + 1}";
                break;
            case 5:
                lines.Insert(li, line);
                edit = $"duplicate line {li + 1}";
                break;
            case 6:
            {
                int lj = statementLines[random.Next(statementLines.Count)];
                (lines[li], lines[lj]) = (lines[lj], lines[li]);
                edit = $"swap lines {li + 1} and {lj + 1}";
                break;
            }

            case 7:
            {
                string arrow = new[] { "=>", "-", ">", "- >", "", "->->" }[random.Next(6)];
                lines[li] = line.Contains("->", StringComparison.Ordinal) ? line.Replace("->", arrow, StringComparison.Ordinal) : Replace(w.Value + " " + arrow);
                edit = $"line {li + 1}: arrow -> '{arrow}'";
                break;
            }

            case 8:
            {
                string junk = s_junk[random.Next(s_junk.Length)];
                lines[li] = line.Insert(random.Next(2) == 0 ? w.Index : w.Index + w.Length, " " + junk + " ");
                edit = $"line {li + 1}: insert '{junk}'";
                break;
            }

            case 9: // a rule's target: another queue, a drop with a queue, a pool list, a typo'd name
            {
                int arrow = line.IndexOf("->", StringComparison.Ordinal);
                string target = arrow < 0 ? string.Empty : line.Substring(arrow + 2).Split('#')[0].Trim();
                string pool = target.Split(',', ':')[0].Trim();
                string replacement = random.Next(6) switch
                {
                    0 => pool + ":" + random.Next(10),
                    1 => "drop:1",
                    2 => pool + ", " + pool,
                    3 => pool.Length > 2 ? SwapAt(pool, random.Next(pool.Length - 1)) : pool + "x",
                    4 => "web, db",
                    _ => char.ToUpperInvariant(pool.FirstOrDefault('w')) + pool.Substring(Math.Min(1, pool.Length)),
                };
                lines[li] = arrow < 0 ? line + " -> " + replacement : line.Substring(0, arrow) + "-> " + replacement;
                edit = $"line {li + 1}: target '{target}' -> '{replacement}'";
                break;
            }

            case 10:
            {
                string bad = new[] { "\0", "\u0001", "\uFFFD", "\u001b[31m", "\t\t", "\r" }[random.Next(6)];
                lines[li] = line.Insert(random.Next(line.Length + 1), bad);
                edit = $"line {li + 1}: insert U+{(int)bad[0]:X4}";
                break;
            }

            case 11:
            {
                int cut = random.Next(text.Length + 1);
                return (text.Substring(0, cut), $"truncate at {cut}");
            }

            case 12:
            {
                var macs = words.Where(m => m.Value.Count(c => c == ':') == 5).ToList();
                string mac = new[] { "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "00:1b:21:0a:0b", "00:1b:21:0a:0b:0g", "00-1b-21-0a-0b-01", "00:1b:21:0a:0b:01:02" }[random.Next(6)];
                if (macs.Count > 0)
                {
                    w = macs[random.Next(macs.Count)];
                }

                lines[li] = Replace(mac);
                edit = $"line {li + 1}: '{w.Value}' -> '{mac}'";
                break;
            }

            default: // a rule the file did not have
            {
                string rule = new[] { "vlan 5000 -> web", "vxlan 12000 -> web", "mac 00:1b:21:0a:0b:01 -> db", "broadcast -> web, db", "multicast -> nosuch", "vlan 0 -> web", "nvgre 0x10 -> web", "" }[random.Next(8)];
                lines.Insert(random.Next(lines.Count + 1), rule);
                edit = $"insert '{rule}'";
                break;
            }
        }

        return (string.Join("\n", lines), edit);
    }

    private static string SwapAt(string s, int i) => s.Substring(0, i) + s[i + 1] + s[i] + s.Substring(i + 2);

    private static IReadOnlyList<Source> LoadSources()
    {
        string root = RepositoryRoot();
        var sources = new List<Source>
        {
            new("Samples/MultiTenantHost/tenants.vmdq", File.ReadAllText(Path.Combine(root, "Samples", "MultiTenantHost", "tenants.vmdq"))),
        };
        sources.AddRange(FencedBlocks(root, "README.md", tag: string.Empty).Where(b => b.Contains("->", StringComparison.Ordinal)).Select((b, i) => new Source($"README.md block {i + 1}", b)));
        sources.AddRange(FencedBlocks(root, Path.Combine("docs", "rules-language.md"), tag: string.Empty).Where(b => b.Contains("->", StringComparison.Ordinal)).Select((b, i) => new Source($"docs/rules-language.md block {i + 1}", b)));
        sources.AddRange(FencedBlocks(root, Path.Combine("docs", "diagnostics.md"), tag: "vmdq-fixed").Select((b, i) => new Source($"docs/diagnostics.md fixed example {i + 1}", b)));
        return sources;
    }

    /// <summary>The repository root (the snapshot directory's grandparent's parent).</summary>
    public static string RepositoryRoot()
    {
        string snapshots = typeof(RulesMutator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotDirectory").Value!;
        return Path.GetFullPath(Path.Combine(snapshots, "..", "..", ".."));
    }

    private static IEnumerable<string> FencedBlocks(string root, string file, string tag)
    {
        string[] lines = File.ReadAllText(Path.Combine(root, file)).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                int end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
                if (end < 0)
                {
                    yield break;
                }

                if (lines[i].TrimEnd() == "```" + tag)
                {
                    yield return string.Join("\n", lines, i + 1, end - i - 1) + "\n";
                }

                i = end;
            }
        }
    }
}
