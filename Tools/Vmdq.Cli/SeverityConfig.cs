using System;
using System.Collections.Generic;
using System.IO;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Cli;

/// <summary>
/// The <c>dotnet_diagnostic.&lt;ID&gt;.severity</c> settings of a .globalconfig / .editorconfig-style file, applied
/// as the build applies them to rules files: warnings and infos can be hidden, lowered or raised; errors are
/// NotConfigurable and stay errors. Like the build, only settings outside any section header count: Roslyn
/// does not apply file-path sections (<c>[*.vmdq]</c>) to diagnostics in additional files (docs/diagnostics.md,
/// "Changing severities"); such a setting is reported on stderr as ignored.
/// </summary>
internal sealed class SeverityConfig
{
    private const string Prefix = "dotnet_diagnostic.";
    private const string Suffix = ".severity";

    private readonly Dictionary<string, RuleSeverity?> _severities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>No settings: every diagnostic keeps its default severity.</summary>
    public static SeverityConfig Empty { get; } = new();

    /// <summary>Reads <paramref name="path"/>; notes about ignored lines go to <paramref name="notes"/>.</summary>
    /// <exception cref="CliUsageException">The file cannot be read.</exception>
    public static SeverityConfig Load(string path, TextWriter notes)
    {
        string text = InputFiles.ReadText(path, "config file");
        var config = new SeverityConfig();
        string? section = null;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                section = line;
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                continue;
            }

            string key = line[..eq].Trim();
            string value = StripComment(line[(eq + 1)..]).Trim();
            if (!key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !key.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)
                || key.Length <= Prefix.Length + Suffix.Length)
            {
                continue;
            }

            string id = key[Prefix.Length..^Suffix.Length];
            string where = $"{path}({i + 1})";
            if (section is not null)
            {
                notes.WriteLine($"{where}: note: '{key}' is under the section {section}, which the build does not apply to rules files; it is ignored (put it before any section header).");
                continue;
            }

            switch (value.ToLowerInvariant())
            {
                case "none":
                case "silent":
                    config._severities[id] = null;
                    break;
                case "suggestion":
                    config._severities[id] = RuleSeverity.Info;
                    break;
                case "warning":
                    config._severities[id] = RuleSeverity.Warning;
                    break;
                case "error":
                    config._severities[id] = RuleSeverity.Error;
                    break;
                case "default":
                    config._severities.Remove(id);
                    break;
                default:
                    notes.WriteLine($"{where}: note: '{value}' is not a severity (error, warning, suggestion, silent, none or default); the line is ignored.");
                    break;
            }
        }

        return config;
    }

    /// <summary>
    /// The severity <paramref name="diagnostic"/> is reported with, or null when the configuration hides it.
    /// An error stays an error whatever the configuration says.
    /// </summary>
    public RuleSeverity? Apply(RuleDiagnostic diagnostic)
    {
        if (diagnostic.Severity == RuleSeverity.Error)
        {
            return RuleSeverity.Error;
        }

        return _severities.TryGetValue(diagnostic.Id, out var configured) ? configured : diagnostic.Severity;
    }

    private static string StripComment(string value)
    {
        int hash = value.IndexOfAny(['#', ';']);
        return hash < 0 ? value : value[..hash];
    }
}
