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
            var table = PerfectHashTable.Build(entries, wide: true);
            Assert.Equal(16, table.KeySize);
            Assert.Equal(table.SlotCount * 16, table.Keys.Length);
            Assert.Equal(table.SlotCount * 8, table.Verdicts.Length);
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
    public void NarrowTablesHoldEightByteKeysAndVerdictsApart()
    {
        Gen.ULong[0, (1UL << 60) - 1].HashSet[1, 3000].Sample(keys =>
        {
            var entries = keys.Select((k, i) => new TableEntry(k, 0, ((ulong)i + 1) << 3, i)).ToList();
            var table = PerfectHashTable.Build(entries, wide: false);
            Assert.Equal(8, table.KeySize);
            Assert.Equal(table.SlotCount * 8, table.Keys.Length);
            Assert.Equal(table.SlotCount * 8, table.Verdicts.Length);
            for (int i = 0; i < entries.Count; i++)
            {
                int slot = table.SlotOfEntry[i];
                Assert.Equal(entries[i].Key, BitConverter.ToUInt64(table.Keys, slot * 8));
                Assert.Equal(entries[i].Payload, BitConverter.ToUInt64(table.Verdicts, slot * 8));
                Assert.True(table.TryLookup(entries[i].Key, 0, out ulong payload));
                Assert.Equal(entries[i].Payload, payload);
                Assert.False(table.TryLookup(entries[i].Key ^ (1UL << 59), 0, out _));
            }

            // Every other slot is empty: its key is 2^62, its verdict 0.
            var used = table.SlotOfEntry.ToHashSet();
            foreach (int slot in Enumerable.Range(0, table.SlotCount).Where(s => !used.Contains(s)))
            {
                Assert.Equal(PerfectHashTable.EmptyKey, BitConverter.ToUInt64(table.Keys, slot * 8));
                Assert.Equal(0UL, BitConverter.ToUInt64(table.Verdicts, slot * 8));
            }
        }, iter: 30);
    }

    [Theory]
    [InlineData(1UL << 62, 0UL, false, "out of the table's key range")]
    [InlineData(5UL, 1UL, false, "out of the table's key range")]
    [InlineData(5UL, 1UL << 24, true, "out of the table's key range")]
    public void KeysOutOfTheLayoutAreRejectedWithTheirLine(ulong key, ulong extra, bool wide, string message)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PerfectHashTable.Build(new[] { new TableEntry(key, extra, 1, 12) }, wide));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 12", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VerdictsWithBitsAboveTheLayoutAreRejected()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PerfectHashTable.Build(new[] { new TableEntry(5, 0, 1UL << 41, 4) }, wide: false));
        Assert.Contains("(line 4) has bits above the verdict layout's 41", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildIsDeterministic()
    {
        var entries = Enumerable.Range(0, 5000).Select(i => new TableEntry((ulong)i * 7919, 0, (ulong)i, i)).ToList();
        var a = PerfectHashTable.Build(entries, wide: false);
        var b = PerfectHashTable.Build(entries, wide: false);
        Assert.Equal(a.Keys, b.Keys);
        Assert.Equal(a.Verdicts, b.Verdicts);
        Assert.Equal(a.Displacements, b.Displacements);
    }

    [Fact]
    public void DuplicateKeysAreRejectedWithTheirLine()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PerfectHashTable.Build(new[] { new TableEntry(5, 0, 1, 3), new TableEntry(5, 0, 2, 9) }, wide: false));
        Assert.Contains("line 9", ex.Message);
    }
}
