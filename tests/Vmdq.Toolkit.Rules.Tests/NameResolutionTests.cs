using System.Linq;
using Vmdq.Rules;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>Pools and tenants are separate namespaces, and only broken declarations silence "undefined".</summary>
public class NameResolutionTests
{
    [Fact]
    public void ATenantNameDoesNotDeclareAPool()
    {
        var result = RulesCompiler.Compile("t.vmdq", "tenant web vlan 1-2\npool a 1\nvlan 100 -> a\nmac 00:1b:21:0a:0b:01 -> web\n");
        var d = Assert.Single(result.Diagnostics, d => d.Id == "VMDQ0003");
        Assert.Equal((4, 26), (d.Span.Line, d.Span.Column));
        Assert.Null(result.Model);
    }

    [Fact]
    public void APoolNameDoesNotDeclareATenant()
    {
        var result = RulesCompiler.Compile("t.vmdq", "pool blue 1 tenant blue\nvlan 100 -> blue\n");
        var d = Assert.Single(result.Diagnostics, d => d.Id == "VMDQ0003");
        Assert.Equal((1, 20), (d.Span.Line, d.Span.Column));
    }

    [Fact]
    public void ABrokenPoolDeclarationIsReportedOnceNotAgainAtEveryUse()
    {
        var result = RulesCompiler.Compile("t.vmdq", "pool web 1 priority 9\nvlan 100 -> web\nvlan 101 -> web\n");
        Assert.Equal(new[] { "VMDQ0002" }, result.Diagnostics.Select(d => d.Id));
    }
}
