namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// Decides which TX queue's head frame goes on the wire next: the seam between the TX rings and the wire.
/// The NIC asks it once per frame, each time the wire falls idle, from the wire thread only.
/// </summary>
/// <remarks>
/// <see cref="RoundRobinScheduler"/> is the only policy for now; DCB's ETS shares and strict priority
/// (IEEE 802.1Qaz) are further implementations of this interface.
/// </remarks>
internal interface ITransmitScheduler
{
    /// <summary>The index in <paramref name="queues"/> (<c>pool * QueuesPerPool + queue</c>) of the queue to send from, or -1 when every queue is empty.</summary>
    int Next(TxQueue[] queues);
}
