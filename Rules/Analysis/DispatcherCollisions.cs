using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Analysis;

/// <summary>
/// VMDQ0014 across files: two rules files that would generate the same dispatcher type. Each file but the
/// first in path order gets the error, at its <c>dispatcher</c> name (line 1, column 1 when the name is the
/// default). The build's analyzer reports it at compilation end; <c>vmdq check</c> over several files
/// reports the same.
/// </summary>
internal static class DispatcherCollisions
{
    /// <summary>The message of the error on a file whose type <paramref name="firstPath"/> also generates.</summary>
    public static string Message(string typeName, string firstPath) =>
        $"'{typeName}' is also generated from {firstPath}: give one of the files its own 'dispatcher' name. Neither file generates a working dispatcher.";

    /// <summary>The VMDQ0014 errors of <paramref name="files"/>, each with the path of the file it is on.</summary>
    public static IEnumerable<(string Path, RuleDiagnostic Diagnostic)> Find(IEnumerable<(string Path, RulesResult Result)> files) =>
        files
            .Where(f => f.Result.IsDispatcherNameReadable)
            .GroupBy(f => f.Result.DispatcherTypeName, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .SelectMany(g =>
            {
                var ordered = g.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
                return ordered.Skip(1).Select(f => (f.Path, new RuleDiagnostic(
                    RuleDescriptors.DuplicateDispatcher.Id,
                    RuleDescriptors.DuplicateDispatcher.Severity,
                    Message(g.Key, ordered[0].Path),
                    f.Result.DispatcherSpan ?? new SourceSpan(0, 0, 1, 1))));
            });
}
