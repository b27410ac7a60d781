using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// The promise "mistakes in the rules are build errors at the right line", kept for a consumer whose code
/// calls the dispatcher: over seeded mutations of the docs' examples and the sample's rules, the build
/// prints exactly the file's VMDQ errors and warnings, never only a CS error, never a generator or analyzer
/// crash (AD0001, CS8784, CS8785), never a diagnostic in generated code. CI runs the first
/// <see cref="DefaultCount"/> mutations; <c>eng/consumer-mutations.sh</c> runs any number
/// (<c>VMDQ_MUTATIONS=N</c>; 1,200 by default there).
/// </summary>
public class ConsumerMutationTests(ITestOutputHelper output)
{
    private const int DefaultCount = 150;

    private static readonly string[] s_crashIds = { "AD0001", "CS8784", "CS8785" };

    /// <summary>The C# errors code that uses a missing (or renamed) dispatcher can get: allowed only where no dispatcher name can be known. CS0138: the file now names the old namespace itself as the type (<c>dispatcher Contoso.Fabric</c>), so <c>using Contoso.Fabric;</c> fails.</summary>
    private static readonly string[] s_missingTypeIds = { "CS0246", "CS0234", "CS0103", "CS0117", "CS0138" };

    [Fact]
    public void TheSourcesAreValidRulesFiles()
    {
        Assert.True(RulesMutator.Sources.Count >= 10, $"only {RulesMutator.Sources.Count} sources");
        foreach (var source in RulesMutator.Sources)
        {
            var result = RulesCompiler.Compile("tenants.vmdq", source.Text);
            Assert.False(result.HasErrors, source.Name + ":\n" + string.Join("\n", result.Diagnostics));
        }
    }

    [Fact]
    public void EveryMutationShowsItsRulesDiagnosticsAndNothingElse()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("VMDQ_MUTATIONS"), out int n) && n > 0 ? n : DefaultCount;
        var failures = new List<string>();
        int withErrors = 0, unreadable = 0;
        for (int seed = 0; seed < count; seed++)
        {
            var (origin, text, edits) = RulesMutator.Mutate(seed);
            string? failure = Check(origin, text, ref withErrors, ref unreadable);
            if (failure is not null)
            {
                failures.Add($"mutation {seed} of {origin.Name} ({edits}):\n{failure}\n--- text ---\n{text}\n");
            }
        }

        output.WriteLine($"{count} mutations: {withErrors} with errors ({unreadable} with an unreadable dispatcher line), {count - withErrors} without.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} mutations failed:\n" + string.Join("\n", failures.Take(5)));
        Assert.True(withErrors > count / 4, $"only {withErrors} of {count} mutations have errors: the mutator no longer tests broken files");
    }

    private static string? Check(RulesMutator.Source origin, string text, ref int withErrors, ref int unreadable)
    {
        const string path = "tenants.vmdq";
        string originalName = RulesCompiler.Compile(path, origin.Text).DispatcherTypeName;
        var result = RulesCompiler.Compile(path, text);
        var printed = ConsumerBuild.Build(ConsumerBuild.ProgramUsing(originalName), new[] { (path, text) });

        if (printed.FirstOrDefault(p => s_crashIds.Contains(p.Id)) is { } crash)
        {
            return "crash: " + crash;
        }

        if (printed.FirstOrDefault(p => p.InGeneratedCode) is { } broken)
        {
            return "diagnostic in generated code: " + broken;
        }

        var expected = result.Diagnostics
            .Where(d => d.Severity != RuleSeverity.Info)
            .Select(d => $"{path}({d.Span.Line},{d.Span.Column}): {(d.Severity == RuleSeverity.Error ? "error" : "warning")} {d.Id}: {d.Message}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        var vmdq = printed.Where(p => p.Id.StartsWith("VMDQ", StringComparison.Ordinal)).Select(p => p.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();
        var others = printed.Where(p => !p.Id.StartsWith("VMDQ", StringComparison.Ordinal)).ToList();
        bool sameName = result.IsDispatcherNameReadable && result.DispatcherTypeName == originalName;

        if (result.HasErrors)
        {
            withErrors++;
            if (!result.IsDispatcherNameReadable)
            {
                unreadable++;
            }

            // An edit that renamed the dispatcher (a valid new name, or its line deleted or truncated so the
            // default name applies) with another error elsewhere leaves nothing that ties the user's code to
            // this file: the compiler stops at CS0246 and nothing can show the rules errors. Every other
            // broken file shows exactly its VMDQ diagnostics; where no name can be read (VMDQ0020) the
            // CS0246 is unavoidable beside them.
            bool nameGone = result.IsDispatcherNameReadable && !sameName;
            if (!vmdq.SequenceEqual(expected) && !(nameGone && vmdq.Count == 0))
            {
                return Diff(expected, vmdq, printed);
            }

            var allowed = sameName ? Array.Empty<string>() : s_missingTypeIds;
            return others.FirstOrDefault(p => !allowed.Contains(p.Id)) is { } other ? "unexpected: " + other : null;
        }

        if (!sameName)
        {
            // A valid file that now names another type: the user's code is what is wrong.
            return others.FirstOrDefault(p => !s_missingTypeIds.Contains(p.Id)) is { } other ? "unexpected: " + other : null;
        }

        if (!vmdq.SequenceEqual(expected))
        {
            return Diff(expected, vmdq, printed);
        }

        return others.Count > 0 ? "unexpected: " + others[0] : null;
    }

    private static string Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual, IEnumerable<ConsumerBuild.Printed> printed) =>
        "expected VMDQ lines:\n  " + string.Join("\n  ", expected) + "\nprinted:\n  " + string.Join("\n  ", printed) + "\nmissing: "
        + string.Join(" | ", expected.Except(actual)) + "\nextra: " + string.Join(" | ", actual.Except(expected));
}
