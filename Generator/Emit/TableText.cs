using System.Collections.Generic;
using System.IO;
using System.IO.Compression;

namespace Vmdq.Generator.Emit;

/// <summary>
/// A table's bytes as the runtime's <c>TableData.Unpack</c> reads them: deflate-compressed, then 15 bits
/// per character from U+3000 (least significant bits first), in string literals of at most
/// <see cref="PartLength"/> characters. Ordinary string literals cost the C# compiler a token each and go
/// to the assembly's user-string heap as they are; a <c>u8</c> literal or an array initializer costs it a
/// bound node per byte (at 1M rules: tens of seconds and gigabytes).
/// </summary>
internal static class TableText
{
    /// <summary>The character that stands for 0 (the runtime's <c>TableData.First</c>).</summary>
    public const char First = '\u3000';

    /// <summary>Bits per character (the runtime's <c>TableData.BitsPerChar</c>).</summary>
    public const int BitsPerChar = 15;

    /// <summary>Characters per string literal (one line of the generated file).</summary>
    public const int PartLength = 16384;

    /// <summary>A table packed for <c>TableData.Unpack</c>.</summary>
    /// <param name="PackedLength">Compressed bytes.</param>
    /// <param name="Parts">The compressed bytes as text, in literal-sized parts.</param>
    public sealed record Packed(int PackedLength, IReadOnlyList<string> Parts)
    {
        /// <summary>Characters in all parts.</summary>
        public long Length
        {
            get
            {
                long n = 0;
                foreach (var part in Parts)
                {
                    n += part.Length;
                }

                return n;
            }
        }
    }

    /// <summary>Compresses <paramref name="data"/> and writes it as text.</summary>
    public static Packed Pack(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data, 0, data.Length);
        }

        byte[] packed = buffer.ToArray();
        return new Packed(packed.Length, ToText(packed));
    }

    /// <summary><paramref name="bytes"/> as text, 15 bits per character, the last character's padding bits 0.</summary>
    public static IReadOnlyList<string> ToText(byte[] bytes)
    {
        var parts = new List<string>();
        var part = new char[PartLength];
        int used = 0;
        ulong acc = 0;
        int bits = 0;

        void Put(ulong value)
        {
            part[used++] = (char)(First + (int)value);
            if (used == PartLength)
            {
                parts.Add(new string(part));
                used = 0;
            }
        }

        foreach (byte b in bytes)
        {
            acc |= (ulong)b << bits;
            bits += 8;
            if (bits >= BitsPerChar)
            {
                Put(acc & ((1UL << BitsPerChar) - 1));
                acc >>= BitsPerChar;
                bits -= BitsPerChar;
            }
        }

        if (bits > 0)
        {
            Put(acc);
        }

        if (used > 0 || parts.Count == 0)
        {
            parts.Add(new string(part, 0, used));
        }

        return parts;
    }
}
