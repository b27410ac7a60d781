using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Analysis;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules;

/// <summary>The result of compiling one rules file.</summary>
/// <param name="Path">The file.</param>
/// <param name="DispatcherTypeName">The type it generates (known even when there are errors, for cross-file checks).</param>
/// <param name="DispatcherSpan">Where the <c>dispatcher</c> name is written, if it is.</param>
/// <param name="Model">The resolved rules, or null when the file has errors.</param>
/// <param name="Diagnostics">Every diagnostic, ordered by position.</param>
/// <param name="Shape">The dispatcher's name and constants, also when the file has errors (for the generator's shape of it).</param>
/// <param name="IsDispatcherNameReadable">False when the <c>dispatcher</c> line cannot be read (VMDQ0020): the type name is then unknown.</param>
public sealed record RulesResult(string Path, string DispatcherTypeName, SourceSpan? DispatcherSpan, RuleSet? Model, EquatableArray<RuleDiagnostic> Diagnostics,
    DispatcherShape Shape, bool IsDispatcherNameReadable)
{
    /// <summary>True when any diagnostic is an error (then <see cref="Model"/> is null).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == RuleSeverity.Error);
}

/// <summary>Entry point of the rules front end: text in, model and diagnostics out. Never throws on any input.</summary>
public static class RulesCompiler
{
    /// <summary>Parses and checks one rules file.</summary>
    /// <param name="path">The file's path (used for the default dispatcher name and in diagnostics).</param>
    /// <param name="text">The file's text.</param>
    public static RulesResult Compile(string path, string text)
    {
        var diagnostics = new List<RuleDiagnostic>();
        if (TextCheck.FindHostile(text) is { } notText)
        {
            // Nothing of a binary or mis-encoded file is worth parsing: one error, no echo of its bytes. Its
            // dispatcher name cannot be trusted either, so the generator reports the error itself (code that
            // uses the dispatcher fails with CS0246, which would hide an analyzer's report).
            var empty = new RulesDocument(path);
            var shape = DispatcherShape.Of(RulesChecker.Check(empty, new List<RuleDiagnostic>()));
            return new RulesResult(path, RulesChecker.DispatcherTypeName(empty), null, null, new[] { notText }.ToEquatableArray(), shape, IsDispatcherNameReadable: false);
        }

        var doc = Parser.Parse(path, text, diagnostics);
        var model = RulesChecker.Check(doc, diagnostics);
        var ordered = diagnostics.OrderBy(d => d.Span.Start).ThenBy(d => d.Id, System.StringComparer.Ordinal).ToEquatableArray();
        bool errors = ordered.Any(d => d.Severity == RuleSeverity.Error);
        return new RulesResult(path, RulesChecker.DispatcherTypeName(doc), doc.DispatcherSpan, errors ? null : model, ordered,
            DispatcherShape.Of(model), !doc.DispatcherUnreadable);
    }
}
