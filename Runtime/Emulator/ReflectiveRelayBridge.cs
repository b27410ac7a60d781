using System;
using System.Buffers.Binary;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// The bridge port a VEPA station is cabled to, in reflective relay (IEEE 802.1Qbg; 802.1Q 8.6.1 lets such a port send a
/// frame back out the port it came in on). Set it as the station's <see cref="NicEmulator.WireSink"/>: a unicast frame for a
/// local station of the NIC (its L2 forwarding data names a pool for the frame's destination MAC and VLAN, as the station's
/// VSIs would be registered with the bridge by VDP) is sent back to the station; a broadcast or multicast frame is sent back
/// and on; anything else goes on to <see cref="Onward"/>. The station forwards a reflected frame by its own L2 lookup and
/// filters out the copy for the pool that sent it (by source MAC). Reflective relay is a setting of the bridge port: it applies
/// to a station in VEPA mode; with S-channels (IEEE 802.1Qbg-2012 clause 40) the frame's outer S-tag selects the channel's port,
/// reflective on the channels in VEPA mode only; other frames are passed on.
/// </summary>
/// <remarks>
/// A reflected frame crosses the wire twice: out (counted by the station's wire) and back (<see cref="Reflected"/>). The way
/// back is the other direction of a full-duplex link and takes no time of the station's transmit wire. Called on the
/// station's wire thread.
/// </remarks>
public sealed class ReflectiveRelayBridge : ITransmitSink
{
    private readonly NicEmulator _station;
    private long _reflected;
    private long _forwarded;

    /// <summary>Creates the bridge port for <paramref name="station"/>; frames not reflected go to <paramref name="onward"/> (the rest of the network), or nowhere.</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="station"/> is null.</exception>
    public ReflectiveRelayBridge(NicEmulator station, ITransmitSink? onward = null)
    {
        _station = station ?? throw new ArgumentNullException(nameof(station));
        Onward = onward;
    }

    /// <summary>Where frames that are not only for local stations go (group frames too), or null.</summary>
    public ITransmitSink? Onward { get; }

    /// <summary>Frames sent back to the station (their second crossing of the wire).</summary>
    public long Reflected => Volatile.Read(ref _reflected);

    /// <summary>Frames passed on to <see cref="Onward"/> (counted when there is none too).</summary>
    public long Forwarded => Volatile.Read(ref _forwarded);

    /// <inheritdoc />
    public void Deliver(in TransmittedFrame frame)
    {
        ReadOnlySpan<byte> data = frame.IncludesFcs ? frame.Data[..^EthernetWire.FcsBytes] : frame.Data;
        bool reflect;
        bool onward;
        if (data.Length < 14)
        {
            (reflect, onward) = (false, true);
        }
        else
        {
            ulong dst = BinaryPrimitives.ReadUInt64BigEndian(data) >> 16;
            bool group = (dst & 0x0100_0000_0000UL) != 0;
            L2ForwardingTable l2 = _station.Info.L2Forwarding;

            // The S-VID selects the S-channel, each a port of its own with reflective relay on when the station runs a VEPA behind
            // it (IEEE 802.1Qbg-2012 clause 40; the untagged channel's mode is the station's switch mode). A frame of a VEB or vsi
            // channel, or of an S-VID the station does not declare, is only passed on.
            int channel = 0;
            if (l2.HasChannels && data.Length >= 16 && BinaryPrimitives.ReadUInt16BigEndian(data[12..]) == 0x88A8)
            {
                channel = l2.ChannelOfSvid(BinaryPrimitives.ReadUInt16BigEndian(data[14..]) & 0x0FFF);
            }

            bool relay = channel >= 0 && l2.ModeOf(channel, _station.Switching) == SwitchMode.Vepa;
            L2Filter? hit = relay ? l2.Lookup(dst, VlanOf(data[(channel > 0 ? 4 : 0)..]), channel) : null;
            reflect = relay && (group || hit is { IsDrop: false });
            onward = group || !reflect;
        }

        if (reflect)
        {
            Volatile.Write(ref _reflected, _reflected + 1);
            _station.ReceiveReflected(data);
        }

        if (onward)
        {
            Volatile.Write(ref _forwarded, _forwarded + 1);
            Onward?.Deliver(frame);
        }
    }

    /// <inheritdoc />
    public void Flush() => Onward?.Flush();

    /// <summary>The C-VID as the station reads it (an optional S-tag, then an optional C-tag); with <paramref name="frame"/> past a declared channel's S-tag (its MACs then overlap the tag: only offsets 12 on matter).</summary>
    private static int VlanOf(ReadOnlySpan<byte> frame)
    {
        int at = 12;
        if (frame.Length >= at + 4 && BinaryPrimitives.ReadUInt16BigEndian(frame[at..]) == 0x88A8)
        {
            at += 4;
        }

        return frame.Length >= at + 4 && BinaryPrimitives.ReadUInt16BigEndian(frame[at..]) == 0x8100
            ? BinaryPrimitives.ReadUInt16BigEndian(frame[(at + 2)..]) & 0x0FFF
            : L2ForwardingTable.Untagged;
    }
}
