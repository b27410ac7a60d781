using System;
using System.Collections.Concurrent;
using System.Threading;
using Vmdq.Toolkit.Emulator;
using Xunit.Abstractions;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// Two VM threads post and reap while a wire thread advances the clock into a NIC back to back: every frame
/// arrives once and in its queue's order, or is counted as a TX drop; nothing is lost. Bounded in frames; a stall
/// watchdog only guards against hangs.
/// </summary>
public class TransmitStressTests(ITestOutputHelper output)
{
    private const int FramesPerVm = 50_000;

    [Fact]
    public void Frames_posted_while_the_wire_runs_arrive_once_in_order_or_are_counted()
    {
        using var nic = TestNic.Create(pools: 2, queues: 2, ring: 64);
        using var peer = TestNic.Create(pools: 4, queues: 4, ring: 1024);
        var order = new OrderSink(peer.AsTransmitSink());
        nic.WireSink = order;
        var failures = new ConcurrentQueue<Exception>();
        long progress = 0;
        using var safety = new StallWatchdog(() => Interlocked.Read(ref progress), TimeSpan.FromMinutes(1));
        int running = 2;

        void Guard(Action body)
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
                safety.Cancel();
            }
        }

        Thread Vm(int pool) => new(() => Guard(() =>
        {
            var vm = nic.AttachVm($"vm{pool}", pool);
            var burst = new TxFrame[16];
            var completions = new TxCompletion[32];
            long next = 0, posted = 0, completed = 0, bursts = 0;
            while (next < FramesPerVm && !safety.IsCancellationRequested)
            {
                // Keep under the two rings' 128 slots most of the time; a burst that does not fit is counted as drops.
                if (posted - completed > 96)
                {
                    completed += vm.PollCompletions(completions);
                    Thread.Yield();
                    continue;
                }

                int n = 0;
                while (n < burst.Length && next < FramesPerVm && vm.TryRentTxBuffer(out int buffer))
                {
                    // The payload carries the source pool and the VM's sequence number.
                    TestNic.Write(vm.GetTxBuffer(buffer)[..64], TestNic.To(2 + pool, 0), next++, (byte)pool);
                    burst[n++] = new TxFrame(buffer, 64);
                }

                posted += vm.TransmitBurst((int)(bursts++ & 1), burst.AsSpan(0, n));   // the two queues in turn
                int reaped = vm.PollCompletions(completions);
                completed += reaped;
                Interlocked.Add(ref progress, reaped + 1);
            }

            Interlocked.Decrement(ref running);
            while (completed < posted && !safety.IsCancellationRequested)
            {
                int reaped = vm.PollCompletions(completions);
                completed += reaped;
                Interlocked.Add(ref progress, reaped);
                Thread.Yield();
            }
        }));

        var wire = new Thread(() => Guard(() =>
        {
            var rx = new RxDescriptor[64];
            while (!safety.IsCancellationRequested)
            {
                bool last = Volatile.Read(ref running) == 0;
                Interlocked.Add(ref progress, nic.AdvanceWire(TimeSpan.FromMicroseconds(10)));
                if (last)
                {
                    nic.DrainWire();
                }

                for (int pool = 2; pool < 4; pool++)
                {
                    for (int queue = 0; queue < 4; queue++)
                    {
                        int n;
                        while ((n = peer.ReceiveFromQueue(pool, queue, rx)) > 0)
                        {
                            for (int i = 0; i < n; i++)
                            {
                                order.Received(peer.GetFrame(rx[i]));
                            }

                            peer.Release(rx.AsSpan(0, n));
                        }
                    }
                }

                if (last)
                {
                    break;   // the VMs post nothing more, and the drain sent everything
                }
            }
        }));

        Thread[] threads = [Vm(0), Vm(1), wire];
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(failures);
        Assert.False(safety.IsCancellationRequested, "did not finish (hang?)");
        var snapshot = nic.Snapshot();
        output.WriteLine(snapshot.Transmit.ToString());
        Assert.True(snapshot.IsBalanced, snapshot.ToString());
        Assert.True(snapshot.Transmit.Transmitted > FramesPerVm, "most frames should be sent, not dropped");
        Assert.Equal(2L * FramesPerVm, snapshot.Transmit.Offered);
        Assert.Equal(snapshot.Transmit.Transmitted, order.Sent);
        Assert.Equal(snapshot.Transmit.Transmitted, peer.Snapshot().Received);
        Assert.Equal(0, order.OutOfOrder);
        Assert.Equal(0, snapshot.Transmit.AwaitingCompletion);
        Assert.Equal(snapshot.Buffers.Total, snapshot.Buffers.Free);
        Assert.True(peer.Snapshot().IsBalanced);
    }

    /// <summary>Passes frames on to the peer, and checks that each VM's frames leave in increasing sequence per queue.</summary>
    private sealed class OrderSink(ITransmitSink next) : ITransmitSink
    {
        private readonly long[] _lastSent = [-1, -1, -1, -1];

        public long Sent { get; private set; }

        public int OutOfOrder { get; private set; }

        public void Deliver(in TransmittedFrame frame)
        {
            int key = (TestNic.SourceOf(frame.Data) * 2) + frame.Queue;
            long sequence = TestNic.SequenceOf(frame.Data);
            OutOfOrder += sequence > _lastSent[key] ? 0 : 1;
            _lastSent[key] = sequence;
            Sent++;
            next.Deliver(frame);
        }

        public void Flush() => next.Flush();

        public void Received(ReadOnlySpan<byte> frame) => OutOfOrder += TestNic.SourceOf(frame) < 2 ? 0 : 1;
    }
}
