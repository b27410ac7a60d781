using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Vmdq.Cli.Export;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Cli;

/// <summary>
/// <c>vmdq export FILE --to tc|ip|ethtool|testpmd|json [--dev IF] [--vxlan-dev IF] [--allow-partial]</c>: the commands
/// that program a rules file's filters on a Linux host or in DPDK testpmd, each after a comment naming its source line
/// (docs/export.md). Commands go to stdout, diagnostics to stderr.
/// </summary>
internal static class ExportCommand
{
    /// <summary>Builds the command; its action writes to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "The rules file to export." };
        var to = new Option<string>("--to")
        {
            Description = "What to write: tc (flower filters), ip (SR-IOV VFs), ethtool (ntuple rules), testpmd (rte_flow commands) or json (the resolved rules).",
            Required = true,
        };
        to.AcceptOnlyFromAmong(ExportTarget.Names);
        var device = new Option<string?>("--dev")
        {
            Description = "The device: an interface name for tc, ip and ethtool (default eth0), a port id for testpmd (default 0).",
        };
        var vxlanDevice = new Option<string>("--vxlan-dev")
        {
            Description = "tc only: the VXLAN device (external mode) that VXLAN filters go on.",
            DefaultValueFactory = _ => "vxlan0",
        };
        var allowPartial = new Option<bool>("--allow-partial")
        {
            Description = "Export the rules the target can express and report the others as warnings (exit code 0) instead of errors (exit code 1, nothing written).",
        };

        var command = new Command("export", "Write the commands that program a rules file's filters on a Linux host (tc, ip, ethtool) or in DPDK testpmd, or the resolved rules as JSON. Exit code: 0 exported, 1 rules errors or rules the target cannot express, 2 usage error or unreadable file.")
        {
            file, to, device, vxlanDevice, allowPartial,
        };
        command.SetAction(parsed => Execute(
            parsed.GetValue(file)!, parsed.GetValue(to)!, parsed.GetValue(device), parsed.GetValue(vxlanDevice) ?? "vxlan0",
            parsed.GetValue(allowPartial), stdout, stderr));
        return command;
    }

    /// <summary>Exports <paramref name="path"/> for <paramref name="targetName"/>; returns the exit code.</summary>
    internal static int Execute(string path, string targetName, string? device, string vxlanDevice, bool allowPartial, TextWriter stdout, TextWriter stderr)
    {
        var target = ExportTarget.Create(targetName);
        device ??= target is TestpmdTarget ? "0" : "eth0";
        if (target is TestpmdTarget && !uint.TryParse(device, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            throw new CliUsageException($"--dev for testpmd is a port id (a number such as 0), not '{device}'.");
        }

        CheckDeviceName(device, "--dev");
        CheckDeviceName(vxlanDevice, "--vxlan-dev");

        string text = InputFiles.ReadText(path, "rules file");
        RulesResult result = RulesCompiler.Compile(path, text);
        foreach (var diagnostic in result.Diagnostics)
        {
            stderr.WriteLine(Report(path, diagnostic, diagnostic.Severity));
        }

        if (result.HasErrors || result.Model is null)
        {
            int errors = result.Diagnostics.Count(d => d.Severity == RuleSeverity.Error);
            stderr.WriteLine($"vmdq: {path} has {(errors == 1 ? "1 error" : $"{errors} errors")}: nothing exported.");
            return 1;
        }

        var context = new ExportContext(result.Model, path, device, vxlanDevice);
        if (target is null)
        {
            JsonExport.Write(context, ExportPlan.Rules(context, text), stdout);
            return 0;
        }

        var rules = ExportPlan.Rules(context, text);
        var entries = ExportPlan.Translate(target, context, rules).ToList();
        entries.AddRange(ExportPlan.TranslatePools(target, context, ExportPlan.Pools(context, text)));
        var problems = entries.Where(e => e.Translation.Problem is not null).ToList();
        var severity = allowPartial ? RuleSeverity.Warning : RuleSeverity.Error;
        foreach (var entry in problems.OrderBy(e => e.Span.Start))
        {
            var t = entry.Translation;
            stderr.WriteLine(Report(path, RuleDiagnostic.Create(t.Problem!, entry.Span, t.Message!), severity));
        }

        if (problems.Count > 0 && !allowPartial)
        {
            stderr.WriteLine($"vmdq: {Statements(problems)} of {path} cannot be exported to {target.Name} exactly: nothing exported (--allow-partial exports the others).");
            return 1;
        }

        int commands = ScriptWriter.Write(target, context, rules, entries, stdout);
        var left = problems.Where(e => !e.Translation.KeptWhenPartial).ToList();
        var inPart = problems.Where(e => e.Translation.KeptWhenPartial).ToList();
        stderr.WriteLine($"vmdq: {path} exported to {target.Name}: {Plural(commands, "command")}"
            + (left.Count > 0 ? $", {Statements(left)} left out" : string.Empty)
            + (inPart.Count > 0 ? $", {Statements(inPart)} in part" : string.Empty) + ".");
        return 0;
    }

    /// <summary>A diagnostic in check's text form: <c>FILE(line,col): severity ID: message</c>.</summary>
    private static string Report(string path, RuleDiagnostic diagnostic, RuleSeverity severity) =>
        new ReportedDiagnostic(path, diagnostic, severity, diagnostic.Span.Line, diagnostic.Span.Column + diagnostic.Span.Length).ToString();

    /// <summary>Refuses names that would change the meaning of the commands written (spaces, quotes, shell characters).</summary>
    private static void CheckDeviceName(string name, string option)
    {
        if (name.Length == 0 || name.Length > 64 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '@')))
        {
            throw new CliUsageException($"{option} '{name}' is not an interface name (letters, digits, '.', '-', '_', ':', '@').");
        }
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>How many rules and pools <paramref name="entries"/> are: <c>2 rules</c>, <c>1 pool</c>, <c>2 rules and 1 pool</c>.</summary>
    private static string Statements(IReadOnlyCollection<ExportEntry> entries)
    {
        int pools = entries.Count(e => e.Pool is not null);
        int rules = entries.Count - pools;
        return (rules, pools) switch
        {
            (_, 0) => Plural(rules, "rule"),
            (0, _) => Plural(pools, "pool"),
            _ => $"{Plural(rules, "rule")} and {Plural(pools, "pool")}",
        };
    }
}
