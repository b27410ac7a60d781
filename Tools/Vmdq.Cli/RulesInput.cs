using System.IO;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Toolkit;

namespace Vmdq.Cli;

/// <summary>Loads a rules file with the runtime engine for the commands that run it (<c>explain</c>, <c>replay</c>).</summary>
internal static class RulesInput
{
    /// <summary>
    /// Loads <paramref name="path"/> with <see cref="RuntimeDispatcher.Load"/> and writes its diagnostics to
    /// <paramref name="stderr"/> in <c>vmdq check</c>'s form: all of them when the file has errors (then a last line
    /// saying there is nothing to <paramref name="verb"/>, and null is returned), its warnings only when it loads
    /// (info such as VMDQ0012's overrides is <c>vmdq check</c>'s to show, and would bury the command's output).
    /// </summary>
    /// <exception cref="CliUsageException">The file does not exist or cannot be read.</exception>
    public static RuntimeDispatcher? Load(string path, string verb, TextWriter stderr)
    {
        // Read as the build reads additional files (UTF-8, BOM stripped), as 'vmdq check' reads it.
        var loaded = RuntimeDispatcher.Load(InputFiles.ReadText(path, "rules file"), path);
        foreach (var diagnostic in loaded.Diagnostics)
        {
            if (diagnostic.Severity == RuleSeverity.Info && loaded.Dispatcher is not null)
            {
                continue;
            }

            // On stderr, so that stdout stays the command's output (or JSON).
            stderr.WriteLine($"{path}{diagnostic.Span}: {ReportedDiagnostic.SeverityName(diagnostic.Severity)} {diagnostic.Id}: {diagnostic.Message}");
        }

        if (loaded.Dispatcher is null)
        {
            int errors = loaded.Diagnostics.Count(d => d.Severity == RuleSeverity.Error);
            stderr.WriteLine($"vmdq: {path} has {(errors == 1 ? "1 error" : $"{errors} errors")}; nothing to {verb}.");
        }

        return loaded.Dispatcher;
    }
}
