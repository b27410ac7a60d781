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

    /// <summary>A table packed for <c>TableData.Unpack</c> (<paramref name="RowSize"/> 1) or <c>TableData.UnpackRows</c>.</summary>
    /// <param name="PackedLength">Compressed bytes.</param>
    /// <param name="Parts">The compressed bytes as text, in literal-sized parts.</param>
    /// <param name="RowSize">Bytes per row when the rows were stored column by column (<see cref="Columns"/>); 1 when stored as they are.</param>
    public sealed record Packed(int PackedLength, IReadOnlyList<string> Parts, int RowSize = 1)
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

    /// <summary>Compresses <paramref name="data"/> as it is and writes it as text (<c>TableData.Unpack</c>).</summary>
    public static Packed Pack(byte[] data) => Pack(data, 1);

    /// <summary>
    /// Compresses <paramref name="data"/>, a table of rows of <paramref name="rowSize"/> bytes, column by column (byte 0 of
    /// every row, then byte 1, ...; <c>TableData.UnpackRows</c>), and writes it as text. A column of a table is alike from row
    /// to row (the high bytes of keys and verdicts are mostly equal, empty slots repeat), so deflate finds long matches in it:
    /// the bench's 1M-rule tables pack to 4.5M characters instead of 7.0M, in less time. A length that is not a whole number
    /// of rows, or a row size of 1, is compressed as it is.
    /// </summary>
    public static Packed Pack(byte[] data, int rowSize)
    {
        bool columns = rowSize > 1 && data.Length % rowSize == 0;
        var input = columns ? Columns(data, rowSize) : data;
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(input, 0, input.Length);
        }

        byte[] packed = buffer.ToArray();
        return new Packed(packed.Length, ToText(packed), columns ? rowSize : 1);
    }

    /// <summary><paramref name="data"/>'s rows of <paramref name="rowSize"/> bytes, column by column (the length is a whole number of rows).</summary>
    public static byte[] Columns(byte[] data, int rowSize)
    {
        int rows = data.Length / rowSize;
        var columns = new byte[data.Length];
        for (int k = 0; k < rowSize; k++)
        {
            int to = k * rows;
            for (int r = 0, from = k; r < rows; r++, from += rowSize)
            {
                columns[to + r] = data[from];
            }
        }

        return columns;
    }

    /// <summary><paramref name="bytes"/> as text, 15 bits per character, the last character's padding bits 0.</summary>
    public static IReadOnlyList<string> ToText(byte[] bytes)
    {
        int chars = (int)((((long)bytes.Length * 8) + BitsPerChar - 1) / BitsPerChar);
        var text = new char[chars];
        const ulong Mask = (1UL << BitsPerChar) - 1;
        int used = 0;
        ulong acc = 0;
        int bits = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            acc |= (ulong)bytes[i] << bits;
            bits += 8;
            if (bits >= BitsPerChar)
            {
                text[used++] = (char)(First + (int)(acc & Mask));
                acc >>= BitsPerChar;
                bits -= BitsPerChar;
            }
        }

        if (bits > 0)
        {
            text[used++] = (char)(First + (int)acc);
        }

        var parts = new List<string>((chars / PartLength) + 1);
        for (int at = 0; at < chars; at += PartLength)
        {
            parts.Add(new string(text, at, System.Math.Min(PartLength, chars - at)));
        }

        if (parts.Count == 0)
        {
            parts.Add(string.Empty);
        }

        return parts;
    }
}
