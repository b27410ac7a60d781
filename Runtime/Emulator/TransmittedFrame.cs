using System;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// A frame leaving the NIC on the wire, as an <see cref="ITransmitSink"/> sees it: in the VM's own buffer
/// (no copy), valid only during <see cref="ITransmitSink.Deliver"/>.
/// </summary>
public readonly ref struct TransmittedFrame
{
    internal TransmittedFrame(ReadOnlySpan<byte> data, in TxDescriptor descriptor, int wireBytes, long startPicoseconds, long endPicoseconds)
    {
        Data = data;
        BufferIndex = descriptor.BufferIndex;
        Sequence = descriptor.Sequence;
        Pool = descriptor.Pool;
        Queue = descriptor.Queue;
        IncludesFcs = descriptor.IncludesFcs;
        WireBytes = wireBytes;
        StartPicoseconds = startPicoseconds;
        EndPicoseconds = endPicoseconds;
    }

    /// <summary>The frame as the VM posted it (no padding, and no FCS unless <see cref="IncludesFcs"/>), read in place from its buffer.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The pool buffer holding it.</summary>
    public int BufferIndex { get; }

    /// <summary>Its number on its TX queue.</summary>
    public long Sequence { get; }

    /// <summary>The pool whose TX queue sent it.</summary>
    public int Pool { get; }

    /// <summary>The queue within <see cref="Pool"/>.</summary>
    public int Queue { get; }

    /// <summary>Whether <see cref="Data"/> ends with the FCS.</summary>
    public bool IncludesFcs { get; }

    /// <summary>Bytes of wire time it took (<see cref="EthernetWire.WireBytes"/>).</summary>
    public int WireBytes { get; }

    /// <summary>Wire clock (picoseconds) when its first preamble bit went out.</summary>
    public long StartPicoseconds { get; }

    /// <summary>Wire clock (picoseconds) when its last FCS bit went out.</summary>
    public long EndPicoseconds { get; }
}
