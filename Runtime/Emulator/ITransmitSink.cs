namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// What is at the other end of a NIC's wire (<see cref="NicEmulator.WireSink"/>): a <see cref="TransmitCounter"/>,
/// a capture file (<see cref="PcapNgTransmitSink"/>), another NIC's receive path (<see cref="NicEmulator.AsTransmitSink"/>),
/// or your own. Called on the thread running the wire (<see cref="NicEmulator.AdvanceWire"/>, <see cref="NicEmulator.DrainWire"/>).
/// </summary>
public interface ITransmitSink
{
    /// <summary>
    /// One frame whose last bit has left the NIC, in wire order. Its bytes are the sending VM's buffer: read (or copy)
    /// them now; the buffer goes back to the pool once the VM polls the frame's completion, after this returns.
    /// </summary>
    void Deliver(in TransmittedFrame frame);

    /// <summary>Called once at the end of every run of the wire that may have delivered frames (batching sinks finish their batch here).</summary>
    void Flush();
}
