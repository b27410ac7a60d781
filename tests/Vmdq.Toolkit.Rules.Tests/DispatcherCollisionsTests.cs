using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Analysis;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>VMDQ0014 across files (<see cref="DispatcherCollisions"/>): which file gets it, where, and with which message.</summary>
public class DispatcherCollisionsTests
{
    private static (string Path, RulesResult Result) File(string path, string text) => (path, RulesCompiler.Compile(path, text));

    [Fact]
    public void Every_file_but_the_first_in_path_order_gets_the_error_at_its_dispatcher_name()
    {
        var found = DispatcherCollisions.Find(new[]
        {
            File("c.vmdq", "dispatcher Contoso.Fabric.Tenants\npool web 1\nvlan 1 -> web\n"),
            File("a.vmdq", "dispatcher Contoso.Fabric.Tenants\npool web 1\nvlan 2 -> web\n"),
            File("b.vmdq", "# b\ndispatcher   Contoso.Fabric.Tenants\npool web 1\nvlan 3 -> web\n"),
            File("d.vmdq", "dispatcher Contoso.Fabric.Other\npool web 1\nvlan 4 -> web\n"),
        }).ToList();

        Assert.Equal(new[] { "b.vmdq", "c.vmdq" }, found.Select(f => f.Path).ToArray());
        var (_, b) = found[0];
        Assert.Equal("VMDQ0014", b.Id);
        Assert.Equal(Vmdq.Rules.Diagnostics.RuleSeverity.Error, b.Severity);
        Assert.Equal((2, 14, "Contoso.Fabric.Tenants".Length), (b.Span.Line, b.Span.Column, b.Span.Length));
        Assert.Equal(
            "'Contoso.Fabric.Tenants' is also generated from a.vmdq: give one of the files its own 'dispatcher' name. Neither file generates a working dispatcher.",
            b.Message);
        Assert.Equal((1, 12), (found[1].Diagnostic.Span.Line, found[1].Diagnostic.Span.Column));
    }

    [Fact]
    public void Files_with_the_same_default_name_collide_at_line_1_column_1()
    {
        var found = DispatcherCollisions.Find(new[]
        {
            File("x/tenants.vmdq", "pool web 1\nvlan 1 -> web\n"),
            File("y/tenants.vmdq", "pool web 1\nvlan 2 -> web\n"),
        }).ToList();

        var (path, diagnostic) = Assert.Single(found);
        Assert.Equal("y/tenants.vmdq", path);
        Assert.Equal((1, 1, 0), (diagnostic.Span.Line, diagnostic.Span.Column, diagnostic.Span.Length));
        Assert.Contains("'Vmdq.Generated.TenantsDispatcher' is also generated from x/tenants.vmdq", diagnostic.Message);
    }

    [Fact]
    public void One_file_per_name_and_unreadable_names_collide_with_nothing()
    {
        Assert.Empty(DispatcherCollisions.Find(new[]
        {
            File("a.vmdq", "dispatcher A.B\npool web 1\nvlan 1 -> web\n"),
            File("b.vmdq", "dispatcher A.C\npool web 1\nvlan 1 -> web\n"),
            File("c.vmdq", "dispatcher 9A.B\npool web 1\nvlan 1 -> web\n"),
            File("d.vmdq", "dispatcher 9A.B\npool web 1\nvlan 1 -> web\n"),
        }));
    }
}
