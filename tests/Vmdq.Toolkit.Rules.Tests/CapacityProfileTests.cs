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
}
