using System;
using System.Collections.Generic;
using System.IO;
using Vmdq.Cli;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>The tool's output of one in-process run.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout's non-empty lines.</summary>
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs <c>vmdq</c>'s entry point in-process on files in a fresh temporary directory.</summary>
internal sealed class CliRunner : IDisposable
{
    public CliRunner()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("vmdq-cli-tests-").FullName;
    }

    /// <summary>The temporary directory the files are written to.</summary>
    public string Directory { get; }

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in the directory; returns its full path.</summary>
    public string Write(string name, string text)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static CliRun Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), stderr.ToString());
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}

/// <summary>Rules files with known diagnostics.</summary>
internal static class Files
{
    /// <summary>No diagnostics.</summary>
    public const string Clean = "pool web 1\nmac 00:1b:21:0a:0b:01 -> web\n";

    /// <summary>VMDQ0003 (undefined pool 'wbe', line 2) and VMDQ0002 (VLAN 5000, line 3).</summary>
    public const string Broken = "pool web 1\nmac 00:1b:21:0a:0b:01 -> wbe\nvlan 5000 -> web\n";

    /// <summary>One warning: VMDQ0011, pool 'db' unreachable (line 2).</summary>
    public const string Unreachable = "pool web 1\npool db 2\nmac 00:1b:21:0a:0b:01 -> web\n";

    /// <summary>One info: VMDQ0012, line 4 overrides line 3.</summary>
    public const string Override = "pool web 1\npool db 2\nmac 00:1b:21:0a:0b:01 -> web\nmac 00:1b:21:0a:0b:01 vlan 100 -> db\n";

    public static readonly IReadOnlyList<string> All = [Clean, Broken, Unreachable, Override];
}
