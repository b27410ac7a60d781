using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>The <c>rss</c> pool attribute: parsing, the resolved model (which rules spread), VMDQ0023 and the VMDq+RSS capacity check (VMDQ0008).</summary>
public class RssChecksTests
{
    private static RulesResult Compile(string text) => RulesCompiler.Compile("t.vmdq", text);

    private static string[] Located(RulesResult result) => result.Diagnostics.Select(d => $"{d.Span.Line}:{d.Span.Column}:{d.Id}").ToArray();

    [Fact]
    public void RulesWithoutAQueueToAnRssPoolSpreadAndExplicitQueuesDoNot()
    {
        var result = Compile("""
            nic pools 8 queues 4
            pool web 1 queues 1-3 rss tenant blue
            pool db 2 queues 0-3
            tenant blue vlan 100-199
            mac 00:1b:21:0a:0b:01 -> web
            mac 00:1b:21:0a:0b:02 -> web:2
            mac 00:1b:21:0a:0b:03 -> db
            broadcast -> web, db
            multicast -> db, web
            default-pool web
            """);
        Assert.Empty(result.Diagnostics);
        var model = result.Model!;
        Assert.True(model.Pools.Single(p => p.Name == "web").Rss);
        Assert.False(model.Pools.Single(p => p.Name == "db").Rss);
        Assert.Equal(new[] { (5, true, 1), (6, false, 2), (7, false, 0), (8, true, 1), (9, false, 0) },
            model.Rules.Select(r => (r.Line, r.Spread, r.Queue)).ToArray());
        Assert.True(model.DefaultSpreads);
        Assert.True(model.HasRss);
    }

    [Fact]
    public void RssGivenTwiceIsASyntaxError()
    {
        var result = Compile("pool web 1 rss queues 0-1 rss\nmac 00:1b:21:0a:0b:01 -> web\n");
        Assert.Equal(new[] { "1:27:VMDQ0001" }, Located(result));
        Assert.Equal("'rss' is given twice in one 'pool' statement.", result.Diagnostics.Single().Message);
    }

    [Fact]
    public void AMisspeltRssIsAnUnknownPoolAttribute() =>
        Assert.Contains("VMDQ0001", Located(Compile("pool web 1 rs\nmac 00:1b:21:0a:0b:01 -> web\n")).Single());

    [Fact]
    public void TheSameMatchSpreadAndOnAQueueConflicts()
    {
        var result = Compile("nic pools 8 queues 4\npool web 1 rss\nmac 00:1b:21:0a:0b:01 -> web\nmac 00:1b:21:0a:0b:01 -> web:0\n");
        var conflict = result.Diagnostics.Single(d => d.Id == "VMDQ0004");
        Assert.StartsWith("'mac 00:1b:21:0a:0b:01' is sent to web:0 here but to web (queue by RSS) on line 3.", conflict.Message);
    }

    [Theory]
    [InlineData("nic pools 8 queues 4\npool web 1 queues 2-2 rss\n", "2:23:VMDQ0023", "Pool 'web' spreads by RSS, but its queues are 2-2: every frame goes to queue 2. Give it a queue range such as 'queues 0-3', or remove 'rss'.")]
    [InlineData("nic pools 8 queues 1\npool web 1 rss\n", "2:12:VMDQ0023", "Pool 'web' spreads by RSS, but the NIC has 1 queue per pool (nic, line 1): every frame goes to queue 0. Give it a queue range such as 'queues 0-3', or remove 'rss'.")]
    public void AnRssPoolWithOneQueueWarns(string declarations, string located, string message)
    {
        var result = Compile(declarations + "mac 00:1b:21:0a:0b:01 -> web\n");
        Assert.Equal(new[] { located }, Located(result));
        Assert.Equal(message, result.Diagnostics.Single().Message);
        Assert.Equal(RuleSeverity.Warning, result.Diagnostics.Single().Severity);
    }

    [Theory]
    [InlineData("nic pools 8 queues 4\npool web 1 queues 0-1 rss\n")]
    [InlineData("nic pools 8 queues 2\npool web 1 rss\n")]
    public void AnRssPoolWithQueuesToSpreadOverIsClean(string declarations) =>
        Assert.Empty(Compile(declarations + "mac 00:1b:21:0a:0b:01 -> web\n").Diagnostics);

    [Theory]
    [InlineData("nic pools 64 queues 2", true)]
    [InlineData("nic pools 32 queues 4", false)]
    [InlineData("nic pools 16 queues 8", false)]
    [InlineData("nic pools 17 queues 8", true)]
    [InlineData("nic pools 8 queues 2", false)]
    public void On82599AnRssPoolNeedsAVmdqRssGeometry(string nic, bool warns)
    {
        var result = Compile($"profile 82599\n{nic}\npool web 1 rss\nmac 00:1b:21:0a:0b:01 -> web\n");
        var capacity = result.Diagnostics.Where(d => d.Id == "VMDQ0008" && d.Message.Contains("RSS", System.StringComparison.Ordinal)).ToArray();
        if (!warns)
        {
            Assert.Empty(capacity);
            return;
        }

        var d = Assert.Single(capacity);
        Assert.Equal((3, 12), (d.Span.Line, d.Span.Column));
        Assert.Contains("then holds 32 pools x 4 queues or 16 pools x 8 queues; this file's NIC has", d.Message);
    }

    [Fact]
    public void WithoutRssThe82599KeepsItsPlainVmdqGeometry() =>
        Assert.DoesNotContain(Compile("profile 82599\nnic pools 64 queues 2\npool web 1\nmac 00:1b:21:0a:0b:01 -> web\n").Diagnostics, d => d.Id == "VMDQ0008");

    [Fact]
    public void X710HasNoVmdqRssGeometryLimit() =>
        Assert.DoesNotContain(Compile("profile x710\nnic pools 64 queues 8\npool web 1 rss\nmac 00:1b:21:0a:0b:01 -> web\n").Diagnostics, d => d.Id == "VMDQ0008");
}
