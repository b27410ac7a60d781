using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Toolkit.Rules.Tests;

public class SyntaxTests
{
    [Theory]
    [InlineData("00:1b:21:0a:0b:01", 0x001b210a0b01UL)]
    [InlineData("00-1B-21-0A-0B-01", 0x001b210a0b01UL)]
    [InlineData("FF:ff:FF:ff:FF:ff", 0xFFFFFFFFFFFFUL)]
    public void MacAddressesParseEitherSeparatorEitherCase(string text, ulong expected)
    {
        Assert.True(Mac.TryParse(text, out ulong mac));
        Assert.Equal(expected, mac);
    }

    [Theory]
    [InlineData("00:1b:21")]
    [InlineData("00:1b:21:0a:0b:0g")]
    [InlineData("00:1b-21:0a:0b:01")]
    [InlineData("0:1b:21:0a:0b:01:")]
    [InlineData("")]
    public void BadMacAddressesAreRejected(string text) => Assert.False(Mac.TryParse(text, out _));

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("4095", 4095L)]
    [InlineData("0x10", 16L)]
    [InlineData("0XFFFFFF", 0xFFFFFFL)]
    [InlineData("0xaAfF", 0xAAFFL)]
    [InlineData("9223372036854775806", long.MaxValue - 1)]   // one below the saturation point is still exact
    [InlineData("0x7FFFFFFFFFFFFFFF", long.MaxValue)]
    [InlineData("9223372036854775808", long.MaxValue)]
    [InlineData("99999999999999999999999", long.MaxValue)]
    public void NumbersAreDecimalOrHexAndSaturate(string text, long expected)
    {
        Assert.True(Parser.TryParseNumber(text, out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("1a")]      // hex digits only after 0x
    [InlineData("0xg")]
    [InlineData("0xG")]
    [InlineData("-1")]
    [InlineData("1_000")]
    public void OtherWordsAreNotNumbers(string text) => Assert.False(Parser.TryParseNumber(text, out _));

    [Fact]
    public void CommentsBlankLinesAndCrLfAreIgnored()
    {
        var result = RulesCompiler.Compile("t.vmdq", "# header\r\n\r\npool web 1   # trailing\r\nvlan 7 -> web#glued\r\n");
        Assert.Empty(result.Diagnostics);
        var rule = Assert.Single(result.Model!.Rules);
        Assert.Equal((MatchKind.Vlan, 7u, 4), (rule.Kind, rule.Id, rule.Line));
    }

    [Fact]
    public void ArrowNeedsNoSpaces()
    {
        var result = RulesCompiler.Compile("t.vmdq", "pool web 1\nvlan 7->web\nbroadcast->web\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(2, result.Model!.Rules.Count);
    }

    [Fact]
    public void DefaultDispatcherNameComesFromTheFileName()
    {
        var result = RulesCompiler.Compile("/src/edge-tenant_rules.vmdq", "vlan 1 -> drop\n");
        Assert.Equal("Vmdq.Generated.EdgeTenantRulesDispatcher", result.DispatcherTypeName);
        Assert.Equal(("Vmdq.Generated", "EdgeTenantRulesDispatcher"), (result.Model!.Namespace, result.Model.ClassName));
    }

    [Fact]
    public void TheDispatcherSpanIsWhereTheFirstNameIsWritten()
    {
        var result = RulesCompiler.Compile("t.vmdq", "nic pools 8\ndispatcher  Contoso.Fabric.Tenants\ndispatcher Other.Name\nvlan 1 -> drop\n");
        Assert.Equal(new SourceSpan(24, 22, 2, 13), result.DispatcherSpan);
        Assert.Equal("Contoso.Fabric.Tenants", result.DispatcherTypeName);
        Assert.Null(RulesCompiler.Compile("t.vmdq", "vlan 1 -> drop\n").DispatcherSpan);
    }

    [Fact]
    public void QueueDefaultsToThePoolsFirstAllowedQueue()
    {
        var model = RulesCompiler.Compile("t.vmdq", "nic queues 4\npool db 3 queues 2-3\nvlan 7 -> db\nvlan 8 -> db:3\n").Model!;
        Assert.Equal(new[] { (3, 2), (3, 3) }, model.Rules.Select(r => (r.Pool, r.Queue)));
    }

    [Fact]
    public void GeometryDefaultsAreTheSpecs()
    {
        var model = RulesCompiler.Compile("t.vmdq", "vlan 7 -> drop\n").Model!;
        Assert.Equal(new NicGeometry(64, 2, 512), model.Geometry);
        Assert.Equal((0, 0, 4789), (model.DefaultPool, model.DefaultQueue, model.VxlanPort));
    }
}
