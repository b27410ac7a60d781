using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vmdq.Toolkit.Classification;

// The per-frame hash of RssHash's 36-byte input, by table loads or by carry-less multiplies.
//
// Why a carry-less multiply computes a Toeplitz hash: hash bit j (j = 0 the most significant) is the XOR over input
// bits i (i = 0 the first byte's most significant) of d_i & k_(i+j), k the key's bits from its first byte's most
// significant on. Take a 32-bit chunk of the input that starts at input bit 32c, read big-endian (its bit p is
// d_(32c+31-p)), and the multiplier B_c whose bit q is k_(32c+q), q = 0..62. Bit m of their carry-less product is the
// XOR over p + q = m of d_(32c+31-p) & k_(32c+q); with i = 32c + 31 - p that is k_(i + m - 31): so product bit 31 + j
// is chunk c's share of hash bit j. The products of the nine chunks XORed, bits 31..62 are the hash's bits 0..31
// from the most significant down: the hash is those 32 bits reversed.
public sealed partial class Toeplitz
{
    /// <summary>The fastest path this CPU runs.</summary>
    internal static ToeplitzPath BestPath { get; } =
        Pclmulqdq.V256.IsSupported && Avx2.IsSupported ? ToeplitzPath.Clmul4 : Pclmulqdq.IsSupported ? ToeplitzPath.Clmul : ToeplitzPath.Table;

    /// <summary>
    /// The hash of one frame's RSS input (36 bytes: <paramref name="input"/>'s W0..W3 whole, W4's low four bytes) on
    /// <paramref name="path"/> (a carry-less path the CPU lacks runs the table path).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint Hash(in RssHash.Input input, ToeplitzPath path) =>
        path != ToeplitzPath.Table && Pclmulqdq.IsSupported ? ClmulHash(in input) : TableHash(in input);

    /// <summary>The hashes of four frames' RSS inputs, lane k for frame k (the low 32 bits of each lane), on <paramref name="path"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Vector256<ulong> Hash4(in RssHash.Input4 input, ToeplitzPath path)
    {
        if (path == ToeplitzPath.Clmul4 && Pclmulqdq.V256.IsSupported && Avx2.IsSupported)
        {
            return ClmulHash4(in input);
        }

        return Vector256.Create((ulong)Hash(input.Lane(0), path), Hash(input.Lane(1), path), Hash(input.Lane(2), path), Hash(input.Lane(3), path));
    }

    /// <summary>The multipliers of the nine 32-bit input chunks: B_c's bit q is key bit 32c + q (most significant first), q = 0..62.</summary>
    private static ulong[] ChunkKeys(byte[] key)
    {
        var keys = new ulong[MaxInputBytes / 4];
        for (int c = 0; c < keys.Length; c++)
        {
            for (int q = 0; q < 63; q++)
            {
                int bit = (32 * c) + q;
                keys[c] |= (ulong)((key[bit >> 3] >> (7 - (bit & 7))) & 1) << q;
            }
        }

        return keys;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint TableHash(in RssHash.Input input) =>
        Window8(0, input.W0) ^ Window8(8, input.W1) ^ Window8(16, input.W2) ^ Window8(24, input.W3)
        ^ At(32, (uint)input.W4) ^ At(33, (uint)(input.W4 >> 8)) ^ At(34, (uint)(input.W4 >> 16)) ^ At(35, (uint)(input.W4 >> 24));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ClmulHash(in RssHash.Input input)
    {
        ref ulong k = ref MemoryMarshal.GetArrayDataReference(_chunkKeys);
        var product = TwoChunks(input.W0, ref k) ^ TwoChunks(input.W1, ref Unsafe.Add(ref k, 2))
            ^ TwoChunks(input.W2, ref Unsafe.Add(ref k, 4)) ^ TwoChunks(input.W3, ref Unsafe.Add(ref k, 6))
            ^ Pclmulqdq.CarrylessMultiply(
                Vector128.CreateScalarUnsafe((ulong)BinaryPrimitives.ReverseEndianness((uint)input.W4)),
                Vector128.CreateScalarUnsafe(Unsafe.Add(ref k, 8)),
                0x00);
        return ReverseBits((uint)(product.ToScalar() >> 31));
    }

    /// <summary>The products of a window's two chunks (its first four bytes, then its last four, each big-endian) with their multipliers, XORed (in the low 64 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> TwoChunks(ulong window, ref ulong keys)
    {
        ulong be = BinaryPrimitives.ReverseEndianness(window);
        var chunks = Vector128.Create(be >> 32, be & 0xFFFF_FFFF);
        var multipliers = Vector128.Create(keys, Unsafe.Add(ref keys, 1));
        return Pclmulqdq.CarrylessMultiply(chunks, multipliers, 0x00) ^ Pclmulqdq.CarrylessMultiply(chunks, multipliers, 0x11);
    }

    /// <summary>Four frames at once: per chunk, one 256-bit multiply for frames 0 and 2 and one for frames 1 and 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<ulong> ClmulHash4(in RssHash.Input4 input)
    {
        ref ulong k = ref MemoryMarshal.GetArrayDataReference(_chunkKeys);
        Vector256<ulong> even = default, odd = default;
        TwoChunks4(input.W0, ref k, ref even, ref odd);
        TwoChunks4(input.W1, ref Unsafe.Add(ref k, 2), ref even, ref odd);
        TwoChunks4(input.W2, ref Unsafe.Add(ref k, 4), ref even, ref odd);
        TwoChunks4(input.W3, ref Unsafe.Add(ref k, 6), ref even, ref odd);

        // W4's four bytes: one chunk, the high half of the byte-reversed window.
        var last = Avx2.Shuffle(input.W4.AsByte(), Masks.ReverseLanes).AsUInt64() >> 32;
        var multiplier = Vector256.Create(Unsafe.Add(ref k, 8));
        even ^= Pclmulqdq.V256.CarrylessMultiply(last, multiplier, 0x00);
        odd ^= Pclmulqdq.V256.CarrylessMultiply(last, multiplier, 0x01);

        // Products' low halves: [frame 0, frame 1 | frame 2, frame 3]; bits 31..62 of each, reversed.
        var low = Avx2.UnpackLow(even, odd) >> 31;
        return ReverseBits4(low);
    }

    /// <summary>Adds a window's two chunks' products for four frames: lanes 0 and 2 (the low qword of each 128-bit half) into <paramref name="even"/>, lanes 1 and 3 into <paramref name="odd"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TwoChunks4(Vector256<ulong> window, ref ulong keys, ref Vector256<ulong> even, ref Vector256<ulong> odd)
    {
        var be = Avx2.Shuffle(window.AsByte(), Masks.ReverseLanes).AsUInt64();
        var first = be >> 32;
        var second = be & Vector256.Create(0xFFFF_FFFFUL);
        var firstKey = Vector256.Create(keys);
        var secondKey = Vector256.Create(Unsafe.Add(ref keys, 1));

        // Control 0x00: each half's low qword times the multiplier; 0x01: its high qword.
        even ^= Pclmulqdq.V256.CarrylessMultiply(first, firstKey, 0x00) ^ Pclmulqdq.V256.CarrylessMultiply(second, secondKey, 0x00);
        odd ^= Pclmulqdq.V256.CarrylessMultiply(first, firstKey, 0x01) ^ Pclmulqdq.V256.CarrylessMultiply(second, secondKey, 0x01);
    }

    /// <summary>The low 32 bits of <paramref name="x"/> in reverse bit order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReverseBits(uint x)
    {
        x = ((x >> 1) & 0x5555_5555u) | ((x & 0x5555_5555u) << 1);
        x = ((x >> 2) & 0x3333_3333u) | ((x & 0x3333_3333u) << 2);
        x = ((x >> 4) & 0x0F0F_0F0Fu) | ((x & 0x0F0F_0F0Fu) << 4);
        return BinaryPrimitives.ReverseEndianness(x);
    }

    /// <summary>Each lane's low 32 bits in reverse bit order (the high 32 bits zero): bits reversed in each byte by nibble lookups, then the four bytes reversed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> ReverseBits4(Vector256<ulong> x)
    {
        var bytes = x.AsByte();
        var nibble = Vector256.Create((byte)0x0F);
        var low = Avx2.Shuffle(Masks.ReverseNibbles, bytes & nibble);
        var high = Avx2.Shuffle(Masks.ReverseNibbles, (x.AsUInt16() >> 4).AsByte() & nibble);
        var reversed = (low.AsUInt16() << 4).AsByte() | high;
        return Avx2.Shuffle(reversed, Masks.ReverseLowDword).AsUInt64();
    }

    /// <summary>The shuffle constants of the four-frame path, made where they are used (the JIT keeps them with the code: no static field, so no class-initialization check in the kernel).</summary>
    private static class Masks
    {
        /// <summary>A nibble's four bits reversed, indexed by the nibble.</summary>
        internal static Vector256<byte> ReverseNibbles
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256.Create(
                (byte)0x0, 0x8, 0x4, 0xC, 0x2, 0xA, 0x6, 0xE, 0x1, 0x9, 0x5, 0xD, 0x3, 0xB, 0x7, 0xF,
                0x0, 0x8, 0x4, 0xC, 0x2, 0xA, 0x6, 0xE, 0x1, 0x9, 0x5, 0xD, 0x3, 0xB, 0x7, 0xF);
        }

        /// <summary>Each 64-bit lane: its bytes reversed (a window read little-endian, as big-endian).</summary>
        internal static Vector256<byte> ReverseLanes
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256.Create(
                (byte)7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
        }

        /// <summary>Each 64-bit lane: the low four bytes reversed, the high four zero.</summary>
        internal static Vector256<byte> ReverseLowDword
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256.Create(
                (byte)3, 2, 1, 0, 0x80, 0x80, 0x80, 0x80, 11, 10, 9, 8, 0x80, 0x80, 0x80, 0x80,
                3, 2, 1, 0, 0x80, 0x80, 0x80, 0x80, 11, 10, 9, 8, 0x80, 0x80, 0x80, 0x80);
        }
    }
}
