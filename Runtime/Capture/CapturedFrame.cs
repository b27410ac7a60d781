using System;

namespace Vmdq.Toolkit.Capture;

/// <summary>One frame read from a capture file.</summary>
/// <remarks>
/// Each frame owns its bytes (a fresh array per frame), so frames may be kept after reading
/// on. Only frames whose <see cref="LinkType"/> is <see cref="CaptureReader.EthernetLinkType"/>
/// start with an Ethernet header, as the classifier expects.
/// </remarks>
public readonly struct CapturedFrame
{
    /// <summary>Creates a frame record.</summary>
    /// <param name="number">1-based position of the frame in the file.</param>
    /// <param name="timestampNanoseconds">Capture time in nanoseconds since the Unix epoch (0 when the file records none).</param>
    /// <param name="data">The captured bytes.</param>
    /// <param name="originalLength">The frame's length on the wire.</param>
    /// <param name="linkType">The link-layer header type (LINKTYPE_* value).</param>
    /// <param name="interfaceId">The pcapng interface the frame came from (0 for classic pcap).</param>
    public CapturedFrame(int number, long timestampNanoseconds, ReadOnlyMemory<byte> data, long originalLength, int linkType, int interfaceId)
    {
        Number = number;
        TimestampNanoseconds = timestampNanoseconds;
        Data = data;
        OriginalLength = originalLength;
        LinkType = linkType;
        InterfaceId = interfaceId;
    }

    /// <summary>1-based position of the frame among the file's frames (non-packet blocks are not counted).</summary>
    public int Number { get; }

    /// <summary>
    /// Capture time in nanoseconds since 1970-01-01T00:00:00Z. 0 for pcapng Simple Packet Blocks,
    /// which carry no timestamp; saturates at <see cref="long.MaxValue"/> for times past 2262.
    /// </summary>
    public long TimestampNanoseconds { get; }

    /// <summary>Capture time, to the 100 ns resolution of <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.UnixEpoch.AddTicks(TimestampNanoseconds / 100);

    /// <summary>The captured bytes (possibly fewer than <see cref="OriginalLength"/> when the capture had a snap length).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The frame's length on the wire, as the file records it.</summary>
    public long OriginalLength { get; }

    /// <summary>The link-layer header type (tcpdump.org LINKTYPE_* value); 1 is Ethernet.</summary>
    public int LinkType { get; }

    /// <summary>Index of the pcapng Interface Description Block in the frame's section; 0 for classic pcap.</summary>
    public int InterfaceId { get; }

    /// <summary>True when the frame starts with an Ethernet header (<see cref="LinkType"/> is 1).</summary>
    public bool IsEthernet => LinkType == CaptureReader.EthernetLinkType;

    /// <summary>True when fewer bytes were captured than were on the wire.</summary>
    public bool IsTruncated => Data.Length < OriginalLength;
}
