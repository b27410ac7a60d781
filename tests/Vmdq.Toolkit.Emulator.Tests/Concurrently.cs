using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>Runs one body on several threads at once, for the tests of what threads may do together.</summary>
internal static class Concurrently
{
    /// <summary>Runs <paramref name="body"/>(1..<paramref name="threads"/>) on that many threads, waits for all, and returns what they threw.</summary>
    public static Exception[] Run(int threads, Action<int> body)
    {
        var failures = new ConcurrentQueue<Exception>();
        var running = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int me = t + 1;
            running[t] = new Thread(() =>
            {
                try
                {
                    body(me);
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex);
                }
            });
            running[t].Start();
        }

        foreach (var thread in running)
        {
            thread.Join();
        }

        return failures.ToArray();
    }
}
