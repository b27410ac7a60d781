using System.Linq;
using Vmdq.Rules.Reference;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The EtherType alone decides which IP header is read (spec, "Frame parsing" 3): a payload that looks
/// like IPv4 behind a non-IPv4 EtherType, or like IPv6 behind a non-IPv6 one, carries no tunnel, at
/// either header's offsets. Each negative case has a positive twin with the right EtherType, so the
/// tests also fail if tunnels are never found.
/// </summary>
public class EtherTypeMismatchTests
{
    private const string Dst = "02:00:00:00:00:01";
    private const int Vni = 0x123456;

    /// <summary>A 40-byte "IP header" whose first byte is <paramref name="versionIhl"/>, byte 6 (IPv6 next header) and byte 9 (IPv4 protocol) both <paramref name="protocol"/>.</summary>
    private static byte[] IpHeader(byte versionIhl, int protocol, int length, bool both = true)
    {
        var header = new byte[length];
        header[0] = versionIhl;
        bool v6 = versionIhl >> 4 == 6;
        if (both || v6)
        {
            header[6] = (byte)protocol;  // IPv6 next header; for IPv4, flags and fragment offset high bits
        }

        if (both || !v6)
        {
            header[9] = (byte)protocol;  // IPv4 protocol
        }

        return header;
    }

    private static byte[] Vxlan() => TestFrames.VxlanPayload(Vni, TestFrames.Inner("52:54:00:12:34:56"));

    private static byte[] Nvgre() => TestFrames.NvgrePayload(Vni, TestFrames.Inner("52:54:00:12:34:56"), flowId: 7);

    /// <summary>The tunnel (VXLAN over UDP 17, or NVGRE over GRE 47) placed where a <paramref name="headerLength"/>-byte IP header ends.</summary>
    private static byte[] Frame(int etherType, byte versionIhl, int headerLength, bool vxlan, bool both = true) =>
        TestFrames.Ethernet(Dst, etherType, IpHeader(versionIhl, vxlan ? 17 : 47, headerLength, both).Concat(vxlan ? Vxlan() : Nvgre()).ToArray());

    private static (int? Vni, int? Vsid, ulong? Inner) Tunnel(byte[] frame)
    {
        var fast = CorpusFrame.From(FrameParser.Parse(frame));
        var reference = ReferenceFrameParser.Parse(frame);
        Assert.Equal(CorpusFrame.From(reference), fast);
        return (reference.Vni, reference.Vsid, reference.InnerDst);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ATunnelIsFoundBehindTheMatchingEtherType(bool vxlan)
    {
        // Controls: IPv4 (IHL 5) with the tunnel at offset 20, IPv6 with it at offset 40; each header
        // has the protocol in its own field only (in IPv4's byte 6 it would make a non-first fragment).
        var v4 = Tunnel(Frame(0x0800, 0x45, 20, vxlan, both: false));
        var v6 = Tunnel(Frame(0x86DD, 0x60, 40, vxlan, both: false));
        foreach (var t in new[] { v4, v6 })
        {
            Assert.Equal(vxlan ? Vni : null, t.Vni);
            Assert.Equal(vxlan ? null : Vni, t.Vsid);
            Assert.Equal(0x525400123456UL, t.Inner);
        }
    }

    [Theory]
    // An IPv4-looking payload (version 4, IHL 5) behind IPv6's EtherType, tunnel at IPv4's or IPv6's offsets.
    [InlineData(0x86DD, 0x45, 20, true)]
    [InlineData(0x86DD, 0x45, 40, true)]
    [InlineData(0x86DD, 0x45, 40, false)]
    // Behind a non-IP EtherType (ARP, and 0x0801 one bit from IPv4).
    [InlineData(0x0806, 0x45, 20, true)]
    [InlineData(0x0806, 0x45, 40, true)]
    [InlineData(0x0801, 0x45, 20, false)]
    [InlineData(0x0801, 0x45, 40, false)]
    // An IPv6-looking payload behind IPv4's EtherType, or a non-IP one.
    [InlineData(0x0800, 0x60, 40, true)]
    [InlineData(0x0800, 0x65, 20, true)]
    [InlineData(0x86DC, 0x60, 40, false)]
    public void NoTunnelBehindAnEtherTypeThatDisagreesWithThePayload(int etherType, byte versionIhl, int headerLength, bool vxlan)
    {
        var t = Tunnel(Frame(etherType, versionIhl, headerLength, vxlan));
        Assert.Equal((null, null, null), t);
    }

    [Fact]
    public void TheSameHoldsBehindTags()
    {
        byte[] payload = IpHeader(0x45, 17, 40).Concat(Vxlan()).ToArray();
        var tagged = TestFrames.Ethernet(Dst, 0x86DD, payload, (0x88A8, 10), (0x8100, 20));
        Assert.Equal((null, null, null), Tunnel(tagged));
        var control = TestFrames.Ethernet(Dst, 0x86DD, IpHeader(0x60, 17, 40).Concat(Vxlan()).ToArray(), (0x88A8, 10), (0x8100, 20));
        Assert.Equal(Vni, Tunnel(control).Vni);
    }
}
