using System;
using System.Linq;
using Vmdq.Rules;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// The rules assembly ships inside the compiler (analyzers/) and will back the runtime engine: its public
/// surface is small on purpose (load a rules text, read its diagnostics); the rest is internal.
/// </summary>
public class PublicSurfaceTests
{
    [Fact]
    public void OnlyTheDeliberateTypesArePublic()
    {
        var exported = typeof(RulesCompiler).Assembly.GetExportedTypes().Select(t => t.FullName).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(
            new[]
            {
                "Vmdq.Rules.Diagnostics.RuleDescriptor",
                "Vmdq.Rules.Diagnostics.RuleDescriptors",
                "Vmdq.Rules.Diagnostics.RuleDiagnostic",
                "Vmdq.Rules.Diagnostics.RuleSeverity",
                "Vmdq.Rules.RulesCompiler",
                "Vmdq.Rules.RulesResult",
                "Vmdq.Rules.Syntax.SourceSpan",
            },
            exported);
    }

    [Fact]
    public void AResultExposesDiagnosticsButNotTheModel()
    {
        var publicProperties = typeof(RulesResult).GetProperties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "Diagnostics", "DispatcherSpan", "DispatcherTypeName", "HasErrors", "Path" }, publicProperties);
        var result = RulesCompiler.Compile("t.vmdq", "pool web 1\nvlan 5000 -> web\n");
        Assert.Equal("VMDQ0002", Assert.Single(result.Diagnostics).Id);
        Assert.True(result.HasErrors);
    }
}
