using System;
using System.IO;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// A wire sink that writes every frame to a pcapng file (Wireshark, tshark and <see cref="CaptureReader"/> read it),
/// stamped with the wire clock: the time its last FCS bit left, in nanoseconds after <see cref="ClockZero"/>.
/// The bytes are the frame as posted (no padding, FCS only if the VM wrote one), as a capture on the NIC would show.
/// </summary>
public sealed class PcapNgTransmitSink : ITransmitSink, IDisposable
{
    private readonly PcapNgWriter _writer;
    private readonly long _zeroNanoseconds;

    /// <summary>Starts the file.</summary>
    /// <param name="stream">Where to write; the sink owns it and closes it on <see cref="Dispose"/>.</param>
    /// <param name="clockZero">The moment wire clock 0 stands for in the file's timestamps; the Unix epoch when null.</param>
    /// <exception cref="ArgumentNullException">When <paramref name="stream"/> is null.</exception>
    public PcapNgTransmitSink(Stream stream, DateTimeOffset? clockZero = null)
    {
        _writer = new PcapNgWriter(stream);
        ClockZero = clockZero ?? DateTimeOffset.UnixEpoch;
        _zeroNanoseconds = (ClockZero - DateTimeOffset.UnixEpoch).Ticks * 100;
    }

    /// <summary>The moment wire clock 0 stands for.</summary>
    public DateTimeOffset ClockZero { get; }

    /// <summary>Frames written so far.</summary>
    public long Count => _writer.Count;

    /// <inheritdoc />
    public void Deliver(in TransmittedFrame frame) =>
        _writer.Write(_zeroNanoseconds + (frame.EndPicoseconds / 1000), frame.Data, frame.Data.Length);

    /// <summary>Flushes the file at the end of every run of the wire, so a reader sees the frames sent so far.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>Closes the file.</summary>
    public void Dispose() => _writer.Dispose();
}
