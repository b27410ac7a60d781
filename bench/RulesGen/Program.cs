using System;
using System.Globalization;
using System.IO;
using System.Text;

// Usage: RulesGen <output-dir> <filters> [<filters>...]
// Writes filters-<N>.vmdq with N filters of every kind, spread over 63 pools. Deterministic: the
// values are a function of the rule's index only, so benchmarks can rebuild the frames that hit them.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: RulesGen <output-dir> <filters>...");
    return 2;
}

Directory.CreateDirectory(args[0]);
for (int a = 1; a < args.Length; a++)
{
    int n = int.Parse(args[a], CultureInfo.InvariantCulture);
    string path = Path.Combine(args[0], $"filters-{n}.vmdq");
    string text = BenchRules.Write(n);
    if (!File.Exists(path) || File.ReadAllText(path) != text)
    {
        File.WriteAllText(path, text);
    }

    Console.WriteLine($"{path}: {n} filters");
}

return 0;

/// <summary>The benchmark rules: the mix and the value of the i-th rule of each kind.</summary>
public static class BenchRules
{
    public static string Write(int n)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"dispatcher Vmdq.Bench.Filters{n}Dispatcher\n");
        sb.Append("nic pools 64 queues 4 ring 1024\n");
        for (int p = 1; p < 64; p++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"pool p{p} {p}\n");
        }

        var (mac, macVlan, vlan, vxlan, vxlanInner, nvgre, nvgreInner) = Mix(n);
        int rule = 0;
        string Pool() => "p" + ((rule++ % 63) + 1).ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < mac; i++) { sb.Append(CultureInfo.InvariantCulture, $"mac {Mac(0x02_10_00_00_00_00UL + (ulong)i)} -> {Pool()}\n"); }
        for (int i = 0; i < macVlan; i++) { sb.Append(CultureInfo.InvariantCulture, $"mac {Mac(0x02_20_00_00_00_00UL + (ulong)i)} vlan {MacVlanVlan(i)} -> {Pool()}\n"); }
        for (int i = 0; i < vlan; i++) { sb.Append(CultureInfo.InvariantCulture, $"vlan {1 + i} -> {Pool()}\n"); }
        for (int i = 0; i < vxlan; i++) { sb.Append(CultureInfo.InvariantCulture, $"vxlan {10_000 + i} -> {Pool()}\n"); }
        for (int i = 0; i < vxlanInner; i++) { sb.Append(CultureInfo.InvariantCulture, $"vxlan {VxlanInnerVni(n, i)} inner {Mac(0x02_30_00_00_00_00UL + (ulong)i)} -> {Pool()}\n"); }
        for (int i = 0; i < nvgre; i++) { sb.Append(CultureInfo.InvariantCulture, $"nvgre {0x10_000 + i} -> {Pool()}\n"); }
        for (int i = 0; i < nvgreInner; i++) { sb.Append(CultureInfo.InvariantCulture, $"nvgre {NvgreInnerVsid(n, i)} inner {Mac(0x02_40_00_00_00_00UL + (ulong)i)} -> {Pool()}\n"); }
        sb.Append("broadcast -> p1, p2, p3\n");
        return sb.ToString();
    }

    /// <summary>How many filters of each kind: mac 35%, mac+vlan 20%, vlan up to 10% (at most 4000), vxlan 15%, vxlan+inner 5%, nvgre 10%, nvgre+inner the rest.</summary>
    public static (int Mac, int MacVlan, int Vlan, int Vxlan, int VxlanInner, int Nvgre, int NvgreInner) Mix(int n)
    {
        int vlan = Math.Min(n / 10, 4000);
        int mac = n * 35 / 100, macVlan = n * 20 / 100, vxlan = n * 15 / 100, vxlanInner = n * 5 / 100, nvgre = n * 10 / 100;
        int nvgreInner = n - mac - macVlan - vlan - vxlan - vxlanInner - nvgre;
        return (mac, macVlan, vlan, vxlan, vxlanInner, nvgre, nvgreInner);
    }

    // Identifiers of the specific rules never equal those of the broader ones, so the file has no
    // override/redundancy diagnostics (a million infos would drown the build output).

    /// <summary>VLAN of the i-th mac+vlan rule: 4001..4094, outside the vlan rules' 1..4000.</summary>
    public static int MacVlanVlan(int i) => 4001 + (i % 94);

    /// <summary>VNI of the i-th vxlan+inner rule: after the plain vxlan rules' VNIs.</summary>
    public static int VxlanInnerVni(int n, int i) => 10_000 + Mix(n).Vxlan + i;

    /// <summary>VSID of the i-th nvgre+inner rule: after the plain nvgre rules' VSIDs.</summary>
    public static int NvgreInnerVsid(int n, int i) => 0x10_000 + Mix(n).Nvgre + i;

    public static string Mac(ulong value)
    {
        var sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--)
        {
            sb.Append(((byte)(value >> (8 * i))).ToString("x2", CultureInfo.InvariantCulture));
            if (i > 0)
            {
                sb.Append(':');
            }
        }

        return sb.ToString();
    }
}
