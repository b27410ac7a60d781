namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// A frame a VM wrote into a buffer it rented (<see cref="VmConsumer.TryRentTxBuffer(out int)"/>), handed to
/// <see cref="VmConsumer.TransmitBurst(int, System.ReadOnlySpan{TxFrame})"/> without any copy: the TX descriptor's
/// content.
/// </summary>
/// <param name="BufferIndex">The rented buffer.</param>
/// <param name="Length">Bytes of the frame, from the buffer's start (destination MAC on).</param>
/// <param name="IncludesFcs">
/// True when the frame's last 4 bytes are its FCS; false (the usual case) when the NIC appends it, as the
/// 82599's per-descriptor IFCS ("insert FCS") bit asks. Decides the frame's wire time (<see cref="EthernetWire"/>).
/// </param>
public readonly record struct TxFrame(int BufferIndex, int Length, bool IncludesFcs = false);
