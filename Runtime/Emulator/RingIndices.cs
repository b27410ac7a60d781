using System.Runtime.InteropServices;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// The producer's and the consumer's indices of a <see cref="DescriptorRing{T}"/>, each on its own
/// cache line so the two threads never write the same line (no false sharing).
/// </summary>
/// <remarks>
/// 128-byte lines: x64 prefetches pairs of 64-byte lines, and Apple/ARM64 parts use 128-byte lines.
/// The first line is padding that keeps the indices away from whatever precedes the struct.
/// Each side also keeps a cached copy of the other side's index on its own line, so it reads the
/// shared index only when the cached one says the ring is full (producer) or empty (consumer).
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 3 * CacheLine)]
internal struct RingIndices
{
    internal const int CacheLine = 128;

    /// <summary>Producer-owned: the next slot to write (monotonic, never wraps in practice).</summary>
    [FieldOffset(CacheLine)]
    public long Tail;

    /// <summary>Producer-private: the last <see cref="Head"/> the producer read.</summary>
    [FieldOffset(CacheLine + 8)]
    public long CachedHead;

    /// <summary>Consumer-owned: the next slot to read.</summary>
    [FieldOffset(2 * CacheLine)]
    public long Head;

    /// <summary>Consumer-private: the last <see cref="Tail"/> the consumer read.</summary>
    [FieldOffset(2 * CacheLine + 8)]
    public long CachedTail;
}
