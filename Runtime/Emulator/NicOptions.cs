namespace Vmdq.Toolkit.Emulator;

/// <summary>How to build a <see cref="NicEmulator"/> beyond what the dispatcher's geometry says.</summary>
public sealed class NicOptions
{
    /// <summary>Bytes per buffer, 64..65536: the largest frame accepted. <see cref="BufferPool.DefaultBufferSize"/> (2048) by default; <see cref="BufferPool.JumboBufferSize"/> (9216) for jumbo frames.</summary>
    public int BufferSize { get; init; } = BufferPool.DefaultBufferSize;

    /// <summary>
    /// Number of buffers, shared by receive and transmit. Null (the default) means one per RX and TX ring
    /// descriptor plus one burst (<c>2 x PoolCount x QueuesPerPool x RingSize + MaxBurst</c>), capped at
    /// <see cref="DefaultBufferCountCap"/>.
    /// </summary>
    public int? BufferCount { get; init; }

    /// <summary>The cap on the default <see cref="BufferCount"/> (32 MB of 2048-byte buffers).</summary>
    public const int DefaultBufferCountCap = 16384;

    /// <summary>
    /// Frames classified per batch, 1..4096 (<see cref="DefaultMaxBurst"/> by default). Longer bursts are processed in chunks of
    /// this size; each ring a chunk reaches gets its descriptors published once, at the chunk's end.
    /// </summary>
    /// <remarks>
    /// A chunk is the NIC's classification batch, not a DPDK per-queue receive burst: it spreads over every ring of the NIC,
    /// and publishing a ring (its tail, epoch, counters and congestion check) costs about the same for one descriptor as
    /// for many. With 64 pools of 4 queues, chunks of 32 frames published about one ring per frame; 256 share each publish
    /// among several frames (docs/performance.md, "The emulator's chunk"). Set 32 for DPDK's usual burst.
    /// </remarks>
    public int MaxBurst { get; init; } = DefaultMaxBurst;

    /// <summary>The default <see cref="MaxBurst"/>: 256 frames.</summary>
    public const int DefaultMaxBurst = 256;

    /// <summary>A ring is congested once its occupancy reaches this fraction of its size (0.8 by default). Must exceed <see cref="LowWatermark"/>.</summary>
    public double HighWatermark { get; init; } = 0.8;

    /// <summary>A congested ring is clear again once its occupancy falls to this fraction of its size or below (0.5 by default).</summary>
    public double LowWatermark { get; init; } = 0.5;

    /// <summary>
    /// The wire's line rate in bits per second, 1,000..1,600,000,000,000 (10 Gb/s by default): the transmit side
    /// drains its TX rings at this rate on the simulated clock (<see cref="NicEmulator.AdvanceWire"/>).
    /// </summary>
    public long LineRateBitsPerSecond { get; init; } = DefaultLineRateBitsPerSecond;

    /// <summary>The default <see cref="LineRateBitsPerSecond"/>: 10 Gb/s.</summary>
    public const long DefaultLineRateBitsPerSecond = 10_000_000_000;

    /// <summary>The highest <see cref="LineRateBitsPerSecond"/>: 1.6 Tb/s.</summary>
    public const long MaxLineRateBitsPerSecond = 1_600_000_000_000;

    /// <summary>The NIC's name in metrics (the <c>vmdq.nic</c> meter tag); the dispatcher's name when null.</summary>
    public string? Name { get; init; }
}
