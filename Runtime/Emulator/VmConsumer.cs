using System;
using System.Threading;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// A VM attached to a pool (<see cref="NicEmulator.AttachVm(string, int)"/>): the consumer its thread polls with.
/// The host may move it to another pool or detach it at any time; each poll reads its pool once.
/// </summary>
/// <remarks>
/// Call <see cref="Poll"/> and <see cref="ReceiveFromQueue"/> from the VM's thread (another thread
/// is safe, rings being leased per burst, but then the order in which the two threads see frames is
/// theirs to sort out). <see cref="GetFrame"/> and <see cref="Release(in RxDescriptor)"/> work from any thread.
/// </remarks>
public sealed class VmConsumer
{
    private readonly NicEmulator _nic;
    private int _pool;
    private int _cursor;

    internal VmConsumer(NicEmulator nic, string name, int pool)
    {
        _nic = nic;
        Name = name;
        _pool = pool;
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
        return pool < 0 ? 0 : _nic.PollPool(pool, ref _cursor, descriptors);
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

    internal void SetPool(int pool) => Volatile.Write(ref _pool, pool);

    /// <inheritdoc />
    public override string ToString() => Pool < 0 ? $"VM '{Name}' (detached)" : $"VM '{Name}' on pool {Pool}";
}
