using System.Linq;
using Vmdq.Rules;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>A line with an error is reported once, and is not also the cause of other diagnostics.</summary>
public class FollowOnTests
{
    private static string[] Ids(string text) => RulesCompiler.Compile("t.vmdq", text).Diagnostics.Select(d => $"{d.Span.Line}:{d.Id}").ToArray();

    [Theory]
    [InlineData("vlan 5 -> Web", "2:VMDQ0003")]
    [InlineData("vxaln 5000 -> web", "2:VMDQ0001")]
    [InlineData("vlan 5000 -> web", "2:VMDQ0002")]
    [InlineData("mac 00:1b:21 -> web", "2:VMDQ0001")]
    [InlineData("vlan 5 -> web:x", "2:VMDQ0001")]
    [InlineData("vlan 5 -> wbe", "2:VMDQ0003")]
    [InlineData("broadcast -> db, web extra", "2:VMDQ0001")]
    [InlineData("-> web", "2:VMDQ0001")]
    public void APoolOnlyABrokenRuleNamesIsNotAlsoUnreachable(string line, string expected) =>
        Assert.Equal(new[] { expected }, Ids("pool web 1\n" + line + "\npool db 2\nvlan 7 -> db\n"));

    [Fact]
    public void APoolNoLineNamesIsStillUnreachable()
    {
        // The recovery does not make every pool reachable: 'spare' is named nowhere.
        Assert.Equal(new[] { "2:VMDQ0011", "3:VMDQ0002" }, Ids("pool web 1\npool spare 2\nvlan 5000 -> web\n"));
    }

    [Fact]
    public void APoolWhoseIndexIsTakenIsReachedThroughThatIndex()
    {
        // 'b' repeats index 1, which 'a' (a rule's target, and a broadcast replica) already reaches: the
        // duplicate index is the error, not also "no frame can reach 'b'".
        Assert.Equal(new[] { "2:VMDQ0013" }, Ids("pool a 1\npool b 1\nvlan 5 -> a\n"));
        Assert.Equal(new[] { "3:VMDQ0013" }, Ids("pool c 2\npool a 1\npool b 1\nbroadcast -> c, a\n"));
    }

    [Fact]
    public void AMisspeltDefaultPoolStillNamesItsPool()
    {
        Assert.Equal(new[] { "1:VMDQ0003" }, Ids("default-pool hots\npool host 1\npool web 2\nvlan 5 -> web\n"));
    }

    [Fact]
    public void ABrokenDefaultPoolLineStillNamesItsPool()
    {
        Assert.Equal(new[] { "1:VMDQ0001" }, Ids("default-pool host extra\npool host 1\npool web 2\nvlan 5 -> web\n"));
    }

    [Fact]
    public void TheTargetOfARuleWithAnOutOfRangeMatchIsStillChecked()
    {
        var result = RulesCompiler.Compile("t.vmdq", "pool web 1\nvlan 5000 -> wbe\n");
        Assert.Equal(new[] { (2, 6, "VMDQ0002"), (2, 14, "VMDQ0003") }, result.Diagnostics.Select(d => (d.Span.Line, d.Span.Column, d.Id)));
        Assert.Contains("did you mean 'web'?", result.Diagnostics[1].Message);
    }

    [Fact]
    public void ABrokenTenantSilencesTheUnownedIdentifierCheck()
    {
        // VLAN 300 may well be the broken tenant's: VMDQ0016 would be noise.
        Assert.Equal(new[] { "1:VMDQ0002" }, Ids("tenant acme vlan 100-5000\ntenant other vlan 600-699\npool db 1 tenant other\nvlan 300 -> db\n"));
    }

    [Fact]
    public void AFileWhoseOnlyRuleIsBrokenIsNotAlsoEmpty()
    {
        Assert.Equal(new[] { "2:VMDQ0002" }, Ids("pool web 1\nvlan 5000 -> web\n"));
        Assert.Equal(new[] { "1:VMDQ0001" }, Ids("garbage\n"));
    }
}
