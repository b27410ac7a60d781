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
    // Pool (10 bits), queue (5 bits), the VLAN-stripped flag (1 bit) and the stripped tag's TCI (16 bits) share one word,
    // so the descriptor stays 32 bytes.
    private const int QueueShift = 10;
    private const uint StrippedBit = 1u << 15;
    private const int TciShift = 16;

    /// <summary>Creates a descriptor (the NIC does this; tests and custom rings may too).</summary>
    /// <param name="sequence">Arrival number on the port.</param>
    /// <param name="verdict">The classifier's verdict.</param>
    /// <param name="bufferIndex">The pool buffer holding the frame.</param>
    /// <param name="length">Frame length in bytes (without a stripped tag).</param>
    /// <param name="generation">The buffer's generation when the frame landed.</param>
    /// <param name="pool">The pool, 0..1023.</param>
    /// <param name="queue">The queue within the pool, 0..31.</param>
    /// <param name="vlanTag">The TCI of the C-tag stripped from the frame (when <paramref name="vlanStripped"/>).</param>
    /// <param name="vlanStripped">True when the NIC stripped the frame's outer C-tag: the frame then starts 4 bytes into its buffer.</param>
    public RxDescriptor(long sequence, Verdict verdict, int bufferIndex, int length, int generation, int pool, int queue, ushort vlanTag = 0, bool vlanStripped = false)
    {
        Sequence = sequence;
        Verdict = verdict;
        BufferIndex = bufferIndex;
        Length = length;
        Generation = generation;
        _placement = ((uint)pool & 0x3FF) | (((uint)queue & 0x1F) << QueueShift) | (vlanStripped ? StrippedBit : 0) | ((uint)vlanTag << TciShift);
    }

    /// <summary>Arrival number of the frame on the port (0, 1, 2, ... in receive order; replicas share it).</summary>
    public long Sequence { get; }

    /// <summary>The classifier's verdict (its rule line says which rule routed the frame).</summary>
    public Verdict Verdict { get; }

    /// <summary>Index of the pool buffer holding the frame.</summary>
    public int BufferIndex { get; }

    /// <summary>Frame length in bytes (after a strip, without the tag).</summary>
    public int Length { get; }

    /// <summary>The buffer's generation when the frame landed; a release with an older generation is a stale-descriptor error.</summary>
    public int Generation { get; }

    // Declared after the properties' backing fields: in a sequential layout a 4-byte field first would pad the
    // 8-byte Sequence to offset 8 and the struct to 40 bytes.
    private readonly uint _placement;

    /// <summary>The pool whose ring the descriptor was queued on.</summary>
    public short Pool => (short)(_placement & 0x3FF);

    /// <summary>The queue (within <see cref="Pool"/>) whose ring the descriptor was queued on; differs from the verdict's queue after a rebinding.</summary>
    public short Queue => (short)((_placement >> QueueShift) & 0x1F);

    /// <summary>
    /// True when the NIC stripped the frame's outer C-tag (TPID 0x8100) on receive, because its pool has <c>vlan-insert</c>: the tag's
    /// TCI is in <see cref="VlanTag"/>, as 82599's RX descriptor write-back carries it in its VLAN Tag field with the VP status bit.
    /// </summary>
    public bool VlanStripped => (_placement & StrippedBit) != 0;

    /// <summary>The stripped C-tag's TCI (PCP in bits 15..13, DEI in bit 12, VID in bits 11..0); 0 when <see cref="VlanStripped"/> is false.</summary>
    public ushort VlanTag => (ushort)(_placement >> TciShift);

    /// <summary>The VID of the stripped C-tag (<see cref="VlanTag"/>'s low 12 bits).</summary>
    public int VlanId => VlanTag & 0xFFF;

    /// <summary>Where the frame starts in its buffer: 4 after a strip (the MACs moved up over the tag), else 0.</summary>
    public int FrameOffset => VlanStripped ? 4 : 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"#{Sequence} buffer {BufferIndex} ({Length} B) pool {Pool} queue {Queue}{(VlanStripped ? $" (VLAN {VlanId} stripped)" : string.Empty)}: {Verdict}";
}
