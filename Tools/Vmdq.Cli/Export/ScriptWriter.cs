using System.Collections.Generic;
using System.IO;

namespace Vmdq.Cli.Export;

/// <summary>
/// Prints a target's commands as a script: a header of comments (what a pool is there), the setup commands, then
/// each rule's annotation (<c># FILE:LINE: rule</c>) followed by its commands, or by a comment saying why it is left out; then
/// likewise each pool whose attributes the target sets (<c># FILE:LINE: pool ...</c>).
/// </summary>
internal static class ScriptWriter
{
    /// <summary>Writes the script to <paramref name="output"/>; returns how many commands it holds.</summary>
    public static int Write(ExportTarget target, ExportContext context, IReadOnlyList<ExportRule> rules, IReadOnlyList<ExportEntry> entries, TextWriter output)
    {
        var (comments, setup) = target.Preamble(context, rules);
        output.WriteLine($"# vmdq export --to {target.Name}: {context.File}");
        foreach (string comment in comments)
        {
            output.WriteLine("# " + comment);
        }

        int written = 0;
        foreach (string command in setup)
        {
            output.WriteLine(command);
            written++;
        }

        foreach (var entry in entries)
        {
            var t = entry.Translation;
            output.WriteLine();
            output.WriteLine($"# {context.File}:{entry.Line}: {entry.Text}" + (entry.Note is null ? string.Empty : $" ({entry.Note})"));
            if (t.Problem is not null)
            {
                output.WriteLine(t.KeptWhenPartial
                    ? $"# exported in part ({t.Problem.Id}): {t.Message}"
                    : $"# not exported ({t.Problem.Id}): {t.Message}");
            }

            if (t.Problem is null || t.KeptWhenPartial)
            {
                foreach (string command in t.Commands)
                {
                    output.WriteLine(command);
                    written++;
                }
            }
        }

        return written;
    }
}
