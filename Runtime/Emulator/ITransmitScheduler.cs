namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// Decides which TX queue's head frame goes on the wire next: the seam between the TX rings and the wire.
/// The NIC asks it once per frame, each time the wire falls idle, from the wire thread only, and sends the head
/// frame of the queue it names at once (so a scheduler may charge that frame when it names its queue).
/// </summary>
/// <remarks>
/// <see cref="RoundRobinScheduler"/> when the rules say nothing about transmit; <see cref="EtsScheduler"/> (IEEE 802.1Qaz
/// strict priority and ETS, per-pool rate limits) when they declare traffic classes, pool shares or pool rates.
/// </remarks>
internal interface ITransmitScheduler
{
    /// <summary>
    /// The index in <paramref name="queues"/> (<c>pool * QueuesPerPool + queue</c>) of the queue to send from at
    /// <paramref name="now"/>, or -1 when no queue may send now. Then <paramref name="eligibleAt"/> is the earliest
    /// clock at which a backlogged queue held back by its rate limit may send, or <see cref="long.MaxValue"/> when
    /// every queue is empty.
    /// </summary>
    /// <param name="queues">Every TX queue of the NIC, pool-major.</param>
    /// <param name="now">The wire clock (picoseconds) at which the frame would start.</param>
    /// <param name="eligibleAt">When -1 is returned: when to ask again (<see cref="long.MaxValue"/>: only after a post).</param>
    int Next(TxQueue[] queues, long now, out long eligibleAt);
}
