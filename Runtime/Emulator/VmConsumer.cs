using System;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// A VM attached to a pool (<see cref="NicEmulator.AttachVm(string, int)"/>): the consumer its thread polls with,
/// and the sender that posts frames on its pool's TX queues. The host may move it to another pool or detach it at
/// any time; each poll or transmit reads its pool once.
/// </summary>
/// <remarks>
/// Call <see cref="Poll"/>, <see cref="ReceiveFromQueue"/>, <see cref="TransmitBurst(int, ReadOnlySpan{TxFrame})"/> and
/// <see cref="PollCompletions"/> from the VM's thread (another thread is safe, rings being leased per burst, but then
/// the order in which the two threads see frames is theirs to sort out). <see cref="GetFrame"/>,
/// <see cref="Release(in RxDescriptor)"/>, <see cref="TryRentTxBuffer"/> and <see cref="GetTxBuffer"/> work from any thread.
/// </remarks>
public sealed class VmConsumer
{
    private readonly NicEmulator _nic;
    private int _pool;
    private int _cursor;
    private int _completionCursor;
    private readonly long[] _quiet;

    internal VmConsumer(NicEmulator nic, string name, int pool)
    {
        _nic = nic;
        Name = name;
        _pool = pool;
        _quiet = new long[nic.QueuesPerPool];
        _quiet.AsSpan().Fill(NicEmulator.NoQuietNote);
    }

    /// <summary>The VM's name.</summary>
    public string Name { get; }

    /// <summary>The NIC it is attached to.</summary>
    public NicEmulator Nic => _nic;

    /// <summary>Its pool now, or -1 once detached.</summary>
    public int Pool => Volatile.Read(ref _pool);

    /// <summary>True until it is detached.</summary>
    public bool IsAttached => Pool >= 0;

    /// <summary>
    /// Takes up to <paramref name="descriptors"/>.Length descriptors from its pool's rings (every
    /// ring of the pool, round-robin, each ring oldest first) and returns how many. 0 when there is
    /// nothing, or once detached. Read frames with <see cref="GetFrame"/>, then release each descriptor.
    /// </summary>
    public int Poll(Span<RxDescriptor> descriptors)
    {
        int pool = Pool;
        return pool < 0 ? 0 : _nic.PollPool(pool, ref _cursor, _quiet, descriptors);
    }

    /// <summary>Takes up to <paramref name="descriptors"/>.Length descriptors from one queue of its pool, oldest first; 0 once detached.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="queue"/> is outside 0..QueuesPerPool-1.</exception>
    public int ReceiveFromQueue(int queue, Span<RxDescriptor> descriptors)
    {
        int pool = Pool;
        if ((uint)queue >= (uint)_nic.QueuesPerPool)
        {
            throw new ArgumentOutOfRangeException(nameof(queue), queue, $"A queue index must be 0..{_nic.QueuesPerPool - 1}.");
        }

        return pool < 0 ? 0 : _nic.ReceiveFromQueue(pool, queue, descriptors);
    }

    /// <summary>The frame a descriptor names, in place in its buffer (no copy); valid until released.</summary>
    /// <exception cref="InvalidOperationException">When the descriptor was already released.</exception>
    public ReadOnlySpan<byte> GetFrame(in RxDescriptor descriptor) => _nic.GetFrame(descriptor);

    /// <summary>Gives a descriptor's buffer reference back.</summary>
    /// <exception cref="InvalidOperationException">On a double release.</exception>
    public void Release(in RxDescriptor descriptor) => _nic.Release(descriptor);

    /// <summary>Gives back the buffer references of every descriptor in <paramref name="descriptors"/>.</summary>
    /// <exception cref="InvalidOperationException">On a double release.</exception>
    public void Release(ReadOnlySpan<RxDescriptor> descriptors) => _nic.Release(descriptors);

    /// <summary>
    /// Rents a buffer to write a frame into (zero copy: the NIC sends it from there). Write with
    /// <see cref="GetTxBuffer"/>, then post it with <see cref="TransmitBurst(int, ReadOnlySpan{TxFrame})"/> (or give it
    /// back with <see cref="BufferPool.Release(int)"/>).
    /// </summary>
    /// <returns>False when no buffer is free (the NIC's pool is shared by receive and transmit).</returns>
    public bool TryRentTxBuffer(out int bufferIndex) => _nic.Buffers.TryRent(out bufferIndex);

    /// <summary>All of a rented buffer's bytes, to write a frame into from its start.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="bufferIndex"/> is not a buffer of the NIC's pool.</exception>
    public Span<byte> GetTxBuffer(int bufferIndex) => _nic.Buffers.GetWritableBuffer(bufferIndex);

    /// <summary>
    /// Posts frames, in order, on TX queue <paramref name="queue"/> of its pool (see
    /// <see cref="NicEmulator.TransmitBurst(int, int, ReadOnlySpan{TxFrame})"/>): the NIC takes over every buffer, sends
    /// the posted frames when the wire runs, and returns each one's buffer with its completion
    /// (<see cref="PollCompletions"/>). Once detached, every frame is dropped (<see cref="TxDropReason.NotAttached"/>).
    /// </summary>
    /// <returns>Frames posted; the others are counted under a <see cref="TxDropReason"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="queue"/> is outside 0..QueuesPerPool-1, or a frame's buffer index or length is out of range.</exception>
    /// <exception cref="InvalidOperationException">When a frame's buffer is not rented.</exception>
    public int TransmitBurst(int queue, ReadOnlySpan<TxFrame> frames)
    {
        if ((uint)queue >= (uint)_nic.QueuesPerPool)
        {
            throw new ArgumentOutOfRangeException(nameof(queue), queue, $"A queue index must be 0..{_nic.QueuesPerPool - 1}.");
        }

        int pool = Pool;
        if (pool < 0)
        {
            _nic.DropDetached(frames);
            return 0;
        }

        return _nic.TransmitBurst(pool, queue, frames, this);
    }

    /// <summary>Posts frames on TX queue 0 of its pool; see <see cref="TransmitBurst(int, ReadOnlySpan{TxFrame})"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When a frame's buffer index or length is out of range.</exception>
    /// <exception cref="InvalidOperationException">When a frame's buffer is not rented.</exception>
    public int TransmitBurst(ReadOnlySpan<TxFrame> frames) => TransmitBurst(0, frames);

    /// <summary>
    /// Takes up to <paramref name="completions"/>.Length completions of frames its pool's TX queues sent (every queue,
    /// round-robin, each oldest first) and gives their buffers back to the pool; each frees a slot of its TX ring.
    /// 0 when there are none, or once detached.
    /// </summary>
    public int PollCompletions(Span<TxCompletion> completions)
    {
        int pool = Pool;
        return pool < 0 ? 0 : _nic.PollPoolCompletions(pool, ref _completionCursor, completions);
    }

    internal void SetPool(int pool) => Volatile.Write(ref _pool, pool);

    /// <inheritdoc />
    public override string ToString() => Pool < 0 ? $"VM '{Name}' (detached)" : $"VM '{Name}' on pool {Pool}";
}
