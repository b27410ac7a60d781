using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>Messages that help: suggestions, the file's own spelling of numbers, no stray quotes, bounded echoes.</summary>
public class MessageTests
{
    private static RuleDiagnostic Single(string text, string id) =>
        Assert.Single(RulesCompiler.Compile("t.vmdq", text).Diagnostics, d => d.Id == id);

    [Theory]
    [InlineData("vxaln 5000 -> web", "Unknown keyword 'vxaln' (did you mean 'vxlan'?).")]
    [InlineData("bradcast -> web", "Unknown keyword 'bradcast' (did you mean 'broadcast'?).")]
    [InlineData("MAC 00:1b:21:0a:0b:01 -> web", "Unknown keyword 'MAC': keywords are lower case (did you mean 'mac'?).")]
    [InlineData("Pool db 2", "Unknown keyword 'Pool': keywords are lower case (did you mean 'pool'?).")]
    [InlineData("vxlan 5001 iner 52:54:00:12:34:56 -> web", "Expected '->' and a target, found 'iner' (did you mean 'inner'?).")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlna 5 -> web", "Expected '->' and a target, found 'vlna' (did you mean 'vlan'?).")]
    [InlineData("nic pools 8 queus 4", "Unknown nic setting 'queus' (did you mean 'queues'?). Expected 'pools', 'queues' or 'ring'.")]
    [InlineData("pool db 2 priorty 3", "Unknown pool attribute 'priorty' (did you mean 'priority'?). Expected 'tenant', 'queues', 'priority', 'bandwidth', 'rss', 'antispoof', 'vlan-insert' or 'rate'.")]
    [InlineData("tenant red vnl 1-2", "Unknown tenant attribute 'vnl' (did you mean 'vni'?). Expected 'vlan', 'vni', 'vsid' or 'svid'.")]
    [InlineData("frobnicate 1", "Unknown keyword 'frobnicate'. Expected a statement: dispatcher, nic, default-pool, vxlan-port, profile, switch, tenant, pool, class, channel, or a rule (mac, vlan, vxlan, nvgre, broadcast, multicast).")]
    public void MisspeltKeywordsGetASuggestion(string line, string message) =>
        Assert.Equal(message, Single("pool web 1\nvlan 1 -> web\n" + line + "\n", "VMDQ0001").Message);

    [Theory]
    [InlineData("wbe", "web")]   // a transposition is one edit
    [InlineData("Web", "web")]   // case
    [InlineData("strage", "storage")]
    public void MisspeltPoolNamesGetASuggestion(string written, string meant)
    {
        var d = Single("pool web 1\npool storage 2\nvlan 1 -> storage\nvlan 2 -> " + written + "\n", "VMDQ0003");
        Assert.Equal($"Pool '{written}' is not declared (did you mean '{meant}'?).", d.Message);
        Assert.Equal((4, 11), (d.Span.Line, d.Span.Column));
    }

    [Fact]
    public void AFarNameGetsNoSuggestion() =>
        Assert.Equal("Pool 'analytics' is not declared.", Single("pool web 1\nvlan 1 -> web\nvlan 2 -> analytics\n", "VMDQ0003").Message);

    [Fact]
    public void ADropTakesNoQueue()
    {
        var d = Single("pool web 1\nvlan 1 -> web\nvlan 5 -> drop:1\n", "VMDQ0001");
        Assert.Equal("A drop takes no queue: write '-> drop', not 'drop:1'.", d.Message);
        Assert.Equal((3, 11), (d.Span.Line, d.Span.Column));
    }

    [Theory]
    [InlineData("nic queues 4\npool web 1\nvlan 1 -> web:0x9\n", "VMDQ0002", "Queue 0x9 is out of range: each pool has 4 queues (0..3) (nic, line 1).")]
    [InlineData("pool web 0x41\nvlan 1 -> web\n", "VMDQ0002", "Pool index 0x41 is out of range: the NIC has 64 pools (0..63) (the default geometry; add a 'nic' statement to change it).")]
    [InlineData("default-pool 0x40\npool web 1\nvlan 1 -> web\n", "VMDQ0002", "Default pool 0x40 is out of range: the NIC has 64 pools (0..63) (the default geometry; add a 'nic' statement to change it).")]
    [InlineData("pool web 1\nvlan 0x1000 -> web\n", "VMDQ0002", "VLAN ID 0x1000 is out of range: it must be 0..4095.")]
    [InlineData("pool web 1\nnvgre 0x10 -> web\n", "VMDQ0009", "VSID 0x10 is reserved: RFC 7637 reserves VSIDs 0..0xFFF.")]
    [InlineData("pool web 1\nnvgre 16 -> web\n", "VMDQ0009", "VSID 16 is reserved: RFC 7637 reserves VSIDs 0..0xFFF.")]
    [InlineData("pool web 1\nnvgre 16777215 -> web\n", "VMDQ0009", "VSID 16777215 is reserved by RFC 7637 for vendor-specific use.")]
    [InlineData("tenant a vlan 0x64-0xC7\ntenant b vlan 150-160\n", "VMDQ0015", "Tenant 'b' claims VLAN IDs 150-160 that overlap tenant 'a' (0x64-0xC7, line 1): identifiers in the overlap are attributed to 'a' for the leak check.")]
    [InlineData("tenant a vlan 0x64-0xC7\ntenant b vlan 200-299\npool db 1 tenant b\nvlan 0x70 -> db\n", "VMDQ0005", "VLAN 0x70 belongs to tenant 'a' (line 1), but pool 'db' belongs to tenant 'b' (line 3).")]
    [InlineData("pool web 1\npool spare 0x2\nvlan 1 -> web\n", "VMDQ0011", "Pool 'spare' (index 0x2) is never targeted by a rule and is not the default pool: no frame can reach it.")]
    [InlineData("tenant t vlan 0x20-0x10\n", "VMDQ0002", "The range 0x20-0x10 is empty: 0x20 is greater than 0x10.")]
    public void NumbersAreEchoedAsTheFileSpellsThem(string text, string id, string message) =>
        Assert.Equal(message, Single(text, id).Message);

    [Fact]
    public void AQueueOutsideThePoolsRangeHasNoStrayQuote()
    {
        var d = Single("nic queues 4\npool web 1 queues 2-3\nvlan 5 -> web:1\n", "VMDQ0002");
        Assert.Equal("Queue 1 is outside the queues of pool 'web' (2-3, line 2).", d.Message);
        Assert.DoesNotContain("''", d.Message);
    }

    [Fact]
    public void AHugeTokenIsCutInTheMessage()
    {
        string huge = new string('z', 100_000);
        var result = RulesCompiler.Compile("t.vmdq", "pool web 1\nvlan 1 -> web\n" + huge + " -> web\nvlan 2 -> " + huge + "\n");
        Assert.Equal(new[] { "VMDQ0001", "VMDQ0003" }, result.Diagnostics.Select(d => d.Id));
        Assert.All(result.Diagnostics, d => Assert.True(d.Message.Length < 300, d.Message));
        Assert.Equal($"Unknown keyword '{new string('z', 40)}…'. Expected a statement: dispatcher, nic, default-pool, vxlan-port, profile, switch, tenant, pool, class, channel, or a rule (mac, vlan, vxlan, nvgre, broadcast, multicast).", result.Diagnostics[0].Message);
        Assert.Equal(100_000, result.Diagnostics[1].Span.Length);
    }

    [Theory]
    [InlineData("web", "'web'")]
    [InlineData("a\u0001b", "'a\\u0001b'")]
    [InlineData("x\u2028y\uFEFF", "'x\\u2028y\\uFEFF'")]
    [InlineData("0123456789012345678901234567890123456789", "'0123456789012345678901234567890123456789'")]
    [InlineData("01234567890123456789012345678901234567890", "'0123456789012345678901234567890123456789…'")]
    public void EchoCutsAndEscapes(string token, string quoted) => Assert.Equal(quoted, Echo.Quoted(token));

    [Fact]
    public void EchoDoesNotSplitASurrogatePair()
    {
        string token = new string('a', 39) + "\U0001F600" + "tail";
        Assert.Equal("'" + new string('a', 39) + "…'", Echo.Quoted(token));
    }

    [Theory]
    [InlineData("wbe", "web", 1)]
    [InlineData("web", "web", 0)]
    [InlineData("ab", "ba", 1)]
    [InlineData("abc", "ca", 3)]     // optimal string alignment: no edit of a transposed pair
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    public void DistanceIsOptimalStringAlignment(string a, string b, int distance) => Assert.Equal(distance, Spelling.Distance(a, b));

    [Fact]
    public void NearestPrefersCaseThenTheOrdinallyFirstOfEqualDistance()
    {
        Assert.Equal("pool", Spelling.Nearest("POOL", new[] { "pool", "poll" }));
        Assert.Equal("dba", Spelling.Nearest("db", new[] { "dbb", "dba" }));
        Assert.Null(Spelling.Nearest("x", new[] { "abc" }));
    }
}
