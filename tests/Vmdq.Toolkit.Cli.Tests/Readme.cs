using System;
using System.IO;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>The repository's README, for the tests that run its examples.</summary>
internal static class Readme
{
    /// <summary>The repository root: the first directory above the tests' output that holds Vmdq.Toolkit.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>README.md's text with '\n' line ends.</summary>
    public static string Text() => File.ReadAllText(Path.Combine(Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string FindRoot()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Vmdq.Toolkit.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("No Vmdq.Toolkit.sln above the test's directory.");
        }

        return root;
    }
}
