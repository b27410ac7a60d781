using System;
using System.Buffers.Binary;
using System.Net;
using CsCheck;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The Toeplitz hash against Microsoft's published RSS verification suite and against the bit-by-bit
/// definition (the pseudocode of "RSS hashing functions"), for any key and input.
/// </summary>
public class ToeplitzTests
{
    /// <summary>
    /// Every row of Microsoft's "Verifying the RSS Hash Calculation" tables, with the default key:
    /// https://learn.microsoft.com/windows-hardware/drivers/network/verifying-the-rss-hash-calculation
    /// Columns as published: destination address and port, source address and port, the hash of the
    /// addresses only, the hash with the TCP ports. The input is source address, destination address,
    /// source port, destination port ("RSS hashing functions").
    /// </summary>
    public static readonly TheoryData<string, int, string, int, uint, uint> MicrosoftVectors = new()
    {
        // IPv4
        { "161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178 },
        { "65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea },
        { "12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a },
        { "209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f },
        { "202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2 },
        // IPv6
        { "3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794, 0x2cc18cd5, 0x40207d3d },
        { "ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230, 0x0f0c461c, 0xdde51bbf },
        { "fe80::200:f8ff:fe21:67cf", 38024, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, 0x4b61e985, 0x02d1feef },
    };

    [Theory]
    [MemberData(nameof(MicrosoftVectors))]
    public void MicrosoftVerificationSuite(string destination, int destinationPort, string source, int sourcePort, uint addressesOnly, uint withTcp)
    {
        byte[] src = IPAddress.Parse(source).GetAddressBytes();
        byte[] dst = IPAddress.Parse(destination).GetAddressBytes();
        byte[] addresses = [.. src, .. dst];
        byte[] ports = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(ports, (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ports.AsSpan(2), (ushort)destinationPort);
        byte[] tuple = [.. addresses, .. ports];

        Assert.Equal(addressesOnly, Toeplitz.Default.Hash(addresses));
        Assert.Equal(withTcp, Toeplitz.Default.Hash(tuple));
        Assert.Equal(addressesOnly, BitByBit(Toeplitz.DefaultKey, addresses));
        Assert.Equal(withTcp, BitByBit(Toeplitz.DefaultKey, tuple));
    }

    [Fact]
    public void DefaultKeyIsTheWellKnownOne() =>
        Assert.Equal(
            Convert.FromHexString("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa"),
            Toeplitz.DefaultKey.ToArray());

    [Fact]
    public void TablesEqualTheBitByBitDefinitionForAnyKeyAndInput() =>
        Gen.Select(Gen.Byte.Array[Toeplitz.KeySize], Gen.Byte.Array[0, Toeplitz.MaxInputBytes]).Sample((key, input) =>
            new Toeplitz(key).Hash(input) == BitByBit(key, input));

    [Fact]
    public void TrailingZerosDoNotChangeTheHash() =>
        Gen.Byte.Array[0, 12].Sample(input =>
        {
            var padded = new byte[Toeplitz.MaxInputBytes];
            input.CopyTo(padded, 0);
            return Toeplitz.Default.Hash(padded) == Toeplitz.Default.Hash(input);
        });

    [Fact]
    public void WindowOfEightBytesEqualsTheirHash() =>
        Gen.Select(Gen.Int[0, Toeplitz.MaxInputBytes - 8], Gen.ULong).Sample((position, window) =>
        {
            var input = new byte[Toeplitz.MaxInputBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(input.AsSpan(position), window);
            return Toeplitz.Default.Window8(position, window) == Toeplitz.Default.Hash(input);
        });

    [Fact]
    public void KeyOfAnotherSizeOrInputTooLongIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new Toeplitz(new byte[39]));
        Assert.Throws<ArgumentException>(() => new Toeplitz(new byte[52]));
        Assert.Throws<ArgumentException>(() => Toeplitz.Default.Hash(new byte[Toeplitz.MaxInputBytes + 1]));
    }

    /// <summary>
    /// The pseudocode of Microsoft's "RSS hashing functions", literally: for each input bit from the left, if it
    /// is 1 XOR the left-most 32 bits of K into the result; shift K left one bit.
    /// </summary>
    internal static uint BitByBit(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input)
    {
        var k = new System.Numerics.BigInteger(key, isUnsigned: true, isBigEndian: true);
        int keyBits = key.Length * 8;
        var mask = (System.Numerics.BigInteger.One << keyBits) - 1;
        uint result = 0;
        foreach (byte b in input)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                if (((b >> bit) & 1) == 1)
                {
                    result ^= (uint)(k >> (keyBits - 32));
                }

                k = (k << 1) & mask;
            }
        }

        return result;
    }
}
