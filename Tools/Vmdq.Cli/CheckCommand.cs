using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Analysis;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Cli;

/// <summary>One diagnostic as the tool reports it: its file, its severity after the configuration, and where its span ends.</summary>
/// <param name="File">The file's path as given on the command line.</param>
/// <param name="Diagnostic">The rules front end's diagnostic.</param>
/// <param name="Severity">The severity after <c>--config</c> (never lower than Error for an error).</param>
/// <param name="EndLine">1-based line of the span's end.</param>
/// <param name="EndColumn">1-based column just past the span's end (equal to the start column for an empty span).</param>
internal sealed record ReportedDiagnostic(string File, RuleDiagnostic Diagnostic, RuleSeverity Severity, int EndLine, int EndColumn)
{
    /// <summary>The build's form: <c>FILE(line,col): error VMDQ0003: message</c>.</summary>
    public override string ToString() =>
        $"{File}{Diagnostic.Span}: {SeverityName(Severity)} {Diagnostic.Id}: {Diagnostic.Message}";

    /// <summary>The severity as the build prints it (error, warning, info).</summary>
    public static string SeverityName(RuleSeverity severity) => severity.ToString().ToLowerInvariant();
}

/// <summary><c>vmdq check FILE... [--format text|json|sarif] [--config PATH]</c>.</summary>
internal static class CheckCommand
{
    /// <summary>Builds the command; its action writes to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("FILE")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "Rules files to check.",
        };
        // An unknown option would otherwise be taken as a file name ("cannot read rules file '--fromat'").
        files.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-' && !File.Exists(token.Value))
                {
                    result.AddError($"Unrecognized option '{token.Value}'.");
                }
            }
        });
        var format = new Option<string>("--format")
        {
            Description = "Output format: text (as the build prints diagnostics), json, or sarif (SARIF 2.1.0).",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var config = new Option<string?>("--config")
        {
            Description = "A .globalconfig/.editorconfig-style file whose dotnet_diagnostic.<ID>.severity settings apply (errors cannot be lowered).",
        };

        var command = new Command("check", "Check rules files and print their diagnostics, as the build does. Exit code: 0 no errors, 1 errors, 2 usage error or unreadable file.")
        {
            files, format, config,
        };
        command.SetAction(parsed => Execute(
            parsed.GetValue(files) ?? [], parsed.GetValue(format) ?? "text", parsed.GetValue(config), stdout, stderr));
        return command;
    }

    /// <summary>Checks <paramref name="paths"/> and writes the report; returns the exit code.</summary>
    internal static int Execute(IReadOnlyList<string> paths, string format, string? configPath, TextWriter stdout, TextWriter stderr)
    {
        var settings = configPath is null ? SeverityConfig.Empty : SeverityConfig.Load(configPath, stderr);

        // Read every file first: one unreadable file is a usage error, and reporting the others' diagnostics
        // beside it would make a CI log look like a partial success.
        var inputs = new List<(string Path, string Text)>();
        var unreadable = new List<string>();
        foreach (string path in paths)
        {
            try
            {
                inputs.Add((path, InputFiles.ReadText(path, "rules file")));
            }
            catch (CliUsageException e)
            {
                unreadable.Add(e.Message);
            }
        }

        if (unreadable.Count > 0)
        {
            foreach (string message in unreadable)
            {
                stderr.WriteLine($"vmdq: {message}");
            }

            return Program.UsageError;
        }

        var reported = new List<ReportedDiagnostic>();
        var compiled = inputs.OrderBy(i => i.Path, StringComparer.Ordinal).Select(i => (i.Path, i.Text, Result: RulesCompiler.Compile(i.Path, i.Text))).ToList();

        // VMDQ0014 needs every file, as the build's compilation-end check does: two files that would generate one type.
        var collisions = DispatcherCollisions.Find(compiled.Select(c => (c.Path, c.Result))).ToLookup(c => c.Path, c => c.Diagnostic, StringComparer.Ordinal);
        foreach (var (path, text, result) in compiled)
        {
            foreach (var diagnostic in result.Diagnostics.Concat(collisions[path]).OrderBy(d => d.Span.Start).ThenBy(d => d.Id, StringComparer.Ordinal))
            {
                if (settings.Apply(diagnostic) is { } severity)
                {
                    var (endLine, endColumn) = EndOf(text, diagnostic);
                    reported.Add(new ReportedDiagnostic(path, diagnostic, severity, endLine, endColumn));
                }
            }
        }

        switch (format)
        {
            case "json":
                JsonReport.Write(reported, stdout);
                break;
            case "sarif":
                SarifReport.Write(reported, stdout);
                break;
            default:
                foreach (var diagnostic in reported)
                {
                    stdout.WriteLine(diagnostic.ToString());
                }

                break;
        }

        int errors = reported.Count(d => d.Severity == RuleSeverity.Error);
        int warnings = reported.Count(d => d.Severity == RuleSeverity.Warning);
        int infos = reported.Count(d => d.Severity == RuleSeverity.Info);
        stderr.WriteLine($"vmdq: {Plural(inputs.Count, "file")} checked: {Plural(errors, "error")}, {Plural(warnings, "warning")}, {infos} info.");
        return errors > 0 ? 1 : 0;
    }

    /// <summary>The 1-based line and the column just past the end of the diagnostic's span, counted in <paramref name="text"/> as its start is.</summary>
    private static (int Line, int Column) EndOf(string text, RuleDiagnostic diagnostic)
    {
        var span = diagnostic.Span;
        int line = span.Line;
        int lineStart = span.Start - (span.Column - 1);
        int end = Math.Min(span.End, text.Length);
        for (int i = Math.Max(span.Start, 0); i < end; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, Math.Max(end, span.Start) - lineStart + 1);
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
