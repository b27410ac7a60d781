using System.Runtime.InteropServices;

namespace Vmdq.Toolkit.Emulator;

/// <summary>One TX descriptor on a TX ring: the buffer a VM posted, its length, and where it was posted.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct TxDescriptor
{
    public TxDescriptor(long sequence, int bufferIndex, int length, int generation, int pool, int queue, bool includesFcs)
    {
        Sequence = sequence;
        BufferIndex = bufferIndex;
        Length = length;
        Generation = generation;
        Pool = (short)pool;
        Queue = (short)queue;
        IncludesFcs = includesFcs;
    }

    public long Sequence { get; }

    public int BufferIndex { get; }

    public int Length { get; }

    public int Generation { get; }

    public short Pool { get; }

    public short Queue { get; }

    public bool IncludesFcs { get; }
}
