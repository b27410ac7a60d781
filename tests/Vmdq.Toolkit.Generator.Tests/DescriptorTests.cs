using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Vmdq.Generator.Diagnostics;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>The Roslyn descriptors, the rules front end's descriptors and the release-tracking files agree.</summary>
public class DescriptorTests
{
    private static string RepositoryFile(params string[] parts)
    {
        string snapshots = typeof(DescriptorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotDirectory").Value!;
        return Path.Combine(new[] { snapshots, "..", "..", ".." }.Concat(parts).ToArray());
    }

    [Fact]
    public void EveryRuleDescriptorHasAMatchingRoslynDescriptor()
    {
        Assert.Equal(RuleDescriptors.All.Select(d => d.Id), DiagnosticDescriptors.All.Select(d => d.Id));
        foreach (var rule in RuleDescriptors.All)
        {
            var roslyn = DiagnosticDescriptors.ById(rule.Id);
            Assert.Equal(rule.Title, roslyn.Title.ToString());
            var expected = rule.Severity switch
            {
                RuleSeverity.Error => DiagnosticSeverity.Error,
                RuleSeverity.Warning => DiagnosticSeverity.Warning,
                _ => DiagnosticSeverity.Info,
            };
            Assert.Equal(expected, roslyn.DefaultSeverity);
            Assert.Equal(DiagnosticDescriptors.Category, roslyn.Category);
            Assert.EndsWith("docs/diagnostics.md#" + rule.Id.ToLowerInvariant(), roslyn.HelpLinkUri, StringComparison.Ordinal);
            Assert.Equal(rule.IsCompilationEnd, roslyn.CustomTags.Contains("CompilationEnd"));
        }
    }

    [Fact]
    public void AnalyzerReleasesListEveryId()
    {
        string unshipped = File.ReadAllText(RepositoryFile("Generator", "AnalyzerReleases.Unshipped.md"));
        foreach (var rule in RuleDescriptors.All)
        {
            Assert.Contains($"{rule.Id} | Vmdq.Rules | {rule.Severity} | {rule.Title}", unshipped);
        }
    }
}
