using System.Runtime.InteropServices;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// One RX descriptor: which pool buffer holds a received frame, how long the frame is, the verdict
/// that routed it and where it was queued. 32 bytes, two per cache line; the frame itself stays in
/// the buffer (read it with <see cref="NicEmulator.GetFrame(in RxDescriptor)"/>, which does not copy).
/// </summary>
/// <remarks>
/// A replicated (broadcast/multicast) frame yields one descriptor per pool, all naming the same
/// buffer; each must be released once.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly struct RxDescriptor
{
    /// <summary>Creates a descriptor (the NIC does this; tests and custom rings may too).</summary>
    public RxDescriptor(long sequence, Verdict verdict, int bufferIndex, int length, int generation, int pool, int queue)
    {
        Sequence = sequence;
        Verdict = verdict;
        BufferIndex = bufferIndex;
        Length = length;
        Generation = generation;
        Pool = (short)pool;
        Queue = (short)queue;
    }

    /// <summary>Arrival number of the frame on the port (0, 1, 2, ... in receive order; replicas share it).</summary>
    public long Sequence { get; }

    /// <summary>The classifier's verdict (its rule line says which rule routed the frame).</summary>
    public Verdict Verdict { get; }

    /// <summary>Index of the pool buffer holding the frame.</summary>
    public int BufferIndex { get; }

    /// <summary>Frame length in bytes.</summary>
    public int Length { get; }

    /// <summary>The buffer's generation when the frame landed; a release with an older generation is a stale-descriptor error.</summary>
    public int Generation { get; }

    /// <summary>The pool whose ring the descriptor was queued on.</summary>
    public short Pool { get; }

    /// <summary>The queue (within <see cref="Pool"/>) whose ring the descriptor was queued on; differs from the verdict's queue after a rebinding.</summary>
    public short Queue { get; }

    /// <inheritdoc />
    public override string ToString() => $"#{Sequence} buffer {BufferIndex} ({Length} B) pool {Pool} queue {Queue}: {Verdict}";
}
