namespace Vmdq.Toolkit.Emulator;

/// <summary>A wire sink that counts what arrives: frames, frame bytes, wire bytes and when. For the wire thread's use (read it when the wire is idle).</summary>
public sealed class TransmitCounter : ITransmitSink
{
    /// <summary>Frames delivered.</summary>
    public long Frames { get; private set; }

    /// <summary>Their bytes as posted.</summary>
    public long Bytes { get; private set; }

    /// <summary>The wire time they took, in bytes (preamble, padding, FCS and gap included).</summary>
    public long WireBytes { get; private set; }

    /// <summary>When the first one started, in wire-clock picoseconds (-1 before any).</summary>
    public long FirstStartPicoseconds { get; private set; } = -1;

    /// <summary>When the last one's last FCS bit left, in wire-clock picoseconds (-1 before any).</summary>
    public long LastEndPicoseconds { get; private set; } = -1;

    /// <inheritdoc />
    public void Deliver(in TransmittedFrame frame)
    {
        if (Frames == 0)
        {
            FirstStartPicoseconds = frame.StartPicoseconds;
        }

        Frames++;
        Bytes += frame.Data.Length;
        WireBytes += frame.WireBytes;
        LastEndPicoseconds = frame.EndPicoseconds;
    }

    /// <inheritdoc />
    public void Flush()
    {
    }
}
