using System;
using System.Collections.Generic;

namespace Vmdq.Rules.Tables;

/// <summary>One key of a table: <see cref="Key"/> and, in a wide table, <see cref="Extra"/>, and the verdict bits it maps to.</summary>
/// <param name="Key">Main key (a MAC, VLAN ID, VNI or VSID, with a tunnel-type bit; a MAC with its VLAN at bit 48), below 2^62.</param>
/// <param name="Extra">Second key part (VNI/VSID with an inner MAC) in a wide table, below 2^24; 0 in the others.</param>
/// <param name="Payload">Verdict bits (below 2^40).</param>
/// <param name="Line">The rules-file line it comes from (for the generated comments).</param>
internal readonly record struct TableEntry(ulong Key, ulong Extra, ulong Payload, int Line);

/// <summary>
/// A perfect-hash table computed at build time (hash and displace, as in CHD): every key has its own
/// slot, found with one displacement read and one key read, and no probing. A slot's verdict lives in a
/// separate array at the same index, so the key arrays stay dense (8 bytes per slot, 16 in a wide
/// table) and a dispatcher fetches one verdict per frame, for the slot that won.
/// </summary>
internal sealed class PerfectHashTable
{
    /// <summary>The key of an empty slot (<see cref="VerdictBits.EmptyKey"/>).</summary>
    public const ulong EmptyKey = VerdictBits.EmptyKey;

    private PerfectHashTable(byte[] displacements, byte[] keys, byte[] verdicts, int keySize, int bucketCount, int slotCount, int[] slotOfEntry)
    {
        Displacements = displacements;
        Keys = keys;
        Verdicts = verdicts;
        KeySize = keySize;
        BucketCount = bucketCount;
        SlotCount = slotCount;
        SlotOfEntry = slotOfEntry;
    }

    /// <summary>One little-endian ulong per bucket: the displacement, pre-multiplied (<see cref="KeyHash.Displacement"/>).</summary>
    public byte[] Displacements { get; }

    /// <summary><see cref="KeySize"/> bytes per slot, little-endian: the key (<see cref="EmptyKey"/> when empty), then in a wide table the extra part.</summary>
    public byte[] Keys { get; }

    /// <summary><see cref="VerdictBits.VerdictSize"/> bytes per slot, little-endian: the verdict bits (0 for an empty slot).</summary>
    public byte[] Verdicts { get; }

    /// <summary>Bytes per key: <see cref="VerdictBits.KeySize"/>, or <see cref="VerdictBits.WideKeySize"/> in a wide table.</summary>
    public int KeySize { get; }

    /// <summary>Bytes of table data: displacements, keys and verdicts.</summary>
    public long Bytes => (long)Displacements.Length + Keys.Length + Verdicts.Length;

    /// <summary>Number of buckets (a power of two).</summary>
    public int BucketCount { get; }

    /// <summary>Number of slots (a power of two, at least 2).</summary>
    public int SlotCount { get; }

    /// <summary>Right shift that takes a bucket index from the top bits of the key hash.</summary>
    public int BucketShift => 64 - Log2(BucketCount);

    /// <summary>Right shift that takes a slot index from the top bits of the slot hash.</summary>
    public int Shift => 64 - Log2(SlotCount);

    /// <summary>For each input entry, the slot it landed in.</summary>
    public int[] SlotOfEntry { get; }

    /// <summary>Builds a table for <paramref name="entries"/> (keys must be distinct).</summary>
    /// <param name="entries">The keys and their verdicts.</param>
    /// <param name="wide">True for 16-byte keys (key and extra); false for 8-byte keys, whose entries have no extra part.</param>
    /// <exception cref="InvalidOperationException">Two entries share a key, a key is out of range, or no displacement separates them.</exception>
    public static PerfectHashTable Build(IReadOnlyList<TableEntry> entries, bool wide)
    {
        int n = entries.Count;
        var all = entries as TableEntry[] ?? System.Linq.Enumerable.ToArray(entries);
        var hashes = new ulong[n];

        // Narrow entries have no extra part: their keys alone are checked for repeats, in a set of ulongs (faster than pairs at 1M keys).
        var seen = wide ? new HashSet<(ulong, ulong)>() : null;
        var seenKeys = wide ? null : new HashSet<ulong>();
        for (int i = 0; i < n; i++)
        {
            var entry = all[i];
            if (entry.Key >= EmptyKey || entry.Extra >= (wide ? 1UL << 24 : 1UL))
            {
                throw new InvalidOperationException($"Key {entry.Key:X}/{entry.Extra:X} (line {entry.Line}) is out of the table's key range.");
            }

            if ((entry.Payload & ~VerdictBits.VerdictMask) != 0)
            {
                throw new InvalidOperationException($"Verdict {entry.Payload:X} (line {entry.Line}) has bits above the verdict layout's {VerdictBits.VerdictBitCount}.");
            }

            if (!(seenKeys?.Add(entry.Key) ?? seen!.Add((entry.Key, entry.Extra))))
            {
                throw new InvalidOperationException($"Key {entry.Key:X}/{entry.Extra:X} (line {entry.Line}) is in the table twice.");
            }

            hashes[i] = KeyHash.Hash(entry.Key, entry.Extra);
        }

        // Load factor at most 0.8; about two keys per bucket.
        int slotCount = NextPowerOfTwo(Math.Max(2, n + (n / 4)));
        int bucketCount = NextPowerOfTwo(Math.Max(2, (n + 1) / 2));
        for (int attempt = 0; attempt < 4; attempt++, slotCount *= 2)
        {
            if (TryPlace(all, hashes, wide ? VerdictBits.WideKeySize : VerdictBits.KeySize, bucketCount, slotCount, out var table))
            {
                return table!;
            }
        }

        throw new InvalidOperationException($"No perfect hash found for {n} keys: two keys share a 64-bit hash.");
    }

    private static bool TryPlace(TableEntry[] entries, ulong[] hashes, int keySize, int bucketCount, int slotCount, out PerfectHashTable? table)
    {
        table = null;
        int n = entries.Length;
        int shift = 64 - Log2(slotCount);
        int bucketShift = 64 - Log2(bucketCount);

        // Group entries by bucket, then place the largest buckets first.
        var bucketSize = new int[bucketCount];
        for (int i = 0; i < n; i++)
        {
            bucketSize[KeyHash.Bucket(hashes[i], bucketShift)]++;
        }

        var bucketStart = new int[bucketCount + 1];
        for (int b = 0; b < bucketCount; b++)
        {
            bucketStart[b + 1] = bucketStart[b] + bucketSize[b];
        }

        var members = new int[n];
        var fill = (int[])bucketStart.Clone();
        for (int i = 0; i < n; i++)
        {
            members[fill[KeyHash.Bucket(hashes[i], bucketShift)]++] = i;
        }

        // Stable order: by size descending, then bucket index (deterministic output); a counting sort by size.
        int largest = 0;
        for (int b = 0; b < bucketCount; b++)
        {
            largest = Math.Max(largest, bucketSize[b]);
        }

        var firstOfSize = new int[largest + 2];
        for (int b = 0; b < bucketCount; b++)
        {
            firstOfSize[largest - bucketSize[b] + 1]++;
        }

        for (int k = 1; k < firstOfSize.Length; k++)
        {
            firstOfSize[k] += firstOfSize[k - 1];
        }

        var order = new int[bucketCount];
        for (int b = 0; b < bucketCount; b++)
        {
            order[firstOfSize[largest - bucketSize[b]]++] = b;
        }

        var taken = new bool[slotCount];
        var displacement = new uint[bucketCount];
        var slotOfEntry = new int[n];
        var trial = new int[16];
        const uint maxDisplacement = 1u << 22;
        foreach (int b in order)
        {
            int size = bucketSize[b];
            if (size == 0)
            {
                break;
            }

            if (trial.Length < size)
            {
                trial = new int[size];
            }

            bool placed = false;
            for (uint d = 0; d < maxDisplacement && !placed; d++)
            {
                placed = true;
                for (int k = 0; k < size; k++)
                {
                    int slot = (int)KeyHash.Slot(hashes[members[bucketStart[b] + k]], KeyHash.Displacement(d), shift);
                    bool clash = taken[slot];
                    for (int j = 0; j < k && !clash; j++)
                    {
                        clash = trial[j] == slot;
                    }

                    if (clash)
                    {
                        placed = false;
                        break;
                    }

                    trial[k] = slot;
                }

                if (placed)
                {
                    displacement[b] = d;
                    for (int k = 0; k < size; k++)
                    {
                        taken[trial[k]] = true;
                        slotOfEntry[members[bucketStart[b] + k]] = trial[k];
                    }
                }
            }

            if (!placed)
            {
                return false;
            }
        }

        var keys = new byte[slotCount * keySize];
        var verdicts = new byte[slotCount * VerdictBits.VerdictSize];
        for (int s = 0; s < slotCount; s++)
        {
            WriteUInt64(keys, s * keySize, EmptyKey);
        }

        for (int i = 0; i < n; i++)
        {
            int slot = slotOfEntry[i];
            WriteUInt64(keys, slot * keySize, entries[i].Key);
            if (keySize == VerdictBits.WideKeySize)
            {
                WriteUInt64(keys, (slot * keySize) + 8, entries[i].Extra);
            }

            WriteUInt64(verdicts, slot * VerdictBits.VerdictSize, entries[i].Payload);
        }

        var displacements = new byte[bucketCount * 8];
        for (int b = 0; b < bucketCount; b++)
        {
            WriteUInt64(displacements, b * 8, KeyHash.Displacement(displacement[b]));
        }

        table = new PerfectHashTable(displacements, keys, verdicts, keySize, bucketCount, slotCount, slotOfEntry);
        return true;
    }

    /// <summary>Looks a key up the way the generated code does (for tests and the table's own check).</summary>
    public bool TryLookup(ulong key, ulong extra, out ulong payload)
    {
        ulong hash = KeyHash.Hash(key, extra);
        ulong d = BitConverter.ToUInt64(Displacements, (int)KeyHash.Bucket(hash, BucketShift) * 8);
        int slot = (int)KeyHash.Slot(hash, d, Shift);
        ulong storedKey = BitConverter.ToUInt64(Keys, slot * KeySize);
        ulong storedExtra = KeySize == VerdictBits.WideKeySize ? BitConverter.ToUInt64(Keys, (slot * KeySize) + 8) : 0;
        payload = BitConverter.ToUInt64(Verdicts, slot * VerdictBits.VerdictSize);
        return storedKey == key && storedExtra == extra;
    }

    private static void WriteUInt64(byte[] buffer, int at, ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            buffer[at + i] = (byte)(value >> (8 * i));
        }
    }

    private static int NextPowerOfTwo(int value)
    {
        int p = 1;
        while (p < value)
        {
            p <<= 1;
        }

        return p;
    }

    private static int Log2(int powerOfTwo)
    {
        int log = 0;
        while ((1 << log) < powerOfTwo)
        {
            log++;
        }

        return log;
    }
}
