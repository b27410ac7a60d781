using System.Linq;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// A runtime-loaded dispatcher numbers lines where the rules lexer does (LF, CR and CRLF each end a line), so a verdict's
/// line, RuleText and the lines of runtime rules name the rule the diagnostics would (found by the rules fuzz harness:
/// fuzz/regressions/rules/lone-cr-line-break.vmdq).
/// </summary>
public class RuntimeDispatcherLineTests
{
    private static byte[] To(string mac, int? vlan = null)
    {
        var f = new byte[64];
        mac.Split(':').Select(h => System.Convert.ToByte(h, 16)).ToArray().CopyTo(f, 0);
        if (vlan is { } v)
        {
            f[12] = 0x81; f[13] = 0x00; f[14] = (byte)(v >> 8); f[15] = (byte)v; f[16] = 0x08; f[17] = 0x00;
        }
        else
        {
            f[12] = 0x08;
        }

        return f;
    }

    [Fact]
    public void File_lines_ended_by_a_lone_CR_are_counted_as_the_diagnostics_count_them()
    {
        var d = RuntimeDispatcher.Load("pool web 1\rpool db 2\r\nmac 02:00:00:00:00:01 -> web\rvlan 7 -> db\n").Dispatcher!;

        var byMac = d.Classify(To("02:00:00:00:00:01"));
        var byVlan = d.Classify(To("02:00:00:00:00:09", 7));

        Assert.Equal((3, "mac 02:00:00:00:00:01 -> web"), (byMac.RuleLine, d.RuleText(byMac.RuleLine)));
        Assert.Equal((4, "vlan 7 -> db"), (byVlan.RuleLine, d.RuleText(byVlan.RuleLine)));
        Assert.Equal("pool db 2", d.RuleText(2));
    }

    [Fact]
    public void Runtime_rules_separated_by_a_lone_CR_get_a_line_and_a_handle_each()
    {
        var d = RuntimeDispatcher.Load("pool web 1\rpool db 2\rmac 02:00:00:00:00:01 -> web\r").Dispatcher!;

        var change = d.Apply("mac 02:00:00:00:00:02 -> db\rmac 02:00:00:00:00:03 -> web\r\n");

        Assert.True(change.Accepted, change.ToString());
        Assert.Equal(new[] { 4, 5 }, change.Added.Select(h => h.Line));
        var second = d.Classify(To("02:00:00:00:00:02"));
        var third = d.Classify(To("02:00:00:00:00:03"));
        Assert.Equal((4, "mac 02:00:00:00:00:02 -> db"), (second.RuleLine, d.RuleText(second.RuleLine)));
        Assert.Equal((5, "mac 02:00:00:00:00:03 -> web"), (third.RuleLine, d.RuleText(third.RuleLine)));
        Assert.True(d.Remove(change.Added[0]).Accepted);
        Assert.Equal(d.Info.DefaultPool, d.Classify(To("02:00:00:00:00:02")).Pool);
    }
}
