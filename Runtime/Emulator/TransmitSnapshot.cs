using System;
using System.Collections.Generic;

namespace Vmdq.Toolkit.Emulator;

/// <summary>One TX queue's figures at a moment.</summary>
/// <param name="Pool">Pool index.</param>
/// <param name="Queue">Queue within the pool.</param>
/// <param name="Posted">Frames the queue accepted (descriptors posted).</param>
/// <param name="PostedBytes">Their bytes.</param>
/// <param name="Transmitted">Frames that left on the wire.</param>
/// <param name="TransmittedBytes">Their bytes, as posted.</param>
/// <param name="WireBytes">The wire time they took, in bytes (<see cref="EthernetWire.WireBytes"/>).</param>
/// <param name="Completed">Completions polled (their buffers are back in the pool).</param>
/// <param name="Drops">Frames posted to this queue and dropped, by reason.</param>
/// <param name="Occupancy">Descriptors waiting for the wire.</param>
/// <param name="AwaitingCompletion">Frames sent whose completions are not yet polled.</param>
/// <param name="Capacity">The ring's size: the most frames posted and not yet completed.</param>
/// <param name="Switched">Frames the NIC's switch delivered to local pools' RX rings only, never on the wire (VEB).</param>
/// <param name="LocalCopies">RX-ring copies the switch made of this queue's frames (a frame to N local pools makes N, flooded frames included).</param>
public readonly record struct TxQueueSnapshot(
    int Pool, int Queue, long Posted, long PostedBytes, long Transmitted, long TransmittedBytes, long WireBytes, long Completed,
    TxDropCounts Drops, int Occupancy, int AwaitingCompletion, int Capacity, long Switched = 0, long LocalCopies = 0)
{
    /// <summary>Frames offered to this queue: posted, or dropped before posting (frames the switch dropped were posted).</summary>
    public long Offered => Posted + Drops.Total - Drops.Forwarding;
}

/// <summary>
/// The transmit side's figures at a moment (<see cref="NicSnapshot.Transmit"/>): every TX queue, the port's drops and the wire.
/// </summary>
/// <param name="LineRateBitsPerSecond">The wire's line rate.</param>
/// <param name="ClockPicoseconds">The wire's simulated clock.</param>
/// <param name="BusyPicoseconds">Of that time, how much the wire spent sending (frames, preambles, gaps).</param>
/// <param name="InFlight">Frames started on the wire whose last bit has not yet left (0 or 1).</param>
/// <param name="PortDrops">Drops charged to the port (<see cref="TxDropReason.NotAttached"/>).</param>
/// <param name="Queues">Every TX queue, by pool then queue.</param>
public sealed record TransmitSnapshot(
    long LineRateBitsPerSecond, long ClockPicoseconds, long BusyPicoseconds, int InFlight, TxDropCounts PortDrops, IReadOnlyList<TxQueueSnapshot> Queues)
{
    /// <summary>Frames offered for transmit: posted, or dropped at a queue or the port.</summary>
    public long Offered => Sum(static q => q.Offered) + PortDrops.Total;

    /// <summary>Frames accepted on TX rings.</summary>
    public long Posted => Sum(static q => q.Posted);

    /// <summary>Frames that left on the wire.</summary>
    public long Transmitted => Sum(static q => q.Transmitted);

    /// <summary>Frames the switch delivered locally only (never on the wire).</summary>
    public long Switched => Sum(static q => q.Switched);

    /// <summary>RX-ring copies the switch made of transmitted frames (they count on the receive side: <see cref="NicSnapshot.IsReceiveBalanced"/>).</summary>
    public long LocalCopies => Sum(static q => q.LocalCopies);

    /// <summary>Their bytes, as posted.</summary>
    public long TransmittedBytes => Sum(static q => q.TransmittedBytes);

    /// <summary>The wire time they took, in bytes.</summary>
    public long WireBytes => Sum(static q => q.WireBytes);

    /// <summary>Descriptors waiting in TX rings for the wire.</summary>
    public long InRings => Sum(static q => q.Occupancy);

    /// <summary>Frames sent whose completions are not yet polled.</summary>
    public long AwaitingCompletion => Sum(static q => q.AwaitingCompletion);

    /// <summary>Completions polled.</summary>
    public long Completed => Sum(static q => q.Completed);

    /// <summary>All transmit drops, port and queues.</summary>
    public TxDropCounts Drops
    {
        get
        {
            var total = PortDrops;
            foreach (var queue in Queues)
            {
                total += queue.Drops;
            }

            return total;
        }
    }

    /// <summary>The share of the wire's time spent sending, 0..1 (0 before the clock moves).</summary>
    public double Utilization => ClockPicoseconds == 0 ? 0 : Math.Clamp((double)BusyPicoseconds / ClockPicoseconds, 0, 1);

    /// <summary>The wire's clock as a <see cref="TimeSpan"/> (rounded down to 100 ns).</summary>
    public TimeSpan Clock => EthernetWire.FromPicoseconds(ClockPicoseconds);

    /// <summary>
    /// True when every frame offered for transmit is accounted for: offered = transmitted + switched locally + waiting in TX rings
    /// + in flight + dropped, and every frame that left its ring (transmitted, switched, or dropped by the switch) has its completion
    /// polled or waiting to be.
    /// </summary>
    public bool IsBalanced =>
        Offered == Transmitted + Switched + InRings + InFlight + Drops.Total
        && Transmitted + Switched + Drops.Forwarding == Completed + AwaitingCompletion;

    /// <summary>The snapshot of TX queue <paramref name="queue"/> of pool <paramref name="pool"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When there is no such queue.</exception>
    public TxQueueSnapshot Queue(int pool, int queue)
    {
        foreach (var q in Queues)
        {
            if (q.Pool == pool && q.Queue == queue)
            {
                return q;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(queue), $"No TX queue {queue} in pool {pool} in this snapshot.");
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"offered {Offered}, transmitted {Transmitted} ({TransmittedBytes} B), switched {Switched} ({LocalCopies} copies), in TX rings {InRings}, in flight {InFlight}, "
        + $"awaiting completion {AwaitingCompletion}, drops {Drops.Total} ({Drops}), wire {Utilization:P1} busy at {Clock}";

    private long Sum(Func<TxQueueSnapshot, long> figure)
    {
        long total = 0;
        foreach (var queue in Queues)
        {
            total += figure(queue);
        }

        return total;
    }
}
