using System;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// What a frame costs on an Ethernet wire (IEEE 802.3 clause 4.4.2): preamble and SFD, the frame padded to
/// the minimum size, its FCS, and the inter-frame gap. The emulated wire charges exactly this per frame.
/// </summary>
public static class EthernetWire
{
    /// <summary>Preamble (7 bytes) and start frame delimiter (1 byte).</summary>
    public const int PreambleBytes = 8;

    /// <summary>The frame check sequence (CRC-32).</summary>
    public const int FcsBytes = 4;

    /// <summary>The minimum inter-frame gap: 96 bit times.</summary>
    public const int InterFrameGapBytes = 12;

    /// <summary>The minimum frame, FCS included; shorter frames are padded to it.</summary>
    public const int MinimumFrameBytes = 64;

    /// <summary>The minimum frame without its FCS: a receiver gets a shorter frame padded with zeros to this length.</summary>
    internal const int MinimumFrameBytesWithoutFcs = MinimumFrameBytes - FcsBytes;

    /// <summary>Picoseconds per second: the wire clock's unit.</summary>
    public const long PicosecondsPerSecond = 1_000_000_000_000;

    /// <summary>Bytes of the frame itself on the wire: padded to <see cref="MinimumFrameBytes"/>, FCS included.</summary>
    /// <param name="length">The frame's length as posted.</param>
    /// <param name="includesFcs">Whether <paramref name="length"/> already counts the FCS.</param>
    public static int FrameBytes(int length, bool includesFcs) =>
        Math.Max(length + (includesFcs ? 0 : FcsBytes), MinimumFrameBytes);

    /// <summary>
    /// Bytes of wire time a frame takes: preamble and SFD, the padded frame with its FCS, and the inter-frame gap
    /// (a 64-byte frame takes 84, so 10 Gb/s carries at most 14,880,952 of them a second).
    /// </summary>
    /// <param name="length">The frame's length as posted.</param>
    /// <param name="includesFcs">Whether <paramref name="length"/> already counts the FCS.</param>
    public static int WireBytes(int length, bool includesFcs) =>
        PreambleBytes + FrameBytes(length, includesFcs) + InterFrameGapBytes;

    /// <summary>A <see cref="TimeSpan"/> in wire-clock picoseconds.</summary>
    public static long ToPicoseconds(TimeSpan time) => checked(time.Ticks * (PicosecondsPerSecond / TimeSpan.TicksPerSecond));

    /// <summary>Wire-clock picoseconds as a <see cref="TimeSpan"/> (rounded down to its 100 ns ticks).</summary>
    public static TimeSpan FromPicoseconds(long picoseconds) => TimeSpan.FromTicks(picoseconds / (PicosecondsPerSecond / TimeSpan.TicksPerSecond));

    /// <summary>
    /// A frame as a receiver gets it from the wire: itself when it has at least <see cref="MinimumFrameBytesWithoutFcs"/> bytes,
    /// else a copy in <paramref name="scratch"/> padded with zeros to that length (the sender padded it to the 64-byte minimum).
    /// </summary>
    /// <param name="frame">The frame as sent, without its FCS.</param>
    /// <param name="scratch">At least <see cref="MinimumFrameBytesWithoutFcs"/> bytes the caller owns (e.g. on its stack).</param>
    internal static ReadOnlySpan<byte> PadShort(ReadOnlySpan<byte> frame, Span<byte> scratch)
    {
        if (frame.Length >= MinimumFrameBytesWithoutFcs)
        {
            return frame;
        }

        Span<byte> padded = scratch[..MinimumFrameBytesWithoutFcs];
        padded.Clear();
        frame.CopyTo(padded);
        return padded;
    }
}
