using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Vmdq.Rules.Tables;
using Vmdq.Toolkit.Classification;
using KeyHash = Vmdq.Toolkit.Classification.KeyHash;

namespace Vmdq.Toolkit.Engine;

/// <summary>
/// One table kind of a runtime dispatcher, kept so that a change inserts into it and removes from it instead of
/// rebuilding it. The layout is the perfect-hash table's (<see cref="PerfectHashTable"/>: hash and displace, a load
/// factor of at most 0.8 when built): a removed key's slot becomes empty; a new key takes the slot its bucket's
/// displacement gives when it is free, or the bucket is displaced anew (its keys and the new one moved together into
/// free slots, as the builder places a bucket). When the table would pass 0.8 full or no displacement fits, the kind
/// is rebuilt by the builder, with room to grow. Each version gets its own copy of the arrays (readers of the
/// previous version keep theirs), so a change costs copying the kind's arrays, not hashing all its keys again.
/// </summary>
internal sealed class GrowableTable
{
    private const uint MaxDisplacement = 1u << 22;

    private readonly int _keySize;
    private readonly int _bucketShift;
    private readonly int _shift;
    private readonly int _slots;
    private readonly List<TableEntry>?[] _members;
    private byte[] _displacements;
    private byte[] _keys;
    private byte[] _verdicts;
    private int _count;
    private bool _displacementsCopied;

    private GrowableTable(PerfectHashTable table, IReadOnlyList<TableEntry> entries)
    {
        _keySize = table.KeySize;
        _bucketShift = table.BucketShift;
        _shift = table.Shift;
        _slots = table.SlotCount;
        _displacements = table.Displacements;
        _keys = table.Keys;
        _verdicts = table.Verdicts;
        _members = new List<TableEntry>?[table.BucketCount];
        foreach (var entry in entries)
        {
            int b = (int)KeyHash.Bucket(KeyHash.Hash(entry.Key, entry.Extra), _bucketShift);
            (_members[b] ??= new List<TableEntry>(2)).Add(entry);
        }

        _count = entries.Count;
        Probe = new ProbeTable(_displacements, _keys, _verdicts, _bucketShift, _shift);
    }

    /// <summary>The version of the rules whose tables <see cref="Probe"/> is (the state follows only the latest).</summary>
    public long Version { get; private set; }

    /// <summary>The table as the kernel reads it.</summary>
    public ProbeTable Probe { get; private set; }

    /// <summary>Builds the table of <paramref name="entries"/> with the builder the generator uses.</summary>
    public static GrowableTable Build(IReadOnlyList<TableEntry> entries, bool wide, long version) =>
        new(PerfectHashTable.Build(entries, wide), entries) { Version = version };

    /// <summary>The state of <paramref name="table"/>, built from <paramref name="entries"/>.</summary>
    public static GrowableTable Of(PerfectHashTable table, IReadOnlyList<TableEntry> entries, long version) =>
        new(table, entries) { Version = version };

    /// <summary>
    /// The next version: without <paramref name="removed"/>, with <paramref name="added"/> (keys not in the table). False when
    /// the table must be rebuilt instead (it would be more than 0.8 full, or a bucket found no displacement); the state is then
    /// unusable and the caller builds a new one.
    /// </summary>
    public bool TryUpdate(IReadOnlyList<TableEntry> removed, IReadOnlyList<TableEntry> added, long version)
    {
        if ((_count - removed.Count + added.Count) * 5L > _slots * 4L)
        {
            return false;
        }

        // Copies for the new version: readers of the previous one keep reading its arrays (the displacements are copied
        // only if a bucket is displaced anew).
        _displacementsCopied = false;
        _keys = (byte[])_keys.Clone();
        _verdicts = (byte[])_verdicts.Clone();
        foreach (var entry in removed)
        {
            ulong hash = KeyHash.Hash(entry.Key, entry.Extra);
            int b = (int)KeyHash.Bucket(hash, _bucketShift);
            int slot = SlotOf(hash, b);
            if (KeyAt(slot) != entry.Key || ExtraAt(slot) != entry.Extra || _members[b] is not { } list || !list.Remove(Find(list, entry)))
            {
                return false;
            }

            Clear(slot);
            _count--;
        }

        foreach (var entry in added)
        {
            ulong hash = KeyHash.Hash(entry.Key, entry.Extra);
            int b = (int)KeyHash.Bucket(hash, _bucketShift);
            int slot = SlotOf(hash, b);
            var list = _members[b] ??= new List<TableEntry>(2);
            if (KeyAt(slot) == VerdictBits.EmptyKey)
            {
                Write(slot, entry);
            }
            else if (!Displace(b, list, entry))
            {
                return false;
            }

            list.Add(entry);
            _count++;
        }

        Probe = new ProbeTable(_displacements, _keys, _verdicts, _bucketShift, _shift);
        Version = version;
        return true;
    }

    /// <summary>Places bucket <paramref name="b"/>'s keys and <paramref name="entry"/> anew: the first displacement that puts each in a slot that is free or theirs.</summary>
    private bool Displace(int b, List<TableEntry> members, TableEntry entry)
    {
        int size = members.Count + 1;
        var hashes = new ulong[size];
        var own = new HashSet<int>();
        ulong current = BinaryPrimitives.ReadUInt64LittleEndian(_displacements.AsSpan(b * 8));
        for (int i = 0; i < members.Count; i++)
        {
            hashes[i] = KeyHash.Hash(members[i].Key, members[i].Extra);
            own.Add((int)KeyHash.Slot(hashes[i], current, _shift));
        }

        hashes[size - 1] = KeyHash.Hash(entry.Key, entry.Extra);
        var trial = new int[size];
        for (uint d = 0; d < MaxDisplacement; d++)
        {
            ulong displacement = KeyHash.Displacement(d);
            bool placed = true;
            for (int k = 0; k < size && placed; k++)
            {
                int slot = (int)KeyHash.Slot(hashes[k], displacement, _shift);
                placed = own.Contains(slot) || KeyAt(slot) == VerdictBits.EmptyKey;
                for (int j = 0; j < k && placed; j++)
                {
                    placed = trial[j] != slot;
                }

                trial[k] = slot;
            }

            if (placed)
            {
                foreach (int slot in own)
                {
                    Clear(slot);
                }

                for (int k = 0; k < members.Count; k++)
                {
                    Write(trial[k], members[k]);
                }

                Write(trial[size - 1], entry);
                if (!_displacementsCopied)
                {
                    _displacements = (byte[])_displacements.Clone();
                    _displacementsCopied = true;
                }

                BinaryPrimitives.WriteUInt64LittleEndian(_displacements.AsSpan(b * 8), displacement);
                return true;
            }
        }

        return false;
    }

    private static TableEntry Find(List<TableEntry> list, TableEntry entry)
    {
        foreach (var e in list)
        {
            if (e.Key == entry.Key && e.Extra == entry.Extra)
            {
                return e;
            }
        }

        return entry;
    }

    private int SlotOf(ulong hash, int bucket) =>
        (int)KeyHash.Slot(hash, BinaryPrimitives.ReadUInt64LittleEndian(_displacements.AsSpan(bucket * 8)), _shift);

    private ulong KeyAt(int slot) => BinaryPrimitives.ReadUInt64LittleEndian(_keys.AsSpan(slot * _keySize));

    private ulong ExtraAt(int slot) => _keySize == VerdictBits.WideKeySize ? BinaryPrimitives.ReadUInt64LittleEndian(_keys.AsSpan((slot * _keySize) + 8)) : 0;

    private void Write(int slot, TableEntry entry)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_keys.AsSpan(slot * _keySize), entry.Key);
        if (_keySize == VerdictBits.WideKeySize)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_keys.AsSpan((slot * _keySize) + 8), entry.Extra);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(_verdicts.AsSpan(slot * VerdictBits.VerdictSize), entry.Payload);
    }

    private void Clear(int slot) =>
        Write(slot, new TableEntry(VerdictBits.EmptyKey, 0, 0, 0));
}
