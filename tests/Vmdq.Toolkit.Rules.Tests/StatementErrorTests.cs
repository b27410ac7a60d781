using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// Every error path of the parser and lexer (Rules/Syntax): the diagnostic, where it is, and the words
/// that say what was expected; and the values one step inside each limit, which must be accepted.
/// Messages are checked by their key phrase, not word for word, so rewording stays cheap.
/// </summary>
public class StatementErrorTests
{
    private static void AssertError(string text, string id, int line, int column, string phrase)
    {
        var result = RulesCompiler.Compile("t.vmdq", text);
        var found = result.Diagnostics.Where(d => d.Id == id).ToList();
        var d = Assert.Single(found);
        Assert.Equal((line, column), (d.Span.Line, d.Span.Column));
        Assert.Contains(phrase, d.Message);
        Assert.Null(result.Model);
    }

    [Fact]
    public void AnAttributeGivenTwiceAtTheEndOfTheLineAlsoSaysItsValueIsMissing()
    {
        var messages = RulesCompiler.Compile("t.vmdq", "pool web 1 queues 0-1 queues").Diagnostics.Select(d => d.Message).ToList();
        Assert.Contains(messages, m => m.Contains("'queues' is given twice in one 'pool' statement.", System.StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("Expected a value after 'queues', but the line ends.", System.StringComparison.Ordinal));
    }

    private static RuleSet Clean(string text)
    {
        var result = RulesCompiler.Compile("t.vmdq", text);
        Assert.True(result.Diagnostics.All(d => d.Id is "VMDQ0011" or "VMDQ0018"), string.Join("\n", result.Diagnostics));
        return result.Model!;
    }

    [Theory]
    // statements
    [InlineData("frobnicate 1", 1, "Unknown keyword 'frobnicate'")]
    [InlineData("-> web", 1, "A statement cannot start with '->'")]
    [InlineData(", web", 1, "A statement cannot start with ','")]
    [InlineData("vlan 10 -> web extra", 16, "Unexpected 'extra' after the end of the statement")]
    // rules
    [InlineData("vlan", 5, "Expected a VLAN ID after 'vlan', but the line ends")]
    [InlineData("vlan x -> web", 6, "Expected VLAN ID (a decimal or 0x-hex number), found 'x'")]
    [InlineData("vlan 10 web", 9, "Expected '->' and a target, found 'web'")]
    [InlineData("vlan 10", 8, "Expected '->' and a target after '10', but the line ends")]
    [InlineData("vlan 10 ->", 11, "Expected a pool name, POOL:QUEUE or 'drop' after '->', but the line ends")]
    [InlineData("vlan 10 -> ,", 12, "Expected a pool name, POOL:QUEUE or 'drop', found ','")]
    [InlineData("vlan 10 -> 9web", 12, "Expected a pool name, POOL:QUEUE or 'drop', found '9web'")]
    [InlineData("vlan 10 -> web:x", 16, "Expected a queue index after 'web:', found 'x'")]
    [InlineData("vlan 10 -> web:", 16, "Expected a queue index after 'web:', found ''")]
    [InlineData("mac", 4, "Expected a MAC address after 'mac', but the line ends")]
    [InlineData("mac 00:1b:21 -> web", 5, "Expected a MAC address (six two-digit hex octets")]
    [InlineData("mac , -> web", 5, "Expected a MAC address, found ','")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan", 27, "Expected a VLAN ID after 'vlan', but the line ends")]
    [InlineData("vxlan", 6, "Expected a VXLAN VNI after 'vxlan', but the line ends")]
    [InlineData("nvgre", 6, "Expected an NVGRE VSID after 'nvgre', but the line ends")]
    [InlineData("vxlan 5 inner", 14, "Expected an inner MAC address after 'inner', but the line ends")]
    [InlineData("nvgre 5000 inner zz -> web", 18, "Expected a MAC address (six two-digit hex octets")]
    [InlineData("broadcast web", 11, "Expected '->' and a target, found 'web'")]
    [InlineData("multicast -> web, 1x", 19, "Expected a pool name (letters, digits, '_' and '-', starting with a letter or '_'), found '1x'")]
    [InlineData("multicast -> web,", 18, "Expected a pool name after ',', but the line ends")]
    // nic
    [InlineData("nic", 1, "Expected 'pools', 'queues' or 'ring' after 'nic'")]
    [InlineData("nic pools", 10, "Expected a number after 'pools', but the line ends")]
    [InlineData("nic 8 pools", 5, "Unknown nic setting '8'")]
    [InlineData("nic pools 8 pools 8", 13, "'pools' is given twice in one 'nic' statement")]
    [InlineData("nic queues 2 queues 2", 14, "'queues' is given twice in one 'nic' statement")]
    [InlineData("nic ring 8 ring 8", 12, "'ring' is given twice in one 'nic' statement")]
    [InlineData("nic speed 10", 5, "Unknown nic setting 'speed'. Expected 'pools', 'queues' or 'ring'")]
    [InlineData("nic , 10", 5, "Expected 'pools', 'queues' or 'ring', found ','")]
    // default-pool
    [InlineData("default-pool", 13, "Expected a pool index or name after 'default-pool'")]
    [InlineData("default-pool 9x!", 14, "Expected a pool index or name, found '9x!'")]
    // tenant
    [InlineData("tenant", 7, "Expected a tenant name after 'tenant'")]
    [InlineData("tenant 9a vlan 1", 8, "Expected a tenant name (letters, digits")]
    [InlineData("tenant a color 1", 10, "Unknown tenant attribute 'color'. Expected 'vlan', 'vni', 'vsid' or 'svid'")]
    [InlineData("tenant a vlan", 14, "Expected a range after 'vlan', but the line ends")]
    [InlineData("tenant a , 1", 10, "Expected 'vlan', 'vni', 'vsid' or 'svid', found ','")]
    [InlineData("tenant a vlan 1 vlan 2", 17, "'vlan' is given twice in one 'tenant' statement")]
    [InlineData("tenant a vni 1 vni 2", 16, "'vni' is given twice in one 'tenant' statement")]
    [InlineData("tenant a vsid 1 vsid 2", 17, "'vsid' is given twice in one 'tenant' statement")]
    [InlineData("tenant a vlan x-y", 15, "Expected a range of VLAN IDs (LO-HI), found 'x-y'")]
    [InlineData("tenant a vlan 1-y", 15, "Expected a range of VLAN IDs (LO-HI), found '1-y'")]
    [InlineData("tenant a vlan -5", 15, "Expected a range of VLAN IDs (LO-HI), found '-5'")]
    // pool
    [InlineData("pool", 5, "Expected a pool name after 'pool'")]
    [InlineData("pool drop 1", 6, "'drop' is a keyword and cannot name a pool")]
    [InlineData("pool web", 9, "Expected the pool's index after 'web', but the line ends")]
    [InlineData("pool web x", 10, "Expected the pool's index (a decimal or 0x-hex number), found 'x'")]
    [InlineData("pool web ,", 10, "Expected the pool's index (a decimal or 0x-hex number), found ','")]
    [InlineData("pool web 1 color 3", 12, "Unknown pool attribute 'color'. Expected 'tenant', 'queues', 'priority', 'bandwidth', 'rss', 'antispoof', 'vlan-insert' or 'rate'")]
    [InlineData("pool web 1 tenant", 18, "Expected a tenant name after 'tenant'")]
    [InlineData("pool web 1 tenant 9", 19, "Expected a tenant name (letters")]
    [InlineData("pool web 1 bandwidth 40", 22, "Expected a bandwidth share with '%', such as 40%, found '40'")]
    [InlineData("pool web 1 bandwidth", 21, "Expected a bandwidth share such as 40% after 'bandwidth'")]
    [InlineData("pool web 1 priority", 20, "Expected a priority after 'priority'")]
    [InlineData("pool web 1 queues", 18, "Expected a queue range after 'queues'")]
    [InlineData("pool web 1 tenant a tenant b", 21, "'tenant' is given twice in one 'pool' statement")]
    [InlineData("pool web 1 queues 0 queues 1", 21, "'queues' is given twice in one 'pool' statement")]
    [InlineData("pool web 1 priority 1 priority 2", 23, "'priority' is given twice in one 'pool' statement")]
    [InlineData("pool web 1 bandwidth 1% bandwidth 2%", 25, "'bandwidth' is given twice in one 'pool' statement")]
    // profile, vxlan-port
    [InlineData("profile", 8, "Expected a NIC profile name (82599, x710) after 'profile'")]
    [InlineData("vxlan-port", 11, "Expected a UDP port after 'vxlan-port'")]
    public void SyntaxErrorsAreLocatedAndSayWhatWasExpected(string text, int column, string phrase) =>
        AssertError(text + "\n", "VMDQ0001", 1, column, phrase);

    [Theory]
    [InlineData("dispatcher", 11, "the line ends after 'dispatcher': write a type name such as Contoso.Fabric.TenantDispatcher")]
    [InlineData("dispatcher ,", 12, "expected a type name such as Contoso.Fabric.TenantDispatcher, found ','")]
    [InlineData("dispatcher A.B.class", 12, "'A.B.class' is not a valid C# type name: 'class' is not an identifier")]
    [InlineData("dispatcher A..B", 12, "'A..B' is not a valid C# type name: '' is not an identifier")]
    [InlineData("dispatcher A.9B", 12, "'9B' is not an identifier")]
    [InlineData("dispatcher A.b-c", 12, "'b-c' is not an identifier")]
    [InlineData("dispatchr A.B", 1, "unknown keyword 'dispatchr' (did you mean 'dispatcher'?)")]
    [InlineData("dispatch A.B", 1, "unknown keyword 'dispatch' (did you mean 'dispatcher'?)")]           // 8 letters, two edits: the shortest
    [InlineData("dispatcherss A.B", 1, "unknown keyword 'dispatcherss' (did you mean 'dispatcher'?)")]   // 12 letters: the longest
    [InlineData("DISPATCHER A.B", 1, "unknown keyword 'DISPATCHER' (did you mean 'dispatcher'?)")]       // case aside
    [InlineData("A.B.TenantDispatcher", 1, "unknown keyword 'A.B.TenantDispatcher'")]
    [InlineData("x dispatcher A.B", 1, "unknown keyword 'x'")]
    public void UnreadableDispatcherLinesAreVmdq0020(string text, int column, string phrase) =>
        AssertError(text + "\n", "VMDQ0020", 1, column, phrase);

    /// <summary>
    /// Whether the generator may emit the dispatcher's shape under the file's name: not when a line that looks
    /// like the dispatcher line is broken and no good one was read (the name the user's code uses is unknown).
    /// </summary>
    [Theory]
    [InlineData("vlan 1 -> drop", true)]
    [InlineData("dispatcher A.B\nvlan 1 -> drop", true)]
    [InlineData("dispatcher\nvlan 1 -> drop", false)]
    [InlineData("dispatchr A.B\nvlan 1 -> drop", false)]
    [InlineData("x dispatcher A.B\nvlan 1 -> drop", false)]          // a syntax error turned into VMDQ0020
    [InlineData("A.B.TenantDispatcher\nvlan 1 -> drop", false)]      // the keyword left out
    [InlineData("x dispatcher A.B\nvlan x -> drop", false)]          // a later broken line changes nothing
    [InlineData("dispatcher A.B\ndispatchr C.D\nvlan 1 -> drop", true)] // a good line was read: its name stands
    [InlineData("x dispatcher C.D\ndispatcher A.B\nvlan 1 -> drop", true)]
    [InlineData("pool w.b 1\nvlan 1 -> drop", true)]                 // a dotted word that is not first
    [InlineData("pool dispatchers 1\nvlan 5000 -> dispatchers", true)] // a pool named like the keyword, on a line with only a range error
    public void TheDispatcherNameIsUnreadableOnlyWhenABrokenDispatcherLineIsAllThereIs(string text, bool readable) =>
        Assert.Equal(readable, RulesCompiler.Compile("t.vmdq", text + "\n").IsDispatcherNameReadable);

    [Theory]
    [InlineData("vlan 4096 -> web", 6, "VLAN ID 4096 is out of range: it must be 0..4095")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 4096 -> web", 28, "VLAN ID 4096 is out of range: it must be 0..4095")]
    [InlineData("vxlan 0x1000000 -> web", 7, "VNI 0x1000000 is out of range: it must be 0..16777215")]
    [InlineData("nvgre 16777216 -> web", 7, "VSID 16777216 is out of range: it must be 0..16777215")]
    [InlineData("nic pools 0", 11, "Pool count 0 is out of range: it must be 1..512")]
    [InlineData("nic pools 513", 11, "Pool count 513 is out of range: it must be 1..512")]
    [InlineData("nic queues 0", 12, "Queues per pool 0 is out of range: it must be 1..16")]
    [InlineData("nic queues 17", 12, "Queues per pool 17 is out of range: it must be 1..16")]
    [InlineData("nic ring 0", 10, "Ring size 0 is out of range: it must be 1..65536")]
    [InlineData("nic ring 65537", 10, "Ring size 65537 is out of range: it must be 1..65536")]
    [InlineData("nic ring 100", 10, "Ring size 100 is not a power of two")]
    [InlineData("nic ring 65535", 10, "Ring size 65535 is not a power of two")]
    [InlineData("vxlan-port 0", 12, "UDP port 0 is out of range: it must be 1..65535")]
    [InlineData("vxlan-port 65536", 12, "UDP port 65536 is out of range: it must be 1..65535")]
    [InlineData("profile foo", 9, "Unknown NIC profile 'foo'. Known profiles: 82599, x710")]
    [InlineData("tenant a vlan 5-1", 15, "The range 5-1 is empty: 5 is greater than 1")]
    [InlineData("tenant a vlan 0-4096", 15, "The range 0-4096 of VLAN IDs is out of range: VLAN IDs must be 0..4095")]
    [InlineData("tenant a vni 1-16777216", 14, "The range 1-16777216 of VNIs is out of range: VNIs must be 0..16777215")]
    [InlineData("tenant a vsid 16777216", 15, "The range 16777216 of VSIDs is out of range: VSIDs must be 0..16777215")]
    [InlineData("pool web 1 queues 0-16", 19, "The range 0-16 of queue indices is out of range: queue indices must be 0..15")]
    [InlineData("pool web 1 priority 8", 21, "Priority 8 is out of range: it must be 0..7")]
    [InlineData("pool web 1 bandwidth 101%", 22, "Bandwidth share 101 is out of range: it must be 0..100")]
    public void ValuesOutsideTheirFieldAreRangeErrors(string text, int column, string phrase) =>
        AssertError(text + "\n", "VMDQ0002", 1, column, phrase);

    [Theory]
    [InlineData("nic pools 8\nnic pools 8", "'nic' is given more than once; only the first is used")]
    [InlineData("dispatcher A\ndispatcher B", "'dispatcher' is given more than once")]
    [InlineData("default-pool 1\ndefault-pool 2", "'default-pool' is given more than once")]
    [InlineData("vxlan-port 1\nvxlan-port 2", "'vxlan-port' is given more than once")]
    [InlineData("profile x710\nprofile x710", "'profile' is given more than once")]
    public void OnePerFileStatementsTwiceAreReportedOnTheSecond(string text, string phrase) =>
        AssertError(text + "\n", "VMDQ0013", 2, 1, phrase);

    [Fact]
    public void TheFirstOfTwoOnePerFileStatementsIsTheOneUsed()
    {
        var result = RulesCompiler.Compile("t.vmdq", "vxlan-port 8472\nvxlan-port 4790\ndispatcher A.B\ndispatcher C.D\n");
        Assert.Equal("A.B", result.DispatcherTypeName);
        Assert.Equal(2, result.Diagnostics.Count);
    }

    [Theory]
    [InlineData("nic pools 1 queues 1 ring 1")]
    [InlineData("nic pools 512 queues 16 ring 65536")]
    [InlineData("vxlan-port 1")]
    [InlineData("vxlan-port 65535")]
    [InlineData("pool web 0 priority 0 bandwidth 0%")]
    [InlineData("pool web 0 priority 7 bandwidth 100% queues 0-1")]
    [InlineData("tenant a vlan 0-4095 vni 0-16777215 vsid 16777215")]
    [InlineData("vlan 4095 -> drop\nvxlan 16777215 -> drop\nnvgre 0x1000 -> drop\nmac 00:1b:21:0a:0b:01 vlan 4094 -> drop")]
    [InlineData("dispatcher _a.B1.c_2")]
    [InlineData("default-pool _x-1\npool _x-1 0")]
    public void ValuesAtTheEdgeOfTheirFieldAreAccepted(string text) =>
        Assert.DoesNotContain(RulesCompiler.Compile("t.vmdq", text + "\n").Diagnostics, d => d.Id is "VMDQ0001" or "VMDQ0002" or "VMDQ0013");

    [Fact]
    public void TheValuesReadAreTheValuesWritten()
    {
        var model = Clean("nic pools 0x10 queues 4 ring 1024\nvxlan-port 0x1234\npool w-1 0xF queues 1-3\ndefault-pool w-1\nvlan 0x7 -> w-1:0X3\nmulticast -> w-1\n");
        Assert.Equal(new NicGeometry(16, 4, 1024), model.Geometry);
        Assert.Equal((0x1234, 15, 1), (model.VxlanPort, model.DefaultPool, model.DefaultQueue));
        Assert.Equal((7u, 15, 3), (model.Rules[0].Id, model.Rules[0].Pool, model.Rules[0].Queue));
    }

    [Fact]
    public void ASingleValueIsARangeOfOne()
    {
        var diagnostics = RulesCompiler.Compile("t.vmdq", "tenant a vlan 7\ntenant b vlan 7-7\n").Diagnostics.Where(d => d.Id != "VMDQ0018");
        Assert.Contains("claims VLAN IDs 7-7 that overlap tenant 'a' (7, line 1)", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void ABrokenTenantIsNotReportedAgainAsUndefined()
    {
        var result = RulesCompiler.Compile("t.vmdq", "tenant a vlan 5-1\npool web 1 tenant a\nvlan 10 -> web\n");
        Assert.Equal(new[] { "VMDQ0002" }, result.Diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void ABrokenPoolIsNotReportedAgainAsUndefinedAnywhere()
    {
        var result = RulesCompiler.Compile("t.vmdq", "pool web 1 color 3\nvlan 10 -> web\ndefault-pool web\nbroadcast -> web\n");
        Assert.Equal(new[] { "VMDQ0001" }, result.Diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void ABrokenLineDoesNotStopTheNextOne()
    {
        var result = RulesCompiler.Compile("t.vmdq", "vlan x -> a\nvlan 5000 -> a\npool a 1\nvlan 10 -> a\n");
        Assert.Equal(new[] { ("VMDQ0001", 1), ("VMDQ0002", 2) }, result.Diagnostics.Select(d => (d.Id, d.Span.Line)));
    }

    // ---- the lexer ----

    [Theory]
    [InlineData("pool web 1\rvlan 5000 -> web\r")]
    [InlineData("pool web 1\r\nvlan 5000 -> web\r\n")]
    [InlineData("pool web 1\nvlan 5000 -> web")]
    [InlineData("pool web 1 # a comment\rvlan 5000 -> web")]
    [InlineData("pool web 1 # a comment\r\nvlan 5000 -> web")]
    [InlineData("\uFEFFpool web 1\n\t vlan 5000 -> web")]
    public void EveryLineBreakEndsALineAndColumnsCountFromIt(string text)
    {
        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", text).Diagnostics, d => d.Severity == RuleSeverity.Error);
        int indent = text.Contains('\t') ? 2 : 0;
        Assert.Equal(("VMDQ0002", 2, 6 + indent), (d.Id, d.Span.Line, d.Span.Column));
        Assert.Equal(4, d.Span.Length);
    }

    [Fact]
    public void TokensEndAtCommasCommentsArrowsAndByteOrderMarks()
    {
        var model = Clean("pool a 1\npool b-2 2\nbroadcast -> a,b-2#comment\nvlan 5->b-2\nvlan 6 -> a\uFEFF\n");
        Assert.Equal(new[] { 1, 2 }, model.Rules[0].Replicas.ToArray());
        Assert.Equal((5u, 2), (model.Rules[1].Id, model.Rules[1].Pool));
        Assert.Equal(1, model.Rules[2].Pool);
    }

    [Fact]
    public void TokenSpansAreExact()
    {
        var lines = Lexer.Tokenize("  pool  web,x->y # c\n\nvlan -\n");
        Assert.Equal(2, lines.Count);
        Assert.Equal(
            new[] { ("pool", 2, 4, 1, 3), ("web", 8, 3, 1, 9), (",", 11, 1, 1, 12), ("x", 12, 1, 1, 13), ("->", 13, 2, 1, 14), ("y", 15, 1, 1, 16) },
            lines[0].Select(t => (t.Text, t.Span.Start, t.Span.Length, t.Span.Line, t.Span.Column)));
        Assert.Equal(new[] { TokenKind.Word, TokenKind.Word, TokenKind.Comma, TokenKind.Word, TokenKind.Arrow, TokenKind.Word }, lines[0].Select(t => t.Kind));
        Assert.Equal(new[] { ("vlan", 3, 1), ("-", 3, 6) }, lines[1].Select(t => (t.Text, t.Span.Line, t.Span.Column)));
    }

    // ---- names ----

    [Theory]
    [InlineData("/src/tenant-rules.vmdq", "Vmdq.Generated.TenantRulesDispatcher")]
    [InlineData("9lives.vmdq", "Vmdq.Generated._9livesDispatcher")]
    [InlineData("été.vmdq", "Vmdq.Generated.TDispatcher")]
    [InlineData("---.vmdq", "Vmdq.Generated._Dispatcher")]
    [InlineData("a_b.c.vmdq", "Vmdq.Generated.ABCDispatcher")]
    public void DefaultDispatcherNamesAreValidCSharp(string path, string expected) =>
        Assert.Equal(expected, RulesCompiler.Compile(path, "vlan 1 -> drop\n").DispatcherTypeName);

    [Theory]
    [InlineData("_", true)]
    [InlineData("a1", true)]
    [InlineData("Été", true)]
    [InlineData("", false)]
    [InlineData("1a", false)]
    [InlineData("int", false)]
    [InlineData("a.b", false)]
    public void IdentifiersAreCSharpIdentifiers(string text, bool expected) => Assert.Equal(expected, CSharpNames.IsIdentifier(text));

    [Theory]
    [InlineData("web", true)]
    [InlineData("_w-1", true)]
    [InlineData("été", false)]   // pool names are ASCII
    [InlineData("w.b", false)]
    [InlineData("-w", false)]
    public void PoolNamesAreAsciiLettersDigitsUnderscoresAndDashes(string name, bool valid)
    {
        var result = RulesCompiler.Compile("t.vmdq", $"pool {name} 1\nvlan 10 -> {name}\n");
        Assert.Equal(valid, !result.Diagnostics.Any(d => d.Id == "VMDQ0001"));
    }
}
