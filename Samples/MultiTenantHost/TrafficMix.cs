using System.Buffers.Binary;

namespace Vmdq.Samples.MultiTenantHost;

/// <summary>
/// A deterministic mix of frames for tenants.vmdq: each kind of traffic a cloud host sees, with
/// the share of the mix it takes. Frames are built once; the sample cycles through them.
/// </summary>
internal static class TrafficMix
{
    /// <summary>One kind of frame in the mix.</summary>
    /// <param name="Name">What it is.</param>
    /// <param name="Weight">Relative share of the mix.</param>
    /// <param name="Build">Builds one frame; the argument varies payload bytes so frames differ.</param>
    public sealed record Kind(string Name, int Weight, Func<int, byte[]> Build);

    public static readonly Kind[] Kinds =
    {
        new("web (mac)", 20, i => Ethernet("00:1b:21:0a:0b:01", 0x0800, Payload(i, 46))),
        new("storage (mac+vlan 150)", 15, i => Ethernet("00:1b:21:0a:0b:02", 0x0800, Payload(i, 46), 150)),
        new("db (vlan 250)", 10, i => Ethernet("02:00:00:00:01:01", 0x0800, Payload(i, 46), 250)),
        new("analytics (vlan 310, many flows)", 5, i => Ethernet("02:00:00:00:01:02", 0x0800, UdpFlow(i), 310)),
        new("blue VXLAN 5001 -> web", 10, i => Ethernet("00:1b:21:0a:0b:10", 0x0800, Vxlan(5001, Ethernet("52:54:00:aa:00:01", 0x0800, Payload(i, 46))))),
        new("blue VXLAN 5001 inner VM -> web:2", 8, i => Ethernet("00:1b:21:0a:0b:10", 0x0800, Vxlan(5001, Ethernet("52:54:00:12:34:56", 0x0800, Payload(i, 46))))),
        new("green VXLAN 7001 (many flows)", 5, i => Ethernet("00:1b:21:0a:0b:10", 0x0800, Vxlan(7001, Ethernet("52:54:00:aa:00:02", 0x0800, UdpFlow(i))))),
        new("blue NVGRE 70001 inner VM", 7, i => Ethernet("00:1b:21:0a:0b:11", 0x0800, Nvgre(70001, Ethernet("52:54:00:12:34:57", 0x0800, Payload(i, 46))))),
        new("red NVGRE 80001", 5, i => Ethernet("00:1b:21:0a:0b:11", 0x0800, Nvgre(80001, Ethernet("52:54:00:bb:00:01", 0x0800, Payload(i, 46))))),
        new("quarantined MAC (drop)", 2, i => Ethernet("00:1b:21:0a:0b:66", 0x0800, Payload(i, 46))),
        new("broadcast (ARP)", 3, i => Ethernet("ff:ff:ff:ff:ff:ff", 0x0806, Payload(i, 46))),
        new("multicast", 2, i => Ethernet("01:00:5e:00:00:fb", 0x0800, Payload(i, 46))),
        new("unknown unicast (default pool)", 7, i => Ethernet("02:00:00:00:09:09", 0x0800, Payload(i, 46))),
        new("runt (10 bytes)", 1, i => Payload(i, 10)),
    };

    /// <summary>Builds <paramref name="count"/> frames in the mix's proportions, shuffled deterministically.</summary>
    public static byte[][] Build(int count, int seed = 42)
    {
        int total = Kinds.Sum(k => k.Weight);
        var frames = new List<byte[]>(count);
        foreach (var kind in Kinds)
        {
            int n = (int)Math.Round((double)count * kind.Weight / total);
            for (int i = 0; i < n && frames.Count < count; i++)
            {
                frames.Add(kind.Build(i));
            }
        }

        while (frames.Count < count)
        {
            frames.Add(Kinds[0].Build(frames.Count));
        }

        var random = new Random(seed);
        var array = frames.ToArray();
        random.Shuffle(array);
        return array;
    }

    private static byte[] Mac(string text) => text.Split(':').Select(h => Convert.ToByte(h, 16)).ToArray();

    private static byte[] Payload(int seed, int length)
    {
        var bytes = new byte[length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, seed);
        return bytes;
    }

    /// <summary>An IPv4/UDP packet of flow <paramref name="flow"/>: its own source address and port, so RSS spreads the flows.</summary>
    private static byte[] UdpFlow(int flow)
    {
        var udp = new byte[8 + 18];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)(1024 + (flow % 60_000)));
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), 9000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        byte[] packet = Ipv4(17, udp);
        packet[14] = (byte)(flow >> 8);
        packet[15] = (byte)flow;
        return packet;
    }

    private static byte[] Ethernet(string dst, int etherType, byte[] payload, int vlan = -1)
    {
        var frame = new List<byte>(Mac(dst));
        frame.AddRange(Mac("02:00:00:00:00:aa"));
        if (vlan >= 0)
        {
            frame.AddRange(new byte[] { 0x81, 0x00, (byte)(vlan >> 8), (byte)vlan });
        }

        frame.Add((byte)(etherType >> 8));
        frame.Add((byte)etherType);
        frame.AddRange(payload);
        return frame.ToArray();
    }

    private static byte[] Ipv4(int protocol, byte[] payload)
    {
        var header = new byte[20];
        header[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(20 + payload.Length));
        header[8] = 64;
        header[9] = (byte)protocol;
        new byte[] { 10, 0, 0, 1, 10, 0, 0, 2 }.CopyTo(header, 12);
        return header.Concat(payload).ToArray();
    }

    private static byte[] Vxlan(int vni, byte[] inner)
    {
        var udp = new byte[16];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 49152);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), 4789);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)(16 + inner.Length));
        udp[8] = 0x08;
        udp[12] = (byte)(vni >> 16);
        udp[13] = (byte)(vni >> 8);
        udp[14] = (byte)vni;
        return Ipv4(17, udp.Concat(inner).ToArray());
    }

    private static byte[] Nvgre(int vsid, byte[] inner)
    {
        var gre = new byte[] { 0x20, 0x00, 0x65, 0x58, (byte)(vsid >> 16), (byte)(vsid >> 8), (byte)vsid, 0 };
        return Ipv4(47, gre.Concat(inner).ToArray());
    }
}
