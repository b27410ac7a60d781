using System;
using System.IO;
using System.Text.RegularExpressions;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>Keeps README.md's <c>vmdq replay</c> example honest: its command, run from the repository root, prints its text block.</summary>
public sealed class ReplayReadmeTests
{
    [Fact]
    public void The_readme_example_prints_what_the_readme_shows()
    {
        string root = Readme.Root;
        string readme = Readme.Text();
        int command = readme.IndexOf("\nvmdq replay docs/examples/lab.vmdq ", StringComparison.Ordinal);
        Assert.True(command >= 0, "README.md no longer shows the 'vmdq replay' example.");
        string[] args = readme[(command + 1)..readme.IndexOf('\n', command + 1)].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int text = readme.IndexOf("```text\n", command, StringComparison.Ordinal) + "```text\n".Length;
        string expected = readme[text..readme.IndexOf("```", text, StringComparison.Ordinal)];

        // The paths in the README are relative to the repository root.
        args[2] = Path.Combine(root, args[2]);
        args[3] = Path.Combine(root, args[3]);
        var run = CliRunner.Run(args[1..]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(WithoutTimings(expected), WithoutTimings(run.Stdout));
        Assert.Contains("| 3 lab     | lab-vm     | 0,1,2,3 |        80 |        80 |", expected);
    }

    /// <summary>
    /// The text with what varies from run to run masked: the throughput and the events' times, and the table
    /// padding they change (runs of spaces and dashes become one).
    /// </summary>
    private static string WithoutTimings(string text)
    {
        text = Regex.Replace(text, @"\d+\.\d+ M frames/s over \d+\.\d+ s", "# M frames/s over # s");
        text = Regex.Replace(text, @"(?m)^ *\d+\.\d+s  ", "#s  ");
        text = Regex.Replace(text, " +", " ");
        return Regex.Replace(text, "-+", "-");
    }
}
