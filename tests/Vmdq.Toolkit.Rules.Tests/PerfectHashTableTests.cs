using System;
using System.Linq;
using CsCheck;
using Vmdq.Rules.Tables;

namespace Vmdq.Toolkit.Rules.Tests;

public class PerfectHashTableTests
{
    [Fact]
    public void EveryKeyIsFoundAndOtherKeysAreNot()
    {
        Gen.Select(Gen.ULong[0, 0xFFFF_FFFF_FFFF].HashSet[0, 3000], Gen.Int[0, 0xFFFFFF]).Sample((keys, extra) =>
        {
            var entries = keys.Select((k, i) => new TableEntry(k, (ulong)(i % 3 == 0 ? extra : 0), (ulong)i + 1, i)).ToList();
            var table = PerfectHashTable.Build(entries);
            Assert.True(table.SlotCount >= Math.Max(2, entries.Count));
            Assert.Equal(entries.Count, table.SlotOfEntry.Distinct().Count());
            foreach (var e in entries)
            {
                Assert.True(table.TryLookup(e.Key, e.Extra, out ulong payload));
                Assert.Equal(e.Payload, payload);
            }

            foreach (var e in entries.Take(50))
            {
                Assert.False(table.TryLookup(e.Key ^ 0x1_0000_0000_0000UL, e.Extra, out _));
                Assert.False(table.TryLookup(e.Key, e.Extra ^ 1, out _));
            }
        }, iter: 60);
    }

    [Fact]
    public void BuildIsDeterministic()
    {
        var entries = Enumerable.Range(0, 5000).Select(i => new TableEntry((ulong)i * 7919, 0, (ulong)i, i)).ToList();
        var a = PerfectHashTable.Build(entries);
        var b = PerfectHashTable.Build(entries);
        Assert.Equal(a.Slots, b.Slots);
        Assert.Equal(a.Displacements, b.Displacements);
    }

    [Fact]
    public void DuplicateKeysAreRejectedWithTheirLine()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PerfectHashTable.Build(new[] { new TableEntry(5, 0, 1, 3), new TableEntry(5, 0, 2, 9) }));
        Assert.Contains("line 9", ex.Message);
    }
}
