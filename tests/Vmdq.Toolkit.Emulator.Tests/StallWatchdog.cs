using System;
using System.Threading;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// A hang detector for the multi-threaded tests, in place of a wall-clock limit: it trips only when a
/// progress counter has not moved for <c>stall</c> (a hang), never because a loaded machine is slow.
/// The tests stop their threads when it trips and fail with "did not finish (hang?)".
/// </summary>
internal sealed class StallWatchdog : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly Thread _thread;
    private volatile bool _disposed;

    public StallWatchdog(Func<long> progress, TimeSpan stall)
    {
        _thread = new Thread(() =>
        {
            long last = progress();
            var since = DateTime.UtcNow;
            while (!_disposed && !_source.IsCancellationRequested)
            {
                Thread.Sleep(200);
                long now = progress();
                if (now != last)
                {
                    last = now;
                    since = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - since > stall)
                {
                    _source.Cancel();
                }
            }
        })
        { IsBackground = true, Name = "stall watchdog" };
        _thread.Start();
    }

    /// <summary>True once the watchdog tripped or <see cref="Cancel"/> was called.</summary>
    public bool IsCancellationRequested => _source.IsCancellationRequested;

    /// <summary>Stops the test's threads (a failure elsewhere).</summary>
    public void Cancel() => _source.Cancel();

    public void Dispose()
    {
        _disposed = true;
        _thread.Join();
        _source.Dispose();
    }
}
