using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// The Microsoft RSS Toeplitz hash (NdisHashFunctionToeplitz) with a 40-byte secret key: for each input bit,
/// from the first byte's most significant bit on, a set bit XORs the key's 32 bits starting at that bit's
/// position into the result. NICs (82599, X710...) and Windows, Linux and DPDK hash flows this way.
/// </summary>
/// <remarks>
/// <para>The hash is linear in its input: it is the XOR over input bytes of a value that depends only on the
/// byte's position and value. A <see cref="Toeplitz"/> holds those values for one key, 256 per position for
/// <see cref="MaxInputBytes"/> positions (36 KB), built once; <see cref="Hash(ReadOnlySpan{byte})"/> is then one table load and one
/// XOR per input byte, with no branch on the data. A zero byte adds nothing, so an input padded with zeros
/// hashes as the input without them (an IPv4 tuple hashed in an IPv6-sized buffer keeps its hash).</para>
/// <para>The per-frame paths (<see cref="ToeplitzPath"/>) use carry-less multiplies where the CPU has them
/// (PCLMULQDQ): the hash of a 32-bit input chunk is 32 bits of its carry-less product with 63 key bits, so the
/// 36-byte input is nine multiplies instead of 36 table loads (four frames at once with VPCLMULQDQ).</para>
/// <para>Thread-safe: immutable once built.</para>
/// </remarks>
public sealed partial class Toeplitz
{
    /// <summary>Bytes of a Toeplitz key (320 bits).</summary>
    public const int KeySize = 40;

    /// <summary>
    /// The longest input the key covers: a key of 320 bits hashes 320 - 32 = 288 input bits, 36 bytes (an IPv6
    /// source and destination address and two ports, the longest RSS input).
    /// </summary>
    public const int MaxInputBytes = KeySize - 4;

    private static readonly byte[] s_defaultKey =
    {
        0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
        0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
        0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
        0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
        0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    };

    private static readonly Lazy<Toeplitz> s_default = new(() => new Toeplitz(s_defaultKey));

    private readonly byte[] _key;

    // Position i's 256 values at [i * 256, i * 256 + 255]: the XOR of the key windows of value's set bits.
    private readonly uint[] _table;

    // Chunk c's multiplier for the carry-less paths: key bits 32c..32c + 62, key bit 32c + q at bit q (see Toeplitz.Clmul.cs).
    private readonly ulong[] _chunkKeys;

    /// <summary>Builds the per-byte tables of <paramref name="key"/>.</summary>
    /// <param name="key">A 40-byte secret key.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not <see cref="KeySize"/> bytes.</exception>
    public Toeplitz(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A Toeplitz key is {KeySize} bytes; this one is {key.Length}.", nameof(key));
        }

        _key = key.ToArray();
        _chunkKeys = ChunkKeys(_key);
        _table = new uint[MaxInputBytes * 256];
        Span<uint> windows = stackalloc uint[8];
        for (int position = 0; position < MaxInputBytes; position++)
        {
            // The key's 32 bits starting at each of the byte's 8 bit positions, most significant bit first.
            for (int bit = 0; bit < 8; bit++)
            {
                windows[bit] = KeyWindow(_key, (position * 8) + bit);
            }

            for (int value = 0; value < 256; value++)
            {
                uint sum = 0;
                for (int bit = 0; bit < 8; bit++)
                {
                    if ((value & (0x80 >> bit)) != 0)
                    {
                        sum ^= windows[bit];
                    }
                }

                _table[(position * 256) + value] = sum;
            }
        }
    }

    /// <summary>
    /// The well-known default key (6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa),
    /// the one Microsoft's RSS verification suite and most NIC drivers use.
    /// </summary>
    public static ReadOnlySpan<byte> DefaultKey => s_defaultKey;

    /// <summary>The hash with <see cref="DefaultKey"/> (built on first use).</summary>
    public static Toeplitz Default => s_default.Value;

    /// <summary>The key this hash uses.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>The Toeplitz hash of <paramref name="input"/>: one table load and one XOR per byte, no data-dependent branch.</summary>
    /// <param name="input">At most <see cref="MaxInputBytes"/> bytes, e.g. source address, destination address, source port, destination port, in network byte order.</param>
    /// <exception cref="ArgumentException"><paramref name="input"/> is longer than <see cref="MaxInputBytes"/>.</exception>
    public uint Hash(ReadOnlySpan<byte> input)
    {
        if (input.Length > MaxInputBytes)
        {
            throw new ArgumentException($"A {KeySize}-byte key hashes at most {MaxInputBytes} bytes; the input has {input.Length}.", nameof(input));
        }

        ref uint table = ref MemoryMarshal.GetArrayDataReference(_table);
        uint hash = 0;
        for (int i = 0; i < input.Length; i++)
        {
            hash ^= Unsafe.Add(ref table, (i << 8) | input[i]);
        }

        return hash;
    }

    /// <summary>The contribution of byte <paramref name="value"/> at input position <paramref name="position"/> (0..35), without checks: the caller keeps both in range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint At(int position, uint value) =>
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_table), (nint)(((uint)position << 8) | (value & 0xFF)));

    /// <summary>The XOR of the contributions of the 8 bytes of <paramref name="window"/> (first byte lowest, as loaded little-endian) at positions <paramref name="position"/>..+7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint Window8(int position, ulong window)
    {
        ref uint t = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_table), position << 8);
        return Unsafe.Add(ref t, (nint)(window & 0xFF))
            ^ Unsafe.Add(ref t, (nint)(256 + ((window >> 8) & 0xFF)))
            ^ Unsafe.Add(ref t, (nint)(512 + ((window >> 16) & 0xFF)))
            ^ Unsafe.Add(ref t, (nint)(768 + ((window >> 24) & 0xFF)))
            ^ Unsafe.Add(ref t, (nint)(1024 + ((window >> 32) & 0xFF)))
            ^ Unsafe.Add(ref t, (nint)(1280 + ((window >> 40) & 0xFF)))
            ^ Unsafe.Add(ref t, (nint)(1536 + ((window >> 48) & 0xFF)))
            ^ Unsafe.Add(ref t, (nint)(1792 + (window >> 56)));
    }

    /// <summary>The key's 32 bits starting at bit <paramref name="bit"/> (bit 0 is the first byte's most significant).</summary>
    private static uint KeyWindow(byte[] key, int bit)
    {
        int at = bit >> 3;
        ulong five = 0;
        for (int i = 0; i < 5; i++)
        {
            five = (five << 8) | (at + i < key.Length ? key[at + i] : 0u);
        }

        return (uint)(five >> (8 - (bit & 7)));
    }
}
