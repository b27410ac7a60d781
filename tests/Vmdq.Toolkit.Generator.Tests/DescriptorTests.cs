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
    public void HelpLinksStartWithTheRepositoryUrlAndNameAnAnchorOfDocsDiagnostics()
    {
        string repositoryUrl = typeof(DescriptorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryUrl").Value!;
        Assert.StartsWith("https://", repositoryUrl, StringComparison.Ordinal);
        Assert.StartsWith(repositoryUrl + "/", HelpLinks.DocsBaseUrl, StringComparison.Ordinal);

        // GitHub's anchors of the page's headings: lower case, punctuation dropped, spaces to '-'.
        var anchors = File.ReadAllLines(RepositoryFile("docs", "diagnostics.md"))
            .Where(l => l.StartsWith('#'))
            .Select(l => new string(l.TrimStart('#').Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);
        string page = HelpLinks.DocsBaseUrl + "docs/diagnostics.md#";
        Assert.Equal(page, HelpLinks.DiagnosticsPage);
        Assert.NotEmpty(DiagnosticDescriptors.All);
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            Assert.StartsWith(page, descriptor.HelpLinkUri, StringComparison.Ordinal);
            string anchor = descriptor.HelpLinkUri[page.Length..];
            Assert.True(anchors.Contains(anchor), $"{descriptor.Id}'s help link names #{anchor}, which no heading of docs/diagnostics.md has.");
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
