using System.Runtime.InteropServices;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// A TX completion: a frame the VM posted has left the NIC (its descriptor is done). Returned by
/// <see cref="VmConsumer.PollCompletions"/>, which has already given the frame's buffer back to the pool.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct TxCompletion
{
    /// <summary>Creates a completion (the NIC does this).</summary>
    public TxCompletion(long sequence, int bufferIndex, int length, int pool, int queue, long startPicoseconds, long endPicoseconds)
    {
        Sequence = sequence;
        BufferIndex = bufferIndex;
        Length = length;
        Pool = (short)pool;
        Queue = (short)queue;
        StartPicoseconds = startPicoseconds;
        EndPicoseconds = endPicoseconds;
    }

    /// <summary>The frame's number on its TX queue (0, 1, 2, ... in the order the queue accepted frames).</summary>
    public long Sequence { get; }

    /// <summary>The buffer the frame was sent from (back in the pool by the time the VM sees this).</summary>
    public int BufferIndex { get; }

    /// <summary>The frame's length as posted.</summary>
    public int Length { get; }

    /// <summary>The pool whose TX queue sent the frame.</summary>
    public short Pool { get; }

    /// <summary>The queue within <see cref="Pool"/>.</summary>
    public short Queue { get; }

    /// <summary>Wire clock when the frame's first preamble bit went out (picoseconds since the NIC was made).</summary>
    public long StartPicoseconds { get; }

    /// <summary>Wire clock when its last FCS bit went out (the inter-frame gap follows).</summary>
    public long EndPicoseconds { get; }

    /// <inheritdoc />
    public override string ToString() => $"tx #{Sequence} buffer {BufferIndex} ({Length} B) pool {Pool} queue {Queue}: {StartPicoseconds}..{EndPicoseconds} ps";
}
