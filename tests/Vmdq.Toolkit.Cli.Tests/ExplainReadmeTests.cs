using System;
using System.IO;
using System.Linq;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>Keeps README.md's <c>vmdq explain</c> example honest: its command, run on the sample's rules, prints its text block.</summary>
public sealed class ExplainReadmeTests
{
    [Fact]
    public void The_readme_example_prints_what_the_readme_shows()
    {
        string root = Readme.Root;
        string readme = Readme.Text();
        int command = readme.IndexOf("vmdq explain Samples/MultiTenantHost/tenants.vmdq --frame", StringComparison.Ordinal);
        Assert.True(command >= 0, "README.md no longer shows the 'vmdq explain' example.");
        string shell = readme[command..readme.IndexOf("\n```", command, StringComparison.Ordinal)];
        // The shell's quoting, undone: line continuations go, the quoted hex is one argument.
        string hex = shell[(shell.IndexOf('"', StringComparison.Ordinal) + 1)..shell.LastIndexOf('"')].Replace("\\\n", string.Empty, StringComparison.Ordinal);
        int text = readme.IndexOf("```text\n", command, StringComparison.Ordinal) + "```text\n".Length;
        string expected = readme[text..readme.IndexOf("```", text, StringComparison.Ordinal)];

        var run = CliRunner.Run("explain", Path.Combine(root, "Samples", "MultiTenantHost", "tenants.vmdq"), "--frame", hex);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected, run.Stdout);
        Assert.True(expected.Split('\n').Count(l => l.Length > 0) >= 8, "The example should show fields, verdict and losers.");
    }
}
