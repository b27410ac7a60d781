using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CsCheck;

namespace Vmdq.Toolkit.Generator.Tests.Infrastructure;

/// <summary>
/// Random rules files and frames drawn from the same small value pools, so that frames hit rules,
/// miss them, and fall through precedence levels often.
/// </summary>
internal static class RandomRules
{
    public static readonly string[] Macs =
    {
        "00:1b:21:0a:0b:01", "00:1b:21:0a:0b:02", "52:54:00:12:34:56", "52:54:00:12:34:57", "02:00:00:00:00:09", "00:00:00:00:00:00",
    };

    public static readonly int[] Vlans = { 1, 2, 150, 250, 4094 };
    public static readonly int[] Vnis = { 1, 5001, 5002, 0xFFFFFF };
    public static readonly int[] Vsids = { 0x1000, 70001, 70002, 0xFFFFFE };

    private static readonly Gen<string> s_mac = Gen.OneOf(Macs);

    /// <summary>The rule kinds <see cref="FileOf"/> can draw, as written in a rules file.</summary>
    public static readonly string[] Kinds = { "mac", "mac-vlan", "vlan", "vxlan", "vxlan-inner", "nvgre", "nvgre-inner", "broadcast", "multicast" };

    /// <summary>A rules file with no errors: 1..5 pools (some <c>rss</c>), 0..30 rules of every kind, random geometry and VXLAN port.</summary>
    public static readonly Gen<string> File = FileOf(Kinds);

    /// <summary>A rules file with no errors whose rules are only of <paramref name="kinds"/> (names from <see cref="Kinds"/>).</summary>
    public static Gen<string> FileOf(params string[] kinds)
    {
        int[] allowed = kinds.Select(k => System.Array.IndexOf(Kinds, k)).ToArray();
        if (allowed.Any(i => i < 0))
        {
            throw new System.ArgumentException("Unknown rule kind in " + string.Join(", ", kinds), nameof(kinds));
        }

        return Gen.Select(
            Gen.OneOf(4, 8, 64),
            Gen.OneOf(1, 2, 4),
            Gen.OneOf(4789, 8472),
            Gen.Int[1, 5],
            Gen.Int[0, int.MaxValue].Array[0, 30],
            Gen.Int[0, int.MaxValue].Array[6])
        .Select(parts => Build(parts.Item1, parts.Item2, parts.Item3, parts.Item4, parts.Item5, parts.Item6, allowed));
    }

    private static string Build(int poolCount, int queues, int port, int declared, int[] ruleSeeds, int[] misc, int[] allowed)
    {
        var sb = new StringBuilder();
        sb.Append($"nic pools {poolCount} queues {queues}\nvxlan-port {port}\n");
        var pools = new List<(string Name, int Index, int Lo, int Hi)>();
        for (int i = 0; i < declared; i++)
        {
            int index = (i * 3 + misc[0]) % poolCount;
            if (pools.Any(p => p.Index == index))
            {
                continue;
            }

            int lo = (misc[1] + i) % queues;
            int hi = lo + ((misc[2] + i) % (queues - lo));
            bool narrowed = (misc[3] + i) % 2 == 0;
            pools.Add(($"p{i}", index, narrowed ? lo : 0, narrowed ? hi : queues - 1));
            bool rss = (misc[5] + i) % 3 != 0; // two pools in three spread by RSS (a one-queue rss pool only warns)
            sb.Append($"pool p{i} {index}{(narrowed ? $" queues {lo}-{hi}" : string.Empty)}{(rss ? " rss" : string.Empty)}\n");
        }

        int defaultPool = misc[4] % poolCount;
        sb.Append($"default-pool {defaultPool}\n");
        var keys = new HashSet<string>();
        foreach (int seed in ruleSeeds)
        {
            var r = new System.Random(seed);
            string mac = Macs[r.Next(Macs.Length)], inner = Macs[r.Next(Macs.Length)];
            int vlan = Vlans[r.Next(Vlans.Length)], vni = Vnis[r.Next(Vnis.Length)], vsid = Vsids[r.Next(Vsids.Length)];
            string match = allowed[r.Next(allowed.Length)] switch
            {
                0 => $"mac {mac}",
                1 => $"mac {mac} vlan {vlan}",
                2 => $"vlan {vlan}",
                3 => $"vxlan {vni}",
                4 => $"vxlan {vni} inner {inner}",
                5 => $"nvgre {vsid}",
                6 => $"nvgre {vsid} inner {inner}",
                7 => "broadcast",
                _ => "multicast",
            };
            if (!keys.Add(match))
            {
                continue;
            }

            string target;
            var pool = pools[r.Next(pools.Count)];
            if (match is "broadcast" or "multicast")
            {
                target = string.Join(", ", pools.OrderBy(_ => r.Next()).Take(1 + r.Next(pools.Count)).Select(p => p.Name));
            }
            else
            {
                target = r.Next(6) switch
                {
                    0 => "drop",
                    1 => $"{pool.Name}:{pool.Lo + r.Next(pool.Hi - pool.Lo + 1)}",
                    _ => pool.Name,
                };
            }

            sb.Append($"{match} -> {target}\n");
        }

        // Keep every pool reachable is not needed: warnings are fine.
        return sb.ToString();
    }

    /// <summary>
    /// A rules file with no errors and 1..3 S-channels (<c>channel</c> statements) on S-VIDs drawn from <see cref="Vlans"/>' first
    /// three (so <see cref="Frame"/>'s S-tags hit declared channels, undeclared S-VIDs and none), each with its own pools, its own rules
    /// (the same matches recur across channels with other targets), a <c>default-pool</c> or none, and a mode.
    /// </summary>
    public static readonly Gen<string> FileWithChannels = Gen.Select(
            Gen.OneOf(8, 64),
            Gen.OneOf(1, 2, 4),
            Gen.Int[1, 3],
            Gen.Int[0, int.MaxValue].Array[0, 40],
            Gen.Int[0, int.MaxValue].Array[8])
        .Select(parts => BuildChannels(parts.Item1, parts.Item2, parts.Item3, parts.Item4, parts.Item5));

    private static string BuildChannels(int poolCount, int queues, int channelCount, int[] ruleSeeds, int[] misc)
    {
        var rng = new System.Random(misc[0]);
        var sb = new StringBuilder();
        sb.Append($"nic pools {poolCount} queues {queues}\n");
        if (rng.Next(2) == 0)
        {
            sb.Append("switch vepa\n");
        }

        int[] svids = Vlans.Take(3).OrderBy(_ => rng.Next()).Take(channelCount).ToArray();
        int nextIndex = 0;
        var sections = new List<List<(string Name, int Lo, int Hi)>>();
        var bySection = ruleSeeds.GroupBy(seed => seed % (channelCount + 1)).ToDictionary(g => g.Key, g => g.ToArray());
        for (int section = 0; section <= channelCount; section++)
        {
            int poolsHere = 1 + rng.Next(2);
            var pools = new List<(string Name, int Lo, int Hi)>();
            var text = new StringBuilder();
            for (int i = 0; i < poolsHere; i++)
            {
                int lo = rng.Next(queues), hi = lo + rng.Next(queues - lo);
                string name = $"c{section}p{i}";
                pools.Add((name, lo, hi));
                text.Append($"pool {name} {nextIndex++} queues {lo}-{hi}{(rng.Next(3) == 0 ? " rss" : string.Empty)}\n");
            }

            if (section > 0)
            {
                string mode = poolsHere == 1 && rng.Next(3) == 0 ? " vsi" : rng.Next(3) switch { 0 => " veb", 1 => " vepa", _ => string.Empty };
                sb.Append($"channel ch{section} svid {svids[section - 1]}{mode}\n");
            }

            sb.Append(text);
            if (section == 0 || rng.Next(2) == 0)
            {
                // The untagged channel always names its default (its first pool is index 0 anyway); a channel may have none (drop).
                sb.Append($"default-pool {pools[rng.Next(pools.Count)].Name}\n");
            }

            var keys = new HashSet<string>();
            foreach (int seed in bySection.TryGetValue(section, out var seeds) ? seeds : System.Array.Empty<int>())
            {
                var r = new System.Random(seed);
                string mac = Macs[r.Next(Macs.Length)], inner = Macs[r.Next(Macs.Length)];
                int vlan = Vlans[r.Next(Vlans.Length)], vni = Vnis[r.Next(Vnis.Length)], vsid = Vsids[r.Next(Vsids.Length)];
                string match = r.Next(9) switch
                {
                    0 => $"mac {mac}",
                    1 => $"mac {mac} vlan {vlan}",
                    2 => $"vlan {vlan}",
                    3 => $"vxlan {vni}",
                    4 => $"vxlan {vni} inner {inner}",
                    5 => $"nvgre {vsid}",
                    6 => $"nvgre {vsid} inner {inner}",
                    7 => "broadcast",
                    _ => "multicast",
                };
                if (!keys.Add(match))
                {
                    continue;
                }

                var pool = pools[r.Next(pools.Count)];
                string target = match is "broadcast" or "multicast"
                    ? string.Join(", ", pools.OrderBy(_ => r.Next()).Take(1 + r.Next(pools.Count)).Select(p => p.Name))
                    : r.Next(6) switch
                    {
                        0 => "drop",
                        1 => $"{pool.Name}:{pool.Lo + r.Next(pool.Hi - pool.Lo + 1)}",
                        _ => pool.Name,
                    };
                sb.Append($"{match} -> {target}\n");
            }

            sections.Add(pools);
        }

        return sb.ToString();
    }

    private static byte[] MacBytes(string mac) => Frames.Mac(mac);

    /// <summary>A structured frame: tags, IPv4/IPv6, VXLAN or NVGRE or neither, inner Ethernet.</summary>
    public static readonly Gen<byte[]> Frame = Gen.Int[0, int.MaxValue].Select(BuildFrame);

    /// <summary>The structured frame of <paramref name="seed"/>.</summary>
    public static byte[] BuildFrame(int seed)
    {
            var r = new System.Random(seed);
            var bytes = new List<byte>();
            string dst = r.Next(8) switch
            {
                0 => "ff:ff:ff:ff:ff:ff",
                1 => "01:00:5e:00:00:01",
                2 => "33:33:00:00:00:01",
                _ => Macs[r.Next(Macs.Length)],
            };
            bytes.AddRange(MacBytes(dst));
            bytes.AddRange(MacBytes("02:00:00:00:00:aa"));
            int tagMode = r.Next(6);
            void Tag(int tpid) { bytes.AddRange(Frames.Be16(tpid)); bytes.AddRange(Frames.Be16((r.Next(8) << 13) | Vlans[r.Next(Vlans.Length)])); }
            if (tagMode is 1 or 3) { Tag(0x88A8); }
            if (tagMode is 2 or 3) { Tag(0x8100); }
            if (tagMode == 4) { Tag(0x8100); Tag(0x8100); }
            if (tagMode == 5) { Tag(0x8100); Tag(0x88A8); }
            bool v6 = r.Next(4) == 0;
            bytes.AddRange(Frames.Be16(v6 ? 0x86DD : 0x0800));
            int tunnel = r.Next(3);
            int protocol = tunnel == 1 ? 17 : tunnel == 2 ? 47 : r.Next(2) == 0 ? 6 : 17;
            if (v6)
            {
                var h = new byte[40];
                r.NextBytes(h.AsSpan(8)); // addresses, for the RSS hash
                h[0] = 0x60;
                h[6] = (byte)protocol;
                bytes.AddRange(h);
            }
            else
            {
                int ihl = r.Next(4) == 0 ? 5 + r.Next(11) : 5;
                var h = new byte[ihl * 4];
                r.NextBytes(h.AsSpan(12, 8)); // addresses, for the RSS hash
                h[0] = (byte)(0x40 | ihl);
                h[9] = (byte)protocol;
                if (r.Next(8) == 0) { h[6] = (byte)r.Next(256); h[7] = (byte)r.Next(256); }
                bytes.AddRange(h);
            }

            if (protocol == 17)
            {
                bytes.AddRange(Frames.Be16(r.Next(65536)));
                bytes.AddRange(Frames.Be16(r.Next(3) switch { 0 => 4789, 1 => 8472, _ => r.Next(65536) }));
                bytes.AddRange(new byte[4]);
                int vni = Vnis[r.Next(Vnis.Length)];
                bytes.AddRange(new byte[] { (byte)(r.Next(4) == 0 ? r.Next(256) : 0x08), 0, 0, 0, (byte)(vni >> 16), (byte)(vni >> 8), (byte)vni, 0 });
            }
            else if (protocol == 47)
            {
                int flags = r.Next(4) == 0 ? r.Next(65536) : 0x2000;
                int vsid = Vsids[r.Next(Vsids.Length)];
                bytes.AddRange(Frames.Be16(flags));
                bytes.AddRange(Frames.Be16(r.Next(5) == 0 ? 0x0800 : 0x6558));
                bytes.AddRange(new byte[] { (byte)(vsid >> 16), (byte)(vsid >> 8), (byte)vsid, (byte)r.Next(256) });
            }
            else
            {
                var tcp = new byte[20];
                r.NextBytes(tcp.AsSpan(0, 4)); // ports, for the RSS hash
                bytes.AddRange(tcp);
            }

            bytes.AddRange(MacBytes(Macs[r.Next(Macs.Length)]));
            bytes.AddRange(MacBytes("02:00:00:00:00:bb"));
            if (r.Next(3) == 0) { bytes.AddRange(Frames.Be16(0x8100)); bytes.AddRange(Frames.Be16(Vlans[r.Next(Vlans.Length)])); }
            bytes.AddRange(Frames.Be16(0x0800));
            if (r.Next(2) == 0)
            {
                // An inner IPv4/TCP packet (addresses and ports random): a tunnel's RSS hash is the inner one.
                var inner = new byte[24];
                r.NextBytes(inner);
                inner[0] = 0x45;
                inner[6] = 0;
                inner[7] = 0;
                inner[9] = 6;
                bytes.AddRange(inner.AsSpan(0, 4 + r.Next(21)).ToArray());
            }
            else
            {
                bytes.AddRange(new byte[r.Next(30)]);
            }

            return bytes.ToArray();
    }
}
