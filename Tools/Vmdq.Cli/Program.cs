using System;
using System.CommandLine;
using System.IO;

namespace Vmdq.Cli;

/// <summary>The <c>vmdq</c> tool's entry point and command tree.</summary>
internal static class Program
{
    /// <summary>Exit code for a usage error or an input that cannot be read.</summary>
    internal const int UsageError = 2;

    private static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Runs the tool on <paramref name="args"/>, writing to the given writers instead of the console (the tests
    /// call this in-process). Returns the exit code: 0 success, 1 rules errors, 2 usage errors or unreadable input.
    /// </summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("vmdq: check VMDq rules files with the same diagnostics as the Vmdq.Toolkit build, explain where frames go, replay captures through the NIC emulator, capture and explain live frames from an interface, and export the rules to tc, ip, ethtool and testpmd.")
        {
            CheckCommand.Create(stdout, stderr),
            ExplainCommand.Create(stdout, stderr),
            ReplayCommand.Create(stdout, stderr),
            ExportCommand.Create(stdout, stderr),
            CaptureCommand.Create(stdout, stderr),
        };

        ParseResult parsed = root.Parse(args);
        // Parse errors end with exit code 2 (the library's own error action returns 1, which is the
        // "rules have errors" code here); --help and --version clear parse errors and run as usual.
        if (parsed.Errors.Count > 0 && parsed.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"vmdq: {error.Message}");
            }

            string command = parsed.CommandResult.Command is RootCommand ? "check" : parsed.CommandResult.Command.Name;
            stderr.WriteLine($"Run 'vmdq --help' or 'vmdq {command} --help' for usage.");
            return UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliUsageException e)
        {
            stderr.WriteLine($"vmdq: {e.Message}");
            return UsageError;
        }
    }
}

/// <summary>A usage error or unreadable input: the message is shown as is, with no stack trace, and the exit code is 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
