using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Analysis;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules;

/// <summary>
/// The result of checking one rules file: its diagnostics (with the IDs, messages, lines and columns the
/// build reports) and the dispatcher type it generates. Value-equatable.
/// </summary>
public sealed record RulesResult
{
    internal RulesResult(string path, string dispatcherTypeName, SourceSpan? dispatcherSpan, RuleSet? model,
        EquatableArray<RuleDiagnostic> diagnostics, DispatcherShape shape, bool isDispatcherNameReadable)
    {
        Path = path;
        DispatcherTypeName = dispatcherTypeName;
        DispatcherSpan = dispatcherSpan;
        Model = model;
        DiagnosticArray = diagnostics;
        Shape = shape;
        IsDispatcherNameReadable = isDispatcherNameReadable;
    }

    /// <summary>The file's path, as given.</summary>
    public string Path { get; }

    /// <summary>The namespace-qualified type the file generates (known even when there are errors, for cross-file checks).</summary>
    public string DispatcherTypeName { get; }

    /// <summary>Where the <c>dispatcher</c> name is written, if it is.</summary>
    public SourceSpan? DispatcherSpan { get; }

    /// <summary>Every diagnostic, ordered by position.</summary>
    public IReadOnlyList<RuleDiagnostic> Diagnostics => DiagnosticArray;

    /// <summary>True when any diagnostic is an error: the file then generates no working dispatcher.</summary>
    public bool HasErrors => DiagnosticArray.Any(d => d.Severity == RuleSeverity.Error);

    /// <summary>The diagnostics as a value-equatable array (for the generator's cached pipeline).</summary>
    internal EquatableArray<RuleDiagnostic> DiagnosticArray { get; }

    /// <summary>The resolved rules, or null when the file has errors.</summary>
    internal RuleSet? Model { get; }

    /// <summary>The dispatcher's name and constants, also when the file has errors (for the generator's shape of it).</summary>
    internal DispatcherShape Shape { get; }

    /// <summary>False when the <c>dispatcher</c> line cannot be read (VMDQ0019, VMDQ0020): the type name is then unknown.</summary>
    internal bool IsDispatcherNameReadable { get; }
}

/// <summary>Entry point of the rules front end: text in, model and diagnostics out. Never throws on any input.</summary>
public static class RulesCompiler
{
    /// <summary>Parses and checks one rules file.</summary>
    /// <param name="path">The file's path (used for the default dispatcher name and in diagnostics).</param>
    /// <param name="text">The file's text.</param>
    public static RulesResult Compile(string path, string text) => CompileDocument(path, text, out _);

    /// <summary>Parses and checks one rules file, and gives its parsed document (null for text that is not text: VMDQ0019).</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="text">The file's text.</param>
    /// <param name="document">The parsed document (for <see cref="Analysis.IncrementalRules"/>), or null.</param>
    internal static RulesResult CompileDocument(string path, string text, out RulesDocument? document)
    {
        document = null;
        var diagnostics = new List<RuleDiagnostic>();
        if (TextCheck.FindHostile(text) is { } notText)
        {
            // Nothing of a binary or mis-encoded file is worth parsing: one error, no echo of its bytes. Its
            // dispatcher name cannot be trusted either, so the generator reports the error itself (code that
            // uses the dispatcher fails with CS0246, which would hide an analyzer's report).
            var empty = new RulesDocument(path);
            var shape = DispatcherShape.Of(RulesChecker.Check(empty, new List<RuleDiagnostic>()));
            return new RulesResult(path, RulesChecker.DispatcherTypeName(empty), null, null, new[] { notText }.ToEquatableArray(), shape, isDispatcherNameReadable: false);
        }

        var doc = Parser.Parse(path, text, diagnostics);
        document = doc;
        var model = RulesChecker.Check(doc, diagnostics);
        var ordered = diagnostics.OrderBy(d => d.Span.Start).ThenBy(d => d.Id, System.StringComparer.Ordinal).ToEquatableArray();
        bool errors = ordered.Any(d => d.Severity == RuleSeverity.Error);
        return new RulesResult(path, RulesChecker.DispatcherTypeName(doc), doc.DispatcherSpan, errors ? null : model, ordered,
            DispatcherShape.Of(model), !doc.DispatcherUnreadable);
    }
}
