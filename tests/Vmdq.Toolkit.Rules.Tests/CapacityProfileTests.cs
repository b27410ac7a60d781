using System.Linq;
using System.Text;
using Vmdq.Rules;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>The X710 profile: MAC and VLAN filters share 3,072 entries; tunnel (cloud) filters stop at 400.</summary>
public class CapacityProfileTests
{
    private static string File(int macs, int vlans, int tunnels)
    {
        var sb = new StringBuilder("profile x710\npool web 1\n");
        for (int i = 0; i < macs; i++)
        {
            sb.Append($"mac 02:00:00:00:{i / 256:x2}:{i % 256:x2} -> web\n");
        }

        for (int i = 0; i < vlans; i++)
        {
            sb.Append($"vlan {i + 1} -> web\n");
        }

        for (int i = 0; i < tunnels; i++)
        {
            sb.Append($"vxlan {i + 1} -> web\n");
        }

        return sb.ToString();
    }

    [Fact]
    public void MacAndVlanFiltersShareOneTable()
    {
        Assert.DoesNotContain(RulesCompiler.Compile("t.vmdq", File(3000, 72, 0)).Diagnostics, d => d.Id == "VMDQ0008");
        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", File(3000, 73, 0)).Diagnostics, d => d.Id == "VMDQ0008");
        Assert.Equal(2 + 3000 + 73, d.Span.Line);
        Assert.Contains("3073 MAC/VLAN filters", d.Message);
        Assert.Contains("holds 3072", d.Message);
    }

    [Fact]
    public void TunnelFiltersStopAt400()
    {
        Assert.DoesNotContain(RulesCompiler.Compile("t.vmdq", File(0, 0, 400)).Diagnostics, d => d.Id == "VMDQ0008");
        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", File(0, 0, 401)).Diagnostics, d => d.Id == "VMDQ0008");
        Assert.Equal(2 + 401, d.Span.Line);
        Assert.Contains("401 tunnel filters", d.Message);
    }

    [Fact]
    public void OnTheX710MacRulesAloneFillTheSharedTable()
    {
        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", File(3073, 0, 0)).Diagnostics, d => d.Id == "VMDQ0008");
        Assert.Equal(2 + 3073, d.Span.Line);
        Assert.Contains("3073 MAC/VLAN filters", d.Message);
    }

    [Fact]
    public void TheX710HasTunnelClassification()
    {
        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", File(0, 0, 401)).Diagnostics, d => d.Id == "VMDQ0008");
        Assert.DoesNotContain("no tunnel classification", d.Message);
        var on82599 = Assert.Single(RulesCompiler.Compile("t.vmdq", File(0, 0, 1).Replace("x710", "82599")).Diagnostics, d => d.Id == "VMDQ0008");
        Assert.Contains("(it has no tunnel classification)", on82599.Message);
    }

    [Fact]
    public void The82599Holds128ExactMacFilters()
    {
        string text = File(129, 0, 0).Replace("x710", "82599");
        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", text).Diagnostics, d => d.Id == "VMDQ0008");
        Assert.Equal(2 + 129, d.Span.Line);
        Assert.Contains("129 exact dst-MAC filters", d.Message);
        Assert.Contains("holds 128", d.Message);
        Assert.DoesNotContain(RulesCompiler.Compile("t.vmdq", File(128, 0, 0).Replace("x710", "82599")).Diagnostics, d => d.Id == "VMDQ0008");
    }

    [Fact]
    public void The82599Holds64VlanFiltersAlsoCountedFromMacVlanRules()
    {
        // 65 'mac M vlan V' rules with distinct VLANs: the MACs fit (65 of 128), the VLAN filters do not.
        var sb = new StringBuilder("profile 82599\npool web 1\n");
        for (int i = 0; i < 65; i++)
        {
            sb.Append($"mac 02:00:00:00:00:{i:x2} vlan {i + 1} -> web\n");
        }

        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", sb.ToString()).Diagnostics, d => d.Id == "VMDQ0008");
        Assert.Equal(2 + 65, d.Span.Line);
        Assert.Contains("65 VLAN filters", d.Message);
        Assert.Contains("holds 64", d.Message);

        // The same VLAN on every rule is one VLAN filter.
        string sameVlan = System.Text.RegularExpressions.Regex.Replace(sb.ToString(), @" vlan \d+ ", " vlan 7 ");
        var result = RulesCompiler.Compile("t.vmdq", sameVlan);
        Assert.False(result.HasErrors);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "VMDQ0008");
    }
}
