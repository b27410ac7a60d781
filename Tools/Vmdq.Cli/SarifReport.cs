using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Cli;

/// <summary>
/// <c>--format sarif</c>: a SARIF 2.1.0 log with one run, the descriptors as the driver's rules and one result per
/// diagnostic, for code-scanning UIs. Paths are relative to the current directory, as code scanning expects.
/// </summary>
internal static class SarifReport
{
    /// <summary>The schema the output conforms to.</summary>
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    /// <summary>Writes <paramref name="diagnostics"/> to <paramref name="output"/>.</summary>
    public static void Write(IReadOnlyList<ReportedDiagnostic> diagnostics, TextWriter output)
    {
        var rules = RuleDescriptors.All;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();

            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "vmdq");
            string? version = typeof(SarifReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (!string.IsNullOrEmpty(version))
            {
                json.WriteString("semanticVersion", version.Split('+')[0]);
            }

            string docs = HelpLinks.For("x");
            if (docs.Length > 0)
            {
                json.WriteString("informationUri", docs[..docs.IndexOf('#', StringComparison.Ordinal)]);
            }

            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                json.WriteString("name", PascalCase(rule.Title));
                json.WriteStartObject("shortDescription");
                json.WriteString("text", rule.Title);
                json.WriteEndObject();
                WriteHelpUri(json, rule.Id);
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", Level(rule.Severity));
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("results");
            foreach (var d in diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", d.Diagnostic.Id);
                int index = IndexOf(rules, d.Diagnostic.Id);
                if (index >= 0)
                {
                    json.WriteNumber("ruleIndex", index);
                }

                json.WriteString("level", Level(d.Severity));
                json.WriteStartObject("message");
                json.WriteString("text", d.Diagnostic.Message);
                json.WriteEndObject();
                json.WriteStartArray("locations");
                json.WriteStartObject();
                json.WriteStartObject("physicalLocation");
                json.WriteStartObject("artifactLocation");
                json.WriteString("uri", ArtifactUri(d.File));
                json.WriteEndObject();
                json.WriteStartObject("region");
                json.WriteNumber("startLine", d.Diagnostic.Span.Line);
                json.WriteNumber("startColumn", d.Diagnostic.Span.Column);
                if (d.EndLine != d.Diagnostic.Span.Line)
                {
                    json.WriteNumber("endLine", d.EndLine);
                }

                json.WriteNumber("endColumn", d.EndColumn);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>SARIF's level for a severity: error, warning, or note for info.</summary>
    public static string Level(RuleSeverity severity) => severity switch
    {
        RuleSeverity.Error => "error",
        RuleSeverity.Warning => "warning",
        _ => "note",
    };

    /// <summary>The file as a relative URI reference (forward slashes, escaped) from the current directory; absolute file URI when no relative path exists.</summary>
    internal static string ArtifactUri(string file)
    {
        string full = Path.GetFullPath(file);
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        if (Path.IsPathRooted(relative))
        {
            return new Uri(full).AbsoluteUri;
        }

        return string.Join('/', relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString));
    }

    private static void WriteHelpUri(Utf8JsonWriter json, string id)
    {
        string help = HelpLinks.For(id);
        if (help.Length > 0)
        {
            json.WriteString("helpUri", help);
        }
    }

    private static int IndexOf(IReadOnlyList<RuleDescriptor> rules, string id)
    {
        for (int i = 0; i < rules.Count; i++)
        {
            if (string.Equals(rules[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string PascalCase(string title)
    {
        var name = new StringBuilder(title.Length);
        bool upper = true;
        foreach (char c in title)
        {
            if (char.IsLetterOrDigit(c))
            {
                name.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        return name.ToString();
    }
}
