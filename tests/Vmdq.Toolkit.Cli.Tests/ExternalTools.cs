using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace Vmdq.Toolkit.Cli.Tests;

/// <summary>What a real tool made of one command: its exit code and everything it printed.</summary>
internal sealed record ToolResult(string Command, int ExitCode, string Output)
{
    public override string ToString() => $"[{ExitCode}] {Command}\n{Output}";
}

/// <summary>Runs exported commands through the real tools (tc, ip, ethtool, dpdk-testpmd), or says why it cannot.</summary>
internal static class ExternalTools
{
    /// <summary>The full path of <paramref name="tool"/> on PATH (or /usr/sbin, /sbin), or null.</summary>
    public static string? Find(string tool)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin"]);
        return dirs.Where(d => d.Length > 0).Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
    }

    /// <summary>Why commands cannot run in an unprivileged user+network namespace here, or null when they can.</summary>
    public static string? WhyNoNamespace()
    {
        if (Find("unshare") is null)
        {
            return "unshare (util-linux) is not installed";
        }

        var (code, output) = Run("unshare", ["-rn", "true"], null, TimeSpan.FromSeconds(20));
        return code == 0 ? null : $"'unshare -rn true' failed ({code}): {output.Trim()}";
    }

    /// <summary>
    /// Runs <paramref name="setup"/> then each of <paramref name="commands"/> in one fresh user+network namespace
    /// (<c>unshare -rn</c>), each on its own so each has its own exit code and output.
    /// </summary>
    public static IReadOnlyList<ToolResult> RunInNamespace(IReadOnlyList<string> setup, IReadOnlyList<string> commands)
    {
        var script = new StringBuilder();
        foreach (string line in setup)
        {
            script.Append(line).Append(" >/dev/null 2>&1\n");
        }

        for (int i = 0; i < commands.Count; i++)
        {
            // The exported commands hold no shell syntax (the tool refuses device names that would add any).
            script.Append($"echo '@@begin {i}'\n{commands[i]} 2>&1\necho \"@@end {i} $?\"\n");
        }

        string path = Path.Combine(Path.GetTempPath(), $"vmdq-export-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, script.ToString());
        try
        {
            var (_, output) = Run("unshare", ["-rn", "sh", path], null, TimeSpan.FromSeconds(120));
            var results = new List<ToolResult>();
            for (int i = 0; i < commands.Count; i++)
            {
                int begin = output.IndexOf($"@@begin {i}\n", StringComparison.Ordinal);
                int end = output.IndexOf($"@@end {i} ", StringComparison.Ordinal);
                if (begin < 0 || end < begin)
                {
                    throw new InvalidOperationException($"The namespace script stopped before command {i}:\n{output}");
                }

                string body = output[(begin + $"@@begin {i}\n".Length)..end];
                int eol = output.IndexOf('\n', end);
                int code = int.Parse(output[(end + $"@@end {i} ".Length)..(eol < 0 ? output.Length : eol)].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                results.Add(new ToolResult(commands[i], code, body));
            }

            return results;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Feeds <paramref name="commands"/> to dpdk-testpmd's interactive prompt (no hugepages, a null port, no PCI) and
    /// returns each command's response: the text between its echo and the next prompt.
    /// </summary>
    public static IReadOnlyList<ToolResult> RunTestpmd(IReadOnlyList<string> commands)
    {
        string input = string.Join("\n", commands) + "\nquit\n";
        // Through sh so that stdout and stderr share one pipe and keep their order (PMD errors go to stderr).
        var (code, output) = Run("sh",
            ["-c", $"exec dpdk-testpmd --no-huge --no-shconf -m 256 --no-pci --vdev net_null0 --file-prefix vmdq{Environment.ProcessId} -- -i --total-num-mbufs=2048 2>&1"],
            input, TimeSpan.FromSeconds(120));
        string[] turns = output.Split("testpmd> ");
        var results = new List<ToolResult>();
        foreach (string command in commands)
        {
            string? turn = turns.FirstOrDefault(t => t.StartsWith(command + "\n", StringComparison.Ordinal) || t.StartsWith(command + "\r\n", StringComparison.Ordinal));
            if (turn is null)
            {
                throw new InvalidOperationException($"dpdk-testpmd (exit {code}) did not echo '{command}':\n{output}");
            }

            results.Add(new ToolResult(command, code, turn[(command.Length + 1)..]));
        }

        return results;
    }

    /// <summary>Runs a program with arguments, optional standard input and a time limit; returns its exit code and stdout+stderr.</summary>
    public static (int ExitCode, string Output) Run(string program, IReadOnlyList<string> arguments, string? input, TimeSpan limit)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Append(e.Data).Append('\n'); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in {limit.TotalSeconds} s:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
