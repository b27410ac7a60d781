using System.Collections.Concurrent;
using System.Diagnostics;
using Contoso.Fabric;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Samples.MultiTenantHost;

/// <summary>
/// The host: one NIC emulator built from the generated dispatcher, one consumer thread per VM,
/// and the receive path on the calling thread, as on a real host.
/// </summary>
internal sealed class HostRun : IDisposable
{
    /// <summary>VM name and the pool it is attached to.</summary>
    public static readonly (string Vm, string Pool)[] Vms =
    {
        ("hypervisor", "host"), ("web-vm", "web"), ("storage-vm", "storage"), ("db-vm", "db"), ("analytics-vm", "analytics"),
    };

    private readonly List<Thread> _threads = new();
    private readonly ConcurrentDictionary<string, long> _delivered = new();
    private readonly ConcurrentDictionary<string, int> _slowness = new();
    private volatile bool _stopping;

    public HostRun(string slowVm)
    {
        // A NIC with the geometry of tenants.vmdq; 75%/40% watermarks make congestion easy to see.
        Nic = new NicEmulator(TenantDispatcher.Info, new NicOptions { Name = "host-nic0", HighWatermark = 0.75, LowWatermark = 0.4 });
        Nic.CongestionChanged += (_, e) => Log(e.IsCongested
            ? $"[red]congested[/]  pool {e.PoolName} queue {e.Queue}: {e.Occupancy}/{e.Capacity} descriptors"
            : $"[green]cleared[/]    pool {e.PoolName} queue {e.Queue}: {e.Occupancy}/{e.Capacity} descriptors");
        foreach (var (vm, pool) in Vms)
        {
            _slowness[vm] = vm == slowVm ? 1 : 0;
        }
    }

    public NicEmulator Nic { get; }

    public ConcurrentQueue<string> Events { get; } = new();

    public long Received { get; private set; }

    public Stopwatch Clock { get; } = new();

    public long Delivered(string vm) => _delivered.GetValueOrDefault(vm);

    public void Log(string message)
    {
        Events.Enqueue($"{Clock.Elapsed.TotalSeconds,6:F2}s  {message}");
        while (Events.Count > 8 && Events.TryDequeue(out _))
        {
        }
    }

    /// <summary>Attaches every VM to its pool and starts its consumer thread.</summary>
    public void Start()
    {
        Clock.Start();
        foreach (var (vmName, poolName) in Vms)
        {
            int pool = TenantDispatcher.Info.Pools.Single(p => p.Name == poolName).Index;
            var vm = Nic.AttachVm(vmName, pool);
            var thread = new Thread(() => Consume(vm)) { Name = vmName, IsBackground = true };
            _threads.Add(thread);
            thread.Start();
            Log($"attached {vmName} to pool {poolName} (queues {string.Join(",", Nic.GetQueues(pool))})");
        }
    }

    /// <summary>Makes a VM consume at full speed (the host gave it more CPU).</summary>
    public void SpeedUp(string vm)
    {
        _slowness[vm] = 0;
        Log($"rebalanced: gave {vm} more CPU");
    }

    private void Consume(VmConsumer vm)
    {
        var burst = new RxDescriptor[64];
        long delivered = 0;
        long checksum = 0;
        var idle = new SpinWait();
        while (true)
        {
            int n = vm.Poll(burst);
            if (n == 0)
            {
                if (_stopping)
                {
                    break;
                }

                // Idle: spin briefly, then sleep, so idle VMs leave the CPU to busy ones (2 cores here).
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
            }

            vm.Release(burst.AsSpan(0, n));
            delivered += n;
            _delivered[vm.Name] = delivered;
            if (_slowness.GetValueOrDefault(vm.Name) > 0)
            {
                // A VM starved of CPU: one burst per millisecond at most.
                Thread.Sleep(1);
            }
        }

        GC.KeepAlive(checksum);
    }

    /// <summary>Receives <paramref name="total"/> frames cycling through <paramref name="frames"/>, in bursts, calling <paramref name="tick"/> now and then.</summary>
    public void Receive(byte[][] frames, long total, double rateMfps, Action<long> tick)
    {
        const int Burst = 32;
        double framesPerTick = rateMfps * 1e6 / Stopwatch.Frequency;
        long start = Stopwatch.GetTimestamp();
        long sent = 0;
        int cursor = 0;
        var burst = new byte[Burst][];
        while (sent < total)
        {
            int n = (int)Math.Min(Burst, total - sent);
            for (int i = 0; i < n; i++)
            {
                burst[i] = frames[cursor];
                cursor = cursor + 1 == frames.Length ? 0 : cursor + 1;
            }

            Nic.ReceiveBurst(burst.AsSpan(0, n));
            sent += n;

            // Pace the offered load like a traffic generator at a fixed rate (the VMs share the CPU).
            while (framesPerTick > 0 && sent > (Stopwatch.GetTimestamp() - start) * framesPerTick)
            {
                Thread.Yield();
            }

            if ((sent & 0x3FFF) < Burst)
            {
                Received = sent;
                tick(sent);
            }
        }

        Received = sent;
    }

    /// <summary>Lets the VMs drain their rings, then stops them.</summary>
    public void Drain()
    {
        foreach (var vm in _slowness.Keys)
        {
            _slowness[vm] = 0;
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

        Clock.Stop();
    }

    public void Dispose() => Nic.Dispose();
}
