using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Vmdq.Toolkit;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Hosting;

/// <summary>A VM of an <see cref="EmulatedHost"/> and the pool it is attached to.</summary>
/// <param name="Name">The VM's name (unique on the host).</param>
/// <param name="Pool">The pool's index.</param>
/// <param name="QueueThreads">
/// One consumer thread per queue the pool may use (a multi-queue VM: one vCPU per queue, as with RSS) instead of one
/// thread polling the whole pool; a slow VM is then slow per queue, so spreading its traffic over more queues adds capacity.
/// </param>
internal sealed record HostVm(string Name, int Pool, bool QueueThreads = false);

/// <summary>One frame a VM took off its pool's rings.</summary>
/// <param name="Sequence">The frame's arrival number at the port (0 for the first frame the NIC received).</param>
/// <param name="Pool">The pool whose ring it came from.</param>
/// <param name="Queue">The queue (ring) within the pool.</param>
internal readonly record struct Delivery(long Sequence, int Pool, int Queue);

/// <summary>
/// A host around the NIC emulator: one NIC built from a dispatcher's <see cref="DispatcherInfo"/> (generated or
/// <see cref="RuntimeDispatcher"/>), one consumer thread per VM polling its pool, and the receive path on the
/// calling thread, as on a real host. Shared by the MultiTenantHost sample and <c>vmdq replay</c> (compiled into both).
/// </summary>
internal sealed class EmulatedHost : IDisposable
{
    private readonly List<Thread> _threads = new();
    private readonly ConcurrentDictionary<string, StrongBox<long>> _delivered = new();
    private readonly ConcurrentDictionary<string, bool> _slow = new();
    private readonly ConcurrentDictionary<string, List<Delivery>> _deliveries = new();
    private readonly List<(List<Delivery> Log, List<Delivery> Own)> _queueLogs = new();
    private readonly bool _recordDeliveries;
    private long _deliveredTotal;
    private long _enqueued;
    private byte[][]? _liveBurst;
    private volatile bool _stopping;

    /// <summary>Builds the NIC (75%/40% watermarks, so congestion is easy to see) and logs its congestion changes.</summary>
    /// <param name="info">The dispatcher the NIC classifies with.</param>
    /// <param name="name">The NIC's name.</param>
    /// <param name="vms">The VMs to attach by <see cref="Start"/>.</param>
    /// <param name="recordDeliveries">Keep every <see cref="Delivery"/> (for <see cref="Deliveries"/>); off, only counts are kept.</param>
    public EmulatedHost(DispatcherInfo info, string name, IReadOnlyList<HostVm> vms, bool recordDeliveries = false)
    {
        Nic = new NicEmulator(info, new NicOptions { Name = name, HighWatermark = 0.75, LowWatermark = 0.4 });
        Vms = vms;
        _recordDeliveries = recordDeliveries;
        Nic.CongestionChanged += (_, e) => Log(e.IsCongested
            ? $"[red]congested[/]  pool {e.PoolName} queue {e.Queue}: {e.Occupancy}/{e.Capacity} descriptors"
            : $"[green]cleared[/]    pool {e.PoolName} queue {e.Queue}: {e.Occupancy}/{e.Capacity} descriptors", action: false);
    }

    /// <summary>The NIC.</summary>
    public NicEmulator Nic { get; }

    /// <summary>The VMs, in attach order.</summary>
    public IReadOnlyList<HostVm> Vms { get; }

    /// <summary>The last few control-plane and congestion events, as Spectre.Console markup.</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>Frames offered to the NIC so far.</summary>
    public long Received { get; private set; }

    /// <summary>Runs from <see cref="Start"/> to the end of <see cref="Drain"/>.</summary>
    public Stopwatch Clock { get; } = new();

    /// <summary>Frames <paramref name="vm"/> has taken off its rings.</summary>
    public long Delivered(string vm) => _delivered.TryGetValue(vm, out var count) ? Interlocked.Read(ref count.Value) : 0;

    /// <summary>What <paramref name="vm"/> received, in the order it polled, or by arrival for a VM with queue threads (after <see cref="Drain"/>; empty unless recording).</summary>
    public IReadOnlyList<Delivery> Deliveries(string vm) => _deliveries.TryGetValue(vm, out var list) ? list : Array.Empty<Delivery>();

    /// <summary>Every control-plane action logged with <see cref="Log(string)"/> (attach, rebind, rebalance), in order and all of them: congestion events, which can be many, stay only in <see cref="Events"/>.</summary>
    public ConcurrentQueue<string> Actions { get; } = new();

    /// <summary>Adds a control-plane action (Spectre.Console markup) to <see cref="Actions"/> and to the event log, which keeps the last eight.</summary>
    public void Log(string message) => Log(message, action: true);

    private void Log(string message, bool action)
    {
        string line = $"{Clock.Elapsed.TotalSeconds,6:F2}s  {message}";
        if (action)
        {
            Actions.Enqueue(line);
        }

        Events.Enqueue(line);
        while (Events.Count > 8 && Events.TryDequeue(out _))
        {
        }
    }

    /// <summary>Attaches every VM to its pool and starts its consumer thread (or, with <see cref="HostVm.QueueThreads"/>, one per queue).</summary>
    public void Start()
    {
        Clock.Start();
        foreach (var (vmName, pool, queueThreads) in Vms)
        {
            var vm = Nic.AttachVm(vmName, pool);
            var log = new List<Delivery>();
            _deliveries[vmName] = log;
            var count = _delivered.GetOrAdd(vmName, _ => new StrongBox<long>());
            if (queueThreads && Nic.Info.FindPool(pool) is { } info)
            {
                // Each thread keeps its own log; they are merged (by arrival) when the run ends.
                for (int q = info.FirstQueue; q <= info.LastQueue; q++)
                {
                    int queue = q;
                    var own = new List<Delivery>();
                    _queueLogs.Add((log, own));
                    StartThread($"{vmName}/q{queue}", () => Consume(vm, own, count, (v, burst) => v.ReceiveFromQueue(queue, burst)));
                }

                Log($"attached {vmName} to pool {Nic.Info.PoolName(pool)} (queues {string.Join(",", Nic.GetQueues(pool))}; one vCPU per queue {info.FirstQueue}-{info.LastQueue})");
            }
            else
            {
                StartThread(vmName, () => Consume(vm, log, count, (v, burst) => v.Poll(burst)));
                Log($"attached {vmName} to pool {Nic.Info.PoolName(pool)} (queues {string.Join(",", Nic.GetQueues(pool))})");
            }
        }
    }

    private void StartThread(string name, ThreadStart body)
    {
        var thread = new Thread(body) { Name = name, IsBackground = true };
        _threads.Add(thread);
        thread.Start();
    }

    /// <summary>Makes a VM consume slowly (one burst per millisecond at most, a VM starved of CPU) or at full speed.</summary>
    public void SetSlow(string vm, bool slow) => _slow[vm] = slow;

    private void Consume(VmConsumer vm, List<Delivery> log, StrongBox<long> delivered, Func<VmConsumer, Span<RxDescriptor>, int> poll)
    {
        var burst = new RxDescriptor[64];
        long checksum = 0;
        var idle = new SpinWait();
        while (true)
        {
            int n = poll(vm, burst);
            if (n == 0)
            {
                if (_stopping)
                {
                    break;
                }

                // Idle: spin briefly, then sleep, so idle VMs leave the CPU to busy ones.
                if (idle.NextSpinWillYield)
                {
                    Thread.Sleep(1);
                    idle.Reset();
                }
                else
                {
                    idle.SpinOnce(sleep1Threshold: -1);
                }

                continue;
            }

            idle.Reset();

            for (int i = 0; i < n; i++)
            {
                // Zero-copy: the VM reads the frame where the NIC wrote it.
                var frame = vm.GetFrame(burst[i]);
                checksum += frame.Length > 0 ? frame[^1] : 0;
                if (_recordDeliveries)
                {
                    log.Add(new Delivery(burst[i].Sequence, burst[i].Pool, burst[i].Queue));
                }
            }

            vm.Release(burst.AsSpan(0, n));
            Interlocked.Add(ref delivered.Value, n);
            Interlocked.Add(ref _deliveredTotal, n);
            if (_slow.GetValueOrDefault(vm.Name))
            {
                Thread.Sleep(1);
            }
        }

        GC.KeepAlive(checksum);
    }

    /// <summary>
    /// Receives <paramref name="total"/> frames cycling through <paramref name="frames"/>, in bursts, calling
    /// <paramref name="tick"/> now and then with the frames sent so far.
    /// </summary>
    /// <param name="frames">The frames to offer, in order.</param>
    /// <param name="total">How many to offer (more than <paramref name="frames"/> holds loops over them).</param>
    /// <param name="rateMfps">
    /// Offered load in millions of frames per second, paced as a traffic generator paces it (the VMs may fall
    /// behind: ring-full drops); 0 offers as fast as possible; negative is lossless: each burst waits until
    /// the rings have room for it, so no frame is lost for want of a descriptor and every run counts the same.
    /// </param>
    /// <param name="tick">Called every 16 K frames or so.</param>
    public void Receive(IReadOnlyList<byte[]> frames, long total, double rateMfps, Action<long> tick)
    {
        int burstSize = BurstSize;
        double framesPerTick = rateMfps * 1e6 / Stopwatch.Frequency;
        long start = Stopwatch.GetTimestamp();
        long before = Received;
        long sent = 0;
        int cursor = 0;
        var burst = new byte[burstSize][];
        while (sent < total)
        {
            int n = (int)Math.Min(burstSize, total - sent);
            for (int i = 0; i < n; i++)
            {
                burst[i] = frames[cursor];
                cursor = cursor + 1 == frames.Count ? 0 : cursor + 1;
            }

            if (rateMfps < 0)
            {
                WaitForRoom();
            }

            _enqueued += Nic.ReceiveBurst(burst.AsSpan(0, n));
            sent += n;

            // Pace the offered load like a traffic generator at a fixed rate (the VMs share the CPU).
            while (framesPerTick > 0 && sent > (Stopwatch.GetTimestamp() - start) * framesPerTick)
            {
                Thread.Yield();
            }

            if ((sent & 0x3FFF) < burstSize)
            {
                Received = before + sent;
                tick(sent);
            }
        }

        Received = before + sent;
    }

    /// <summary>
    /// Receives <paramref name="frames"/>, the frames that just arrived from a live interface, in arrival order and
    /// losslessly: in bursts of at most 32, each waiting until the rings have room for it (as
    /// <see cref="Receive"/> with a negative rate does). May be called any number of times; the NIC numbers the
    /// frames on from the previous call.
    /// </summary>
    /// <param name="frames">The frames, in the order they arrived.</param>
    public void ReceiveArrived(IReadOnlyList<byte[]> frames)
    {
        int burstSize = BurstSize;
        var burst = _liveBurst ??= new byte[burstSize][];
        for (int start = 0; start < frames.Count; start += burstSize)
        {
            int n = Math.Min(burstSize, frames.Count - start);
            for (int i = 0; i < n; i++)
            {
                burst[i] = frames[start + i];
            }

            WaitForRoom();
            _enqueued += Nic.ReceiveBurst(burst.AsSpan(0, n));
            Received += n;
        }
    }

    /// <summary>
    /// Frames per burst: a burst puts at most one descriptor per frame on any ring (replicas go to different pools), so
    /// with fewer than <see cref="Room"/> descriptors anywhere in the rings the next burst fits in every ring and in the buffers.
    /// </summary>
    private int BurstSize => Math.Clamp(Math.Min(Nic.RingSize, Nic.Buffers.BufferCount) / 2, 1, 32);

    private long Room => Math.Min(Nic.RingSize, Nic.Buffers.BufferCount) - BurstSize;

    /// <summary>Waits until the descriptors enqueued and not yet delivered leave room for another burst.</summary>
    private void WaitForRoom()
    {
        // A ring no VM polls never empties: after 10 s without a delivery (far longer than a loaded machine keeps a
        // consumer thread off the CPU), stop waiting rather than hang; the frames that do not fit are then counted
        // as ring-full drops.
        long room = Room;
        var wait = new SpinWait();
        long waitedSince = Stopwatch.GetTimestamp(), seen = Interlocked.Read(ref _deliveredTotal);
        while (_enqueued - seen > room && Stopwatch.GetElapsedTime(waitedSince) < TimeSpan.FromSeconds(10))
        {
            wait.SpinOnce();
            long now = Interlocked.Read(ref _deliveredTotal);
            if (now != seen)
            {
                seen = now;
                waitedSince = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>Lets the VMs drain their rings at full speed (10 s at most), then stops them.</summary>
    public void Drain()
    {
        foreach (var vm in _slow.Keys)
        {
            _slow[vm] = false;
        }

        var deadline = Stopwatch.StartNew();
        while (Nic.Snapshot().InRings > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(5);
        }

        _stopping = true;
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        foreach (var (log, own) in _queueLogs)
        {
            log.AddRange(own);
        }

        foreach (var log in _queueLogs.Select(l => l.Log).Distinct())
        {
            log.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        }

        Clock.Stop();
    }

    /// <summary>The VM attached to <paramref name="pool"/>, or null.</summary>
    public HostVm? VmOf(int pool) => Vms.FirstOrDefault(v => v.Pool == pool);

    /// <inheritdoc />
    public void Dispose() => Nic.Dispose();
}
