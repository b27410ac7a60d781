using System;

namespace Vmdq.Toolkit.Capture;

/// <summary>What the kernel reported about one frame received on a live interface (<see cref="InterfaceReceiver"/>).</summary>
public readonly struct ReceivedFrameInfo
{
    /// <summary>Creates a record.</summary>
    /// <param name="number">1-based position of the frame among the frames this receiver handed on.</param>
    /// <param name="timestampNanoseconds">Receive time in nanoseconds since the Unix epoch.</param>
    /// <param name="originalLength">The frame's length on the wire, counting a re-inserted VLAN tag.</param>
    /// <param name="vlanTagRestored">True when the kernel had taken an 802.1Q/802.1ad tag out and it was put back.</param>
    /// <param name="outgoing">True for a frame this host sent (only with <see cref="InterfaceReceiverOptions.IncludeOutgoing"/>).</param>
    public ReceivedFrameInfo(long number, long timestampNanoseconds, int originalLength, bool vlanTagRestored, bool outgoing)
    {
        Number = number;
        TimestampNanoseconds = timestampNanoseconds;
        OriginalLength = originalLength;
        VlanTagRestored = vlanTagRestored;
        Outgoing = outgoing;
    }

    /// <summary>1-based position of the frame among the frames this receiver handed on.</summary>
    public long Number { get; }

    /// <summary>Receive time in nanoseconds since 1970-01-01T00:00:00Z (the kernel's timestamp).</summary>
    public long TimestampNanoseconds { get; }

    /// <summary>The frame's length on the wire (more than the bytes handed on when the ring cut it), counting a re-inserted tag.</summary>
    public int OriginalLength { get; }

    /// <summary>True when the kernel had moved the frame's outer VLAN tag into the ring's metadata and it was re-inserted after the MAC addresses.</summary>
    public bool VlanTagRestored { get; }

    /// <summary>True for a frame this host sent on the interface rather than received.</summary>
    public bool Outgoing { get; }

    /// <summary>The frame as a <see cref="CapturedFrame"/> (Ethernet link type, interface 0) that owns a copy of <paramref name="frame"/>.</summary>
    /// <param name="frame">The bytes the handler was given with this record.</param>
    public CapturedFrame ToCapturedFrame(ReadOnlySpan<byte> frame) =>
        new((int)Math.Min(Number, int.MaxValue), TimestampNanoseconds, frame.ToArray(), OriginalLength, CaptureReader.EthernetLinkType, 0);
}

/// <summary>Receives one frame from <see cref="InterfaceReceiver.Receive"/>; <paramref name="frame"/> is valid only during the call.</summary>
/// <param name="frame">The Ethernet frame from its first byte, with its VLAN tag where the kernel had taken it out.</param>
/// <param name="info">The frame's timestamp, length and flags.</param>
public delegate void ReceivedFrameHandler(ReadOnlySpan<byte> frame, in ReceivedFrameInfo info);
