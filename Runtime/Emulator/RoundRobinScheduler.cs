namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// One frame per backlogged TX queue in turn, over every queue of every pool (pool-major order), starting
/// after the queue served last: each backlogged queue gets an equal share of frames (not of bytes).
/// </summary>
internal sealed class RoundRobinScheduler : ITransmitScheduler
{
    private int _next;

    public int Next(TxQueue[] queues, long now, out long eligibleAt)
    {
        eligibleAt = long.MaxValue;
        int count = queues.Length;
        int start = _next;
        for (int k = 0; k < count; k++)
        {
            int i = start + k;
            i -= i >= count ? count : 0;
            if (!queues[i].Pending.IsEmpty)
            {
                _next = i + 1 == count ? 0 : i + 1;
                return i;
            }
        }

        return -1;
    }
}
