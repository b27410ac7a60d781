using System;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// The receive side of a NIC as a wire sink (<see cref="NicEmulator.AsTransmitSink"/>): two emulated NICs back to
/// back. Frames arrive as the wire carries them (padded to 60 bytes, the FCS stripped as the receiving NIC's CRC
/// strip does), are landed (the one copy, into the receiving NIC's buffers) and classified in bursts of
/// <see cref="NicOptions.MaxBurst"/>, exactly as <see cref="NicEmulator.ReceiveBurst(ReadOnlySpan{ReadOnlyMemory{byte}})"/>
/// would; the last partial burst at each <see cref="Flush"/>.
/// </summary>
/// <remarks>
/// From a frame's first arrival to the end of the wire's run, the sending wire's thread is the receiving
/// NIC's receive thread: a <c>ReceiveBurst</c> from another thread meanwhile gets an <see cref="InvalidOperationException"/>.
/// </remarks>
internal sealed class NicReceiveSink : ITransmitSink
{
    private readonly NicEmulator _nic;
    private bool _open;

    public NicReceiveSink(NicEmulator nic) => _nic = nic;

    public void Deliver(in TransmittedFrame frame)
    {
        if (!_open)
        {
            _nic.BeginWireReceive();
            _open = true;
        }

        _nic.LandFromWire(frame.IncludesFcs ? frame.Data[..^EthernetWire.FcsBytes] : frame.Data);
    }

    public void Flush()
    {
        if (_open)
        {
            _open = false;
            _nic.EndWireReceive();
        }
    }
}
