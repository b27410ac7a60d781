using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Tables;
using Vmdq.Toolkit.Engine;
using KeyHash = Vmdq.Toolkit.Classification.KeyHash;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// A table a change inserts into and removes from (<see cref="GrowableTable"/>) answers every lookup as a table built from
/// scratch would, through growth (rebuilds) and re-displaced buckets, and never changes the arrays of a version already
/// published (readers of the previous version keep their answers).
/// </summary>
public class GrowableTableTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    [InlineData(false, 3)]
    public void Inserts_and_removals_answer_as_a_fresh_build_and_leave_earlier_versions_alone(bool wide, int seed)
    {
        var random = new Random(seed);
        var live = new Dictionary<(ulong, ulong), ulong>();
        TableEntry NewEntry()
        {
            while (true)
            {
                ulong key = (ulong)random.NextInt64(0, 1L << 48);
                ulong extra = wide ? (ulong)random.Next(0, 1 << 24) : 0;
                if (!live.ContainsKey((key, extra)))
                {
                    return new TableEntry(key, extra, (ulong)random.NextInt64(1, 1L << 40), 0);
                }
            }
        }

        var initial = Enumerable.Range(0, 500).Select(_ => NewEntry()).ToList();
        foreach (var e in initial)
        {
            live[(e.Key, e.Extra)] = e.Payload;
        }

        var table = GrowableTable.Build(initial, wide, 1);
        int updated = 0, rebuilt = 0;
        for (long version = 2; version < 400; version++)
        {
            var before = table.Probe;
            var beforeLive = new Dictionary<(ulong, ulong), ulong>(live);
            var removed = live.OrderBy(_ => random.Next()).Take(random.Next(0, 4))
                .Select(p => new TableEntry(p.Key.Item1, p.Key.Item2, p.Value, 0)).ToList();
            foreach (var e in removed)
            {
                live.Remove((e.Key, e.Extra));
            }

            var added = new List<TableEntry>();
            for (int i = random.Next(0, 8); i > 0; i--)
            {
                var e = NewEntry();
                added.Add(e);
                live[(e.Key, e.Extra)] = e.Payload;
            }

            if (table.TryUpdate(removed, added, version))
            {
                updated++;
            }
            else
            {
                rebuilt++;
                table = GrowableTable.Build(live.Select(p => new TableEntry(p.Key.Item1, p.Key.Item2, p.Value, 0)).ToList(), wide, version);
            }

            Assert.Equal(version, table.Version);
            AssertAnswers(table.Probe, wide, live, removed);
            if (version % 50 == 0)
            {
                AssertAnswers(before, wide, beforeLive, added);
            }
        }

        Assert.True(updated > 300 && rebuilt > 0, $"{updated} updates, {rebuilt} rebuilds");
    }

    private static void AssertAnswers(Vmdq.Toolkit.Classification.ProbeTable table, bool wide, Dictionary<(ulong, ulong), ulong> live, List<TableEntry> absent)
    {
        foreach (var pair in live)
        {
            Assert.Equal(pair.Value, Lookup(table, wide, pair.Key.Item1, pair.Key.Item2));
        }

        foreach (var e in absent.Where(e => !live.ContainsKey((e.Key, e.Extra))))
        {
            Assert.Null(Lookup(table, wide, e.Key, e.Extra));
        }
    }

    /// <summary>The kernel's probe, written out: the bucket's displacement, the slot, the key (and extra) compared.</summary>
    private static ulong? Lookup(Vmdq.Toolkit.Classification.ProbeTable table, bool wide, ulong key, ulong extra)
    {
        int keySize = wide ? 16 : 8;
        ulong hash = KeyHash.Hash(key, extra);
        ulong d = BinaryPrimitives.ReadUInt64LittleEndian(table.Displacements.AsSpan((int)KeyHash.Bucket(hash, table.BucketShift) * 8));
        int slot = (int)KeyHash.Slot(hash, d, table.Shift);
        bool hit = BinaryPrimitives.ReadUInt64LittleEndian(table.Keys.AsSpan(slot * keySize)) == key
            && (!wide || BinaryPrimitives.ReadUInt64LittleEndian(table.Keys.AsSpan((slot * keySize) + 8)) == extra);
        return hit ? BinaryPrimitives.ReadUInt64LittleEndian(table.Verdicts.AsSpan(slot * 8)) : null;
    }
}
