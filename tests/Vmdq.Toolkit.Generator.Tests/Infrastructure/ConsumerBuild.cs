using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Vmdq.Generator;
using Vmdq.Generator.Analyzers;

namespace Vmdq.Toolkit.Generator.Tests.Infrastructure;

/// <summary>
/// Builds a consumer project in memory the way the command-line compiler does (Roslyn's
/// <c>CommonCompiler.CompileAndEmit</c>), including when it gives up: parse errors stop the build before
/// generators run; generators run and their diagnostics are kept; declaration errors (a <c>using</c> of a
/// namespace that does not exist: CS0246) stop the build before analyzers report anything; otherwise method
/// bodies are compiled and the analyzers' diagnostics are added. What it returns is what <c>dotnet build</c>
/// prints (errors and warnings; info is not printed). A package test checks a sample of these against a
/// real <c>dotnet build</c>.
/// </summary>
internal static class ConsumerBuild
{
    /// <summary>One printed diagnostic: <c>file(line,col): severity ID: message</c>.</summary>
    internal sealed record Printed(string File, int Line, int Column, DiagnosticSeverity Severity, string Id, string Message, bool InGeneratedCode)
    {
        public override string ToString() =>
            $"{File}({Line},{Column}): {(Severity == DiagnosticSeverity.Error ? "error" : "warning")} {Id}: {Message}";
    }

    /// <summary>The consumer's code: imports the dispatcher's namespace and uses every public member.</summary>
    public static string ProgramUsing(string dispatcherFullName)
    {
        int dot = dispatcherFullName.LastIndexOf('.');
        string ns = dot < 0 ? string.Empty : dispatcherFullName.Substring(0, dot);
        string c = dot < 0 ? dispatcherFullName : dispatcherFullName.Substring(dot + 1);
        string usingLine = ns.Length == 0 ? string.Empty : $"using {ns};";
        return $$"""
            {{usingLine}}
            using Vmdq.Toolkit;

            namespace Consumer;

            public static class Program
            {
                public static int Run(byte[] frame, byte[][] frames)
                {
                    Verdict v = {{c}}.Classify(frame);
                    FrameFields fields = {{c}}.Parse(frame);
                    Verdict again = {{c}}.Classify(in fields);
                    var verdicts = new Verdict[frames.Length];
                    {{c}}.ClassifyBatch(frames, verdicts);
                    {{c}}.ClassifyBatch(frame, new[] { new FrameSlice(0, frame.Length) }, verdicts);
                    int sum = 0;
                    foreach (int pool in {{c}}.Replicas(v))
                    {
                        sum += pool;
                    }

                    DispatcherInfo info = {{c}}.Info;
                    sum += info.PoolCount + (again.IsDrop ? 1 : 0);
                    const long constants = {{c}}.PoolCount + {{c}}.QueuesPerPool + {{c}}.RingSize + {{c}}.DefaultPool
                        + {{c}}.DefaultQueue + {{c}}.VxlanPort + {{c}}.RuleCount + {{c}}.TableBytes;
                    return sum + (int)(constants % 7);
                }
            }
            """;
    }

    /// <summary>
    /// Builds <paramref name="program"/> with the rules files; <paramref name="severities"/> are
    /// <c>.globalconfig</c>-style severity overrides (ID → severity).
    /// </summary>
    public static IReadOnlyList<Printed> Build(string program, IEnumerable<(string Path, string Text)> rulesFiles, IReadOnlyDictionary<string, ReportDiagnostic>? severities = null)
    {
        var printed = new List<Diagnostic>();
        var compilation = CompilationHarness.CreateCompilation(program);
        if (severities is not null)
        {
            compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(severities));
        }

        var additional = rulesFiles.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToImmutableArray();

        // 1. Parse errors stop the build before generators run.
        printed.AddRange(compilation.GetParseDiagnostics());
        if (HasErrors(printed))
        {
            return Print(printed);
        }

        // 2. Generators run; their diagnostics are kept whatever happens next.
        var driver = CompilationHarness.CreateDriver(additional);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        printed.AddRange(Filter(generatorDiagnostics, compilation.Options));
        foreach (var tree in output.SyntaxTrees.Skip(compilation.SyntaxTrees.Count()))
        {
            printed.AddRange(Filter(tree.GetDiagnostics(), compilation.Options));
        }

        // 3. Declaration errors stop the build before analyzers report anything.
        var declaration = output.GetDeclarationDiagnostics();
        printed.AddRange(declaration);
        if (HasErrors(printed))
        {
            return Print(printed);
        }

        // 4. Method bodies, then the analyzers (with the same severity options).
        printed.AddRange(output.GetMethodBodyDiagnostics());
        var analyzers = output.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new RulesAnalyzer()),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(additional), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        printed.AddRange(analyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());
        return Print(printed);
    }

    private static IEnumerable<Diagnostic> Filter(IEnumerable<Diagnostic> diagnostics, CompilationOptions options)
    {
        // The compiler's own filtering (CompilationOptions.FilterDiagnostic) is internal: the part that
        // matters here is per-ID severity, which NotConfigurable diagnostics ignore.
        foreach (var d in diagnostics)
        {
            if (d.Descriptor.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable)
                || !options.SpecificDiagnosticOptions.TryGetValue(d.Id, out var report)
                || report == ReportDiagnostic.Default)
            {
                yield return d;
                continue;
            }

            DiagnosticSeverity? severity = report switch
            {
                ReportDiagnostic.Error => DiagnosticSeverity.Error,
                ReportDiagnostic.Warn => DiagnosticSeverity.Warning,
                ReportDiagnostic.Info => DiagnosticSeverity.Info,
                ReportDiagnostic.Hidden => DiagnosticSeverity.Hidden,
                _ => null,
            };
            if (severity is { } s)
            {
                yield return Diagnostic.Create(d.Id, d.Descriptor.Category, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), s, d.DefaultSeverity,
                    isEnabledByDefault: true, warningLevel: s == DiagnosticSeverity.Error ? 0 : 1, location: d.Location);
            }
        }
    }

    private static bool HasErrors(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && !d.IsSuppressed);

    private static IReadOnlyList<Printed> Print(IEnumerable<Diagnostic> diagnostics)
    {
        return diagnostics
            .Where(d => !d.IsSuppressed && d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                string path = span.Path ?? string.Empty;
                bool generated = d.Location.IsInSource && path.Contains(nameof(VmdqGenerator), StringComparison.Ordinal);
                return new Printed(System.IO.Path.GetFileName(path), span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
                    d.Severity, d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), generated);
            })
            .Distinct()
            .OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ThenBy(p => p.Column).ThenBy(p => p.Id, StringComparer.Ordinal)
            .ToList();
    }
}
