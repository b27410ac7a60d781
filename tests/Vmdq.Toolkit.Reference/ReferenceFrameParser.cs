namespace Vmdq.Rules.Reference;

/// <summary>
/// The oracle for frame parsing: a plain, branchy reading of the rules-language spec's "Frame
/// parsing" section, written for clarity, not speed. The fast parser (the runtime's branch-free
/// <c>FrameParser</c>) and generated dispatchers are tested against it.
/// </summary>
/// <remarks>Never throws and never reads outside <c>frame</c>: every read is preceded by a check that its bytes are there.</remarks>
internal static class ReferenceFrameParser
{
    /// <summary>The default VXLAN UDP port (IANA).</summary>
    public const int DefaultVxlanPort = 4789;

    private const int TpidSTag = 0x88A8;
    private const int TpidCTag = 0x8100;
    private const int EtherTypeIPv4 = 0x0800;
    private const int EtherTypeIPv6 = 0x86DD;
    private const int ProtocolUdp = 17;
    private const int ProtocolGre = 47;
    private const int GreProtocolTransparentEthernet = 0x6558;

    /// <summary>Reads the fields rules match on from <paramref name="frame"/>.</summary>
    /// <param name="frame">An Ethernet frame from its first byte; any length, including 0. Null reads as empty.</param>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN (the rules file's <c>vxlan-port</c>).</param>
    public static ReferenceFrameFields Parse(byte[] frame, int vxlanPort = DefaultVxlanPort)
    {
        frame ??= new byte[0];
        var f = new Fields();

        // 1. "dst = bytes 0..5, present when the frame has at least 6 bytes."
        if (!Has(frame, 0, 6))
        {
            return f.ToRecord();
        }

        f.Dst = Mac48(frame, 0);

        // "Below 14 bytes nothing else is read."
        if (frame.Length < 14)
        {
            return f.ToRecord();
        }

        // 2. "Tags at offset 12. A tag counts only when its whole TCI is inside the frame.
        //    At most one S-tag (TPID 0x88A8, svid), then at most one C-tag (TPID 0x8100, cvid);
        //    whatever two bytes follow are the EtherType."
        int at = 12;
        int? outermostTci = null;
        if (Be16(frame, at) == TpidSTag && Has(frame, at + 2, 2))
        {
            int tci = Be16(frame, at + 2);
            f.Svid = tci & 0xFFF;
            outermostTci = tci;
            at += 4;
        }

        if (Has(frame, at, 2) && Be16(frame, at) == TpidCTag && Has(frame, at + 2, 2))
        {
            int tci = Be16(frame, at + 2);
            f.Cvid = tci & 0xFFF;
            outermostTci ??= tci;
            at += 4;
        }

        // "pcp is the outermost tag's priority (3 bits); the DEI bit is ignored."
        if (outermostTci is { } outer)
        {
            f.Pcp = outer >> 13;
        }

        if (!Has(frame, at, 2))
        {
            return f.ToRecord();
        }

        int etherType = Be16(frame, at);
        int l3 = at + 2;

        // 3. "After the tags, EtherType 0x0800 (IPv4) or 0x86DD (IPv6); an EtherType whose version
        //    nibble disagrees is invalid." Anything else (0x8100 after C+C, 0x9100, ARP...) carries no tunnel.
        int protocol;
        int l4;
        if (etherType == EtherTypeIPv4)
        {
            // "IPv4: version 4, IHL >= 5, all IHL x 4 header bytes present, fragment offset 0."
            if (!Has(frame, l3, 1) || frame[l3] >> 4 != 4)
            {
                return f.ToRecord();
            }

            int headerBytes = (frame[l3] & 0x0F) * 4;
            if (headerBytes < 20 || !Has(frame, l3, headerBytes))
            {
                return f.ToRecord();
            }

            // "a first fragment, MF=1 offset 0, is parsed; a non-first fragment carries no tunnel."
            int fragmentOffset = Be16(frame, l3 + 6) & 0x1FFF;
            if (fragmentOffset != 0)
            {
                return f.ToRecord();
            }

            // "The protocol is the IPv4 protocol field." Total length is never read.
            protocol = frame[l3 + 9];
            l4 = l3 + headerBytes;
        }
        else if (etherType == EtherTypeIPv6)
        {
            // "IPv6: version 6, the 40-byte fixed header present; the protocol is its next-header
            //  field. Extension headers are not followed." Payload length is never read.
            if (!Has(frame, l3, 40) || frame[l3] >> 4 != 6)
            {
                return f.ToRecord();
            }

            protocol = frame[l3 + 6];
            l4 = l3 + 40;
        }
        else
        {
            return f.ToRecord();
        }

        int inner;
        if (protocol == ProtocolUdp)
        {
            // 4. "VXLAN: protocol 17, UDP destination port (the source port is ignored) == vxlan-port,
            //    the whole 8-byte VXLAN header present, I flag (0x08 in its first byte) set; other flag
            //    and reserved bits are ignored." The UDP header is 8 bytes; VXLAN follows it.
            int vxlan = l4 + 8;
            if (!Has(frame, vxlan, 8) || Be16(frame, l4 + 2) != vxlanPort || (frame[vxlan] & 0x08) == 0)
            {
                return f.ToRecord();
            }

            // "vni = 24 bits at VXLAN header bytes 4..6."
            f.Vni = (frame[vxlan + 4] << 16) | (frame[vxlan + 5] << 8) | frame[vxlan + 6];
            inner = vxlan + 8;
        }
        else if (protocol == ProtocolGre)
        {
            // 5. "NVGRE: protocol 47, the whole 8-byte GRE header (flags/version, protocol type, key)
            //    present, K (0x2000) set, C (0x8000) and S (0x1000) clear, version 0, protocol type 0x6558."
            if (!Has(frame, l4, 8))
            {
                return f.ToRecord();
            }

            int flags = Be16(frame, l4);
            bool keyPresent = (flags & 0x2000) != 0;
            bool checksumPresent = (flags & 0x8000) != 0;
            bool sequencePresent = (flags & 0x1000) != 0;
            int version = flags & 0x0007;
            if (!keyPresent || checksumPresent || sequencePresent || version != 0
                || Be16(frame, l4 + 2) != GreProtocolTransparentEthernet)
            {
                return f.ToRecord();
            }

            // "vsid = upper 24 bits of the key, flowid = its low 8 bits."
            f.Vsid = (frame[l4 + 4] << 16) | (frame[l4 + 5] << 8) | frame[l4 + 6];
            f.FlowId = frame[l4 + 7];
            inner = l4 + 8;
        }
        else
        {
            // "IP-in-IP (protocols 4 and 41) is not followed", nor is anything else.
            return f.ToRecord();
        }

        // 6. "inner = its dst MAC, present when its 6 bytes are in the frame, even if the rest is cut."
        if (Has(frame, inner, 6))
        {
            f.InnerDst = Mac48(frame, inner);
        }

        // "inner_vid = the VID of an inner C-tag (TPID 0x8100 right after the inner MACs, TCI
        //  complete). Inner S-tags are not parsed."
        int innerTag = inner + 12;
        if (Has(frame, innerTag, 4) && Be16(frame, innerTag) == TpidCTag)
        {
            f.InnerVid = Be16(frame, innerTag + 2) & 0xFFF;
        }

        return f.ToRecord();
    }

    /// <summary>True when bytes [offset, offset + count) all lie inside the frame.</summary>
    private static bool Has(byte[] frame, int offset, int count) =>
        offset >= 0 && count >= 0 && (long)offset + count <= frame.Length;

    /// <summary>Big-endian 16 bits; the caller has checked that both bytes are there.</summary>
    private static int Be16(byte[] frame, int offset) => (frame[offset] << 8) | frame[offset + 1];

    /// <summary>Six octets as a 48-bit number, first octet most significant; the caller has checked they are there.</summary>
    private static ulong Mac48(byte[] frame, int offset)
    {
        ulong mac = 0;
        for (int i = 0; i < 6; i++)
        {
            mac = (mac << 8) | frame[offset + i];
        }

        return mac;
    }

    /// <summary>Mutable scratch for the fields found so far.</summary>
    private sealed class Fields
    {
        public ulong? Dst;
        public int? Svid;
        public int? Cvid;
        public int? Pcp;
        public int? Vni;
        public int? Vsid;
        public int? FlowId;
        public ulong? InnerDst;
        public int? InnerVid;

        public ReferenceFrameFields ToRecord() => new(Dst, Svid, Cvid, Pcp, Vni, Vsid, FlowId, InnerDst, InnerVid);
    }
}
