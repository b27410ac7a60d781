using System;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// NIC emulator throughput with the 10K-filter dispatcher: per frame of <see cref="FrameMix"/>, the
/// receive path (copy into a pool buffer, <c>ClassifyBatch</c>, enqueue on the bound ring) plus the
/// VMs' dequeue (poll, read the frame, release the buffer). One VM per pool (64, pool 0 taking the
/// misses). <see cref="ConsumerThreads"/> = 0: the benchmark thread drains the rings itself after
/// every 256 frames; 1 or 2: that many consumer threads poll the VMs (split between them) while the
/// benchmark thread receives, and an invoke ends when every enqueued descriptor has been dequeued.
/// The machine has 2 cores, so with 2 consumer threads three threads share them.
/// </summary>
[MemoryDiagnoser]
public class EmulatorBenchmarks
{
    private const int Frames = FrameMix.Count;
    private const int Chunk = 256;

    private byte[][] _frames = null!;
    private NicEmulator _nic = null!;
    private VmConsumer[] _vms = null!;
    private Thread[] _threads = [];
    private RxDescriptor[] _inlineBurst = null!;
    private volatile bool _stop;
    private long _enqueued;
    private PaddedCounter _dequeued;
    private long _checksum;

    [Params(0, 1, 2)]
    public int ConsumerThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frames = FrameMix.Create(D10K.Filters).Frames;
        _nic = new NicEmulator(D10K.Info);
        _vms = new VmConsumer[_nic.PoolCount];
        for (int pool = 0; pool < _vms.Length; pool++)
        {
            _vms[pool] = _nic.AttachVm($"vm{pool}", pool);
        }

        _inlineBurst = new RxDescriptor[32];
        _stop = false;
        _threads = new Thread[ConsumerThreads];
        for (int t = 0; t < _threads.Length; t++)
        {
            int index = t;
            _threads[t] = new Thread(() => Consume(index)) { IsBackground = true, Name = $"vm-consumer-{t}" };
            _threads[t].Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        var snapshot = _nic.Snapshot();
        Console.WriteLine($"// Emulator, {ConsumerThreads} consumer thread(s): received {snapshot.Received}, dequeued {snapshot.Dequeued}, in rings {snapshot.InRings}, drops {snapshot.Drops.Total} (ring full {snapshot.Drops.RingFull}, no buffer {snapshot.Drops.NoBuffer}), balanced {snapshot.IsBalanced}.");
        if (snapshot.Drops.Total != 0 || !snapshot.IsBalanced)
        {
            throw new InvalidOperationException("The emulator benchmark dropped frames or lost count: its figures would not be throughput.");
        }

        _nic.Dispose();
    }

    /// <summary>Receive (land + classify + enqueue) and dequeue (poll + read + release) of every frame of the mix.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public long ReceiveAndConsume()
    {
        ReadOnlySpan<byte[]> frames = _frames;
        for (int at = 0; at < frames.Length; at += Chunk)
        {
            _enqueued += _nic.ReceiveBurst(frames.Slice(at, Math.Min(Chunk, frames.Length - at)));
            if (ConsumerThreads == 0)
            {
                for (int v = 0; v < _vms.Length; v++)
                {
                    _dequeued.Value += Drain(_vms[v], _inlineBurst, ref _checksum);
                }
            }
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _dequeued.Value) < _enqueued)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        return _enqueued;
    }

    private void Consume(int index)
    {
        var burst = new RxDescriptor[32];
        var spin = default(SpinWait);
        long checksum = 0;
        while (!_stop)
        {
            long got = 0;
            for (int v = index; v < _vms.Length; v += _threads.Length)
            {
                got += Drain(_vms[v], burst, ref checksum);
            }

            if (got > 0)
            {
                Interlocked.Add(ref _dequeued.Value, got);
                spin.Reset();
            }
            else
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        Interlocked.Add(ref _checksum, checksum);
    }

    // Poll until the VM's rings are empty; read each frame's first byte (the consumer looks at it).
    internal static long Drain(VmConsumer vm, RxDescriptor[] burst, ref long checksum)
    {
        long total = 0;
        int n;
        while ((n = vm.Poll(burst)) > 0)
        {
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += vm.GetFrame(burst[i])[0];
            }

            vm.Release(burst.AsSpan(0, n));
            checksum += sum;
            total += n;
        }

        return total;
    }

    /// <summary>The dequeue counter on a cache line of its own.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct PaddedCounter
    {
        [System.Runtime.InteropServices.FieldOffset(64)]
        public long Value;
    }
}
