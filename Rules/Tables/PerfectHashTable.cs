using System;
using System.Collections.Generic;

namespace Vmdq.Rules.Tables;

/// <summary>One key of a table: <see cref="Key"/> plus up to 24 <see cref="Extra"/> bits, and the verdict bits it maps to.</summary>
/// <param name="Key">Main key (a MAC, VLAN ID, VNI or VSID, with a tunnel-type bit), below 2^62.</param>
/// <param name="Extra">Second key part (VLAN with a MAC, VNI/VSID with an inner MAC), below 2^24.</param>
/// <param name="Payload">Verdict bits (below 2^40).</param>
/// <param name="Line">The rules-file line it comes from (for the generated comments).</param>
internal readonly record struct TableEntry(ulong Key, ulong Extra, ulong Payload, int Line);

/// <summary>
/// A perfect-hash table computed at build time (hash and displace, as in CHD): every key has its own
/// slot, found with one displacement read and one slot read, and no probing.
/// </summary>
internal sealed class PerfectHashTable
{
    /// <summary>Bytes per slot: key (8) and payload (8) (<see cref="VerdictBits.SlotSize"/>).</summary>
    public const int SlotSize = VerdictBits.SlotSize;

    /// <summary>The key of an empty slot (<see cref="VerdictBits.EmptyKey"/>).</summary>
    public const ulong EmptyKey = VerdictBits.EmptyKey;

    /// <summary>Bit position of a slot payload's extra key bits; the payload's low bits are the verdict (<see cref="VerdictBits.ExtraShift"/>).</summary>
    public const int ExtraShift = VerdictBits.ExtraShift;

    private PerfectHashTable(byte[] displacements, byte[] slots, int bucketCount, int slotCount, int[] slotOfEntry)
    {
        Displacements = displacements;
        Slots = slots;
        BucketCount = bucketCount;
        SlotCount = slotCount;
        SlotOfEntry = slotOfEntry;
    }

    /// <summary>One little-endian ulong per bucket: the displacement, pre-multiplied (<see cref="KeyHash.Displacement"/>).</summary>
    public byte[] Displacements { get; }

    /// <summary><see cref="SlotSize"/> bytes per slot, little-endian.</summary>
    public byte[] Slots { get; }

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
    /// <exception cref="InvalidOperationException">Two entries share a key, or no displacement separates them.</exception>
    public static PerfectHashTable Build(IReadOnlyList<TableEntry> entries)
    {
        int n = entries.Count;
        var hashes = new ulong[n];
        var seen = new HashSet<(ulong, ulong)>();
        for (int i = 0; i < n; i++)
        {
            if (entries[i].Key >= EmptyKey || entries[i].Extra >= 1UL << VerdictBits.ExtraBits)
            {
                throw new InvalidOperationException($"Key {entries[i].Key:X}/{entries[i].Extra:X} (line {entries[i].Line}) is out of the table's key range.");
            }

            if (!seen.Add((entries[i].Key, entries[i].Extra)))
            {
                throw new InvalidOperationException($"Key {entries[i].Key:X}/{entries[i].Extra:X} (line {entries[i].Line}) is in the table twice.");
            }

            hashes[i] = KeyHash.Hash(entries[i].Key, entries[i].Extra);
        }

        // Load factor at most 0.8; about two keys per bucket.
        int slotCount = NextPowerOfTwo(Math.Max(2, n + (n / 4)));
        int bucketCount = NextPowerOfTwo(Math.Max(2, (n + 1) / 2));
        for (int attempt = 0; attempt < 4; attempt++, slotCount *= 2)
        {
            if (TryPlace(entries, hashes, bucketCount, slotCount, out var table))
            {
                return table!;
            }
        }

        throw new InvalidOperationException($"No perfect hash found for {n} keys: two keys share a 64-bit hash.");
    }

    private static bool TryPlace(IReadOnlyList<TableEntry> entries, ulong[] hashes, int bucketCount, int slotCount, out PerfectHashTable? table)
    {
        table = null;
        int n = entries.Count;
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

        var order = new int[bucketCount];
        for (int b = 0; b < bucketCount; b++)
        {
            order[b] = b;
        }

        // Stable order: by size descending, then bucket index (deterministic output).
        Array.Sort(order, (x, y) => bucketSize[y] != bucketSize[x] ? bucketSize[y].CompareTo(bucketSize[x]) : x.CompareTo(y));

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

        var slots = new byte[slotCount * SlotSize];
        for (int s = 0; s < slotCount; s++)
        {
            WriteUInt64(slots, s * SlotSize, EmptyKey);
        }

        for (int i = 0; i < n; i++)
        {
            int at = slotOfEntry[i] * SlotSize;
            WriteUInt64(slots, at, entries[i].Key);
            WriteUInt64(slots, at + VerdictBits.PayloadOffset, entries[i].Payload | (entries[i].Extra << ExtraShift));
        }

        var displacements = new byte[bucketCount * 8];
        for (int b = 0; b < bucketCount; b++)
        {
            WriteUInt64(displacements, b * 8, KeyHash.Displacement(displacement[b]));
        }

        table = new PerfectHashTable(displacements, slots, bucketCount, slotCount, slotOfEntry);
        return true;
    }

    /// <summary>Looks a key up the way the generated code does (for tests and the table's own check).</summary>
    public bool TryLookup(ulong key, ulong extra, out ulong payload)
    {
        ulong hash = KeyHash.Hash(key, extra);
        ulong d = BitConverter.ToUInt64(Displacements, (int)KeyHash.Bucket(hash, BucketShift) * 8);
        int slot = (int)KeyHash.Slot(hash, d, Shift);
        ulong storedKey = BitConverter.ToUInt64(Slots, slot * SlotSize);
        ulong stored = BitConverter.ToUInt64(Slots, (slot * SlotSize) + VerdictBits.PayloadOffset);
        payload = stored & VerdictBits.PayloadMask;
        return storedKey == key && (stored >> ExtraShift) == extra;
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
