using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using static Vmdq.Toolkit.Classification.BranchFree;

namespace Vmdq.Toolkit.Classification;

/// <summary>An <c>rss</c> pool and the queues (within the pool) its redirection table may name.</summary>
/// <param name="Pool">The pool index.</param>
/// <param name="FirstQueue">First allowed queue within the pool.</param>
/// <param name="LastQueue">Last allowed queue within the pool.</param>
public readonly record struct RssPool(int Pool, int FirstQueue, int LastQueue);

/// <summary>
/// The RSS redirection tables (RETA) of a dispatcher's <c>rss</c> pools: per pool <see cref="Verdict.RetaSize"/>
/// entries, each a queue of the pool's allowed range, picked by the low bits of a frame's RSS hash
/// (docs/rules-language.md, "RSS within a pool"). Each starts round robin over the pool's queues, as Linux and
/// DPDK fill it; the host replaces one with <see cref="Set"/> while other threads classify.
/// </summary>
/// <remarks>
/// All tables live in one array, row <c>pool</c> for pool <c>pool</c> (rows of other pools stay 0 and are never
/// picked: only verdicts of <c>rss</c> pools carry the spread flag). A change copies the array, writes the new
/// row and publishes the copy with one reference write, so a reader that loads the array once (one per
/// <c>Classify</c> or <c>ClassifyBatch</c> call) sees one table for all its frames. Changes are serialised.
/// </remarks>
public sealed class RedirectionTables
{
    private readonly Dictionary<int, RssPool> _pools = new();
    private readonly object _gate = new();
    private byte[] _entries;

    /// <summary>Creates the tables of <paramref name="pools"/>, each filled round robin over its queues.</summary>
    /// <param name="pools">The <c>rss</c> pools; may be empty.</param>
    /// <exception cref="ArgumentException">A pool is listed twice, or its queue range is not within 0..15 or is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A pool index is outside 0..511.</exception>
    public RedirectionTables(IEnumerable<RssPool> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        int rows = 1;
        foreach (var pool in pools)
        {
            if ((uint)pool.Pool > VerdictLayout.PoolMask)
            {
                throw new ArgumentOutOfRangeException(nameof(pools), pool.Pool, $"A pool index must be 0..{VerdictLayout.PoolMask}.");
            }

            if (pool.FirstQueue < 0 || pool.LastQueue > VerdictLayout.QueueMask || pool.FirstQueue > pool.LastQueue)
            {
                throw new ArgumentException($"Pool {pool.Pool}'s queues {pool.FirstQueue}-{pool.LastQueue} are not a range within 0..{VerdictLayout.QueueMask}.", nameof(pools));
            }

            if (!_pools.TryAdd(pool.Pool, pool))
            {
                throw new ArgumentException($"Pool {pool.Pool} is listed twice.", nameof(pools));
            }

            rows = Math.Max(rows, pool.Pool + 1);
        }

        // At least one row: a verdict without the spread flag reads entry 0 (and ignores it).
        _entries = new byte[rows * VerdictLayout.RetaSize];
        foreach (var pool in _pools.Values)
        {
            int count = pool.LastQueue - pool.FirstQueue + 1;
            for (int i = 0; i < VerdictLayout.RetaSize; i++)
            {
                _entries[(pool.Pool * VerdictLayout.RetaSize) + i] = (byte)(pool.FirstQueue + (i % count));
            }
        }
    }

    /// <summary>The <c>rss</c> pools, by index.</summary>
    public IReadOnlyList<RssPool> Pools => _pools.Values.OrderBy(p => p.Pool).ToArray();

    /// <summary>True when <paramref name="pool"/> is an <c>rss</c> pool.</summary>
    /// <param name="pool">A pool index.</param>
    public bool Contains(int pool) => _pools.ContainsKey(pool);

    /// <summary>A copy of <paramref name="pool"/>'s table: <see cref="Verdict.RetaSize"/> queues.</summary>
    /// <param name="pool">An <c>rss</c> pool.</param>
    /// <exception cref="ArgumentException"><paramref name="pool"/> is not an <c>rss</c> pool.</exception>
    public byte[] Get(int pool)
    {
        CheckPool(pool);
        return Volatile.Read(ref _entries).AsSpan(pool * VerdictLayout.RetaSize, VerdictLayout.RetaSize).ToArray();
    }

    /// <summary>
    /// Replaces <paramref name="pool"/>'s table: frames classified after this returns use <paramref name="queues"/>;
    /// a call in progress finishes with the table it started with.
    /// </summary>
    /// <param name="pool">An <c>rss</c> pool.</param>
    /// <param name="queues"><see cref="Verdict.RetaSize"/> entries, each a queue of the pool's allowed range.</param>
    /// <exception cref="ArgumentException"><paramref name="pool"/> is not an <c>rss</c> pool, <paramref name="queues"/> has another length, or an entry is outside the pool's queues.</exception>
    public void Set(int pool, ReadOnlySpan<byte> queues)
    {
        var rss = CheckPool(pool);
        if (queues.Length != VerdictLayout.RetaSize)
        {
            throw new ArgumentException($"A redirection table has {VerdictLayout.RetaSize} entries; {queues.Length} were given.", nameof(queues));
        }

        for (int i = 0; i < queues.Length; i++)
        {
            if (queues[i] < rss.FirstQueue || queues[i] > rss.LastQueue)
            {
                throw new ArgumentException($"Entry {i} is queue {queues[i]}, outside pool {pool}'s queues {rss.FirstQueue}-{rss.LastQueue}.", nameof(queues));
            }
        }

        lock (_gate)
        {
            var next = (byte[])_entries.Clone();
            queues.CopyTo(next.AsSpan(pool * VerdictLayout.RetaSize));
            Volatile.Write(ref _entries, next);
        }
    }

    /// <summary>The tables in force, to read once per call (not meant for direct use).</summary>
    internal byte[] Current => Volatile.Read(ref _entries);

    /// <summary>
    /// <paramref name="bits"/> with its queue replaced by <paramref name="entries"/>' entry for its pool and
    /// <paramref name="hash"/> when its spread flag is set, unchanged otherwise; no branch. A verdict with the flag
    /// names an <c>rss</c> pool (checked when the tables were built), so the entry read is in the array; one
    /// without reads entry 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Spread(ulong bits, uint hash, byte[] entries)
    {
        ulong spread = 0 - ((bits >> VerdictLayout.SpreadShift) & 1);
        ulong pool = (bits >> VerdictLayout.PoolShift) & VerdictLayout.PoolMask;
        ulong index = ((pool << VerdictLayout.RetaBits) | (hash & (VerdictLayout.RetaSize - 1))) & spread;
        ulong queue = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(entries), (nint)index);
        ulong respread = (bits & ~((ulong)VerdictLayout.QueueMask << VerdictLayout.QueueShift)) | (queue << VerdictLayout.QueueShift);
        return Select(spread, respread, bits);
    }

    private RssPool CheckPool(int pool) =>
        _pools.TryGetValue(pool, out var rss)
            ? rss
            : throw new ArgumentException($"Pool {pool} is not an rss pool: only pools declared with 'rss' have a redirection table.", nameof(pool));
}
