using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel;
using System.IO;
using System.IO.Compression;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// Decodes build-time tables. Generated dispatchers print small tables as byte-array spans (data in the
/// assembly, no allocation) and the others as <see cref="Unpack"/> text: the bytes deflate-compressed,
/// then written 15 bits per character in ordinary string literals, which the C# compiler reads as a few
/// tokens (a <c>u8</c> literal or an array initializer costs it a bound node per byte: seconds and
/// gigabytes at 1M rules). Decoded once, when the dispatcher is first used.
/// Used by generated dispatchers; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TableData
{
    /// <summary>The character that stands for 0 in <see cref="Unpack"/> text; <c>First + 32767</c> stands for 32767.</summary>
    /// <remarks>
    /// U+3000..U+AFFF: 32768 code points in one run, none of them a surrogate, a quote, a backslash or a
    /// line break, so the text needs no escapes in a C# string literal and is valid UTF-16 and UTF-8.
    /// </remarks>
    public const char First = '\u3000';

    /// <summary>Bits each character of <see cref="Unpack"/> text carries.</summary>
    public const int BitsPerChar = 15;

    /// <summary>The 64-bit values in <paramref name="bytes"/>, 8 little-endian bytes each (a pool's source MACs).</summary>
    /// <param name="bytes">The values' bytes.</param>
    /// <exception cref="InvalidOperationException">The length is not a multiple of 8 (a generator bug).</exception>
    public static ulong[] ToUInt64s(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 8 != 0)
        {
            throw Corrupt($"{bytes.Length} bytes of 64-bit values");
        }

        var values = new ulong[bytes.Length / 8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i * 8, 8));
        }

        return values;
    }

    /// <summary>Decodes a base64 UTF-8 literal into a new array.</summary>
    /// <exception cref="InvalidOperationException">The literal is not valid base64 (a generator bug).</exception>
    public static byte[] FromBase64(ReadOnlySpan<byte> utf8)
    {
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(utf8.Length)];
        var status = Base64.DecodeFromUtf8(utf8, bytes, out _, out int written);
        if (status != OperationStatus.Done)
        {
            throw Corrupt($"{status} after {written} bytes");
        }

        return written == bytes.Length ? bytes : bytes.AsSpan(0, written).ToArray();
    }

    /// <summary>
    /// Decodes a table: <paramref name="text"/> (its parts concatenated) holds <paramref name="packedLength"/>
    /// bytes, 15 bits per character (<see cref="First"/> + value, least significant bits first), which are a
    /// raw deflate stream of the table's <paramref name="length"/> bytes.
    /// </summary>
    /// <param name="length">The table's length in bytes.</param>
    /// <param name="packedLength">The compressed length in bytes.</param>
    /// <param name="text">The compressed bytes as text, in parts (each part one string literal).</param>
    /// <exception cref="InvalidOperationException">The text is not what the generator writes (a generator bug or an edited file).</exception>
    public static byte[] Unpack(int length, int packedLength, params string[] text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] packed = FromText(packedLength, text);
        var table = new byte[length];
        try
        {
            using var inflate = new DeflateStream(new MemoryStream(packed, writable: false), CompressionMode.Decompress);
            inflate.ReadExactly(table);
            if (inflate.Read(new byte[1]) != 0)
            {
                throw Corrupt($"more than {length} bytes after inflating");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw Corrupt(ex.Message, ex);
        }

        return table;
    }

    /// <summary>
    /// Decodes a table of rows of <paramref name="rowSize"/> bytes that the generator stored column by column (byte 0 of
    /// every row, then byte 1, ...), which deflate compresses better: <see cref="Unpack"/>, then the columns put back into rows.
    /// </summary>
    /// <param name="length">The table's length in bytes, a whole number of rows.</param>
    /// <param name="rowSize">Bytes per row.</param>
    /// <param name="packedLength">The compressed length in bytes.</param>
    /// <param name="text">The compressed columns as text, in parts (each part one string literal).</param>
    /// <exception cref="InvalidOperationException">The text is not what the generator writes (a generator bug or an edited file).</exception>
    public static byte[] UnpackRows(int length, int rowSize, int packedLength, params string[] text)
    {
        if (rowSize < 1 || length < 0 || length % rowSize != 0)
        {
            throw Corrupt($"{length} bytes in rows of {rowSize}");
        }

        byte[] columns = Unpack(length, packedLength, text);
        if (rowSize == 1)
        {
            return columns;
        }

        int rows = length / rowSize;
        var table = new byte[length];
        for (int k = 0; k < rowSize; k++)
        {
            var column = columns.AsSpan(k * rows, rows);
            for (int r = 0, to = k; r < column.Length; r++, to += rowSize)
            {
                table[to] = column[r];
            }
        }

        return table;
    }

    /// <summary>
    /// The <paramref name="length"/> bytes that <paramref name="text"/> holds, 15 bits per character
    /// (<see cref="First"/> + value, least significant bits first); the padding bits of the last character are 0.
    /// </summary>
    /// <param name="length">Bytes the text holds.</param>
    /// <param name="text">The text, in parts.</param>
    /// <exception cref="InvalidOperationException">A character is out of range, the text is too short or too long, or its padding is not 0.</exception>
    public static byte[] FromText(int length, params string[] text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (length < 0)
        {
            throw Corrupt($"length {length}");
        }

        long chars = 0;
        foreach (var part in text)
        {
            chars += part?.Length ?? throw Corrupt("a null part");
        }

        long expected = ((length * 8L) + BitsPerChar - 1) / BitsPerChar;
        if (chars != expected)
        {
            throw Corrupt($"{chars} characters for {length} bytes (expected {expected})");
        }

        var bytes = new byte[length];
        ulong acc = 0;
        int bits = 0, written = 0;
        foreach (var part in text)
        {
            foreach (char c in part)
            {
                uint value = (uint)(c - First);
                if (value >= 1u << BitsPerChar)
                {
                    throw Corrupt($"character U+{(int)c:X4} at byte {written}");
                }

                acc |= (ulong)value << bits;
                bits += BitsPerChar;
                while (bits >= 8 && written < length)
                {
                    bytes[written++] = (byte)acc;
                    acc >>= 8;
                    bits -= 8;
                }
            }
        }

        if (acc != 0)
        {
            throw Corrupt("non-zero padding");
        }

        return bytes;
    }

    private static InvalidOperationException Corrupt(string detail, Exception? inner = null) =>
        new($"A generated Vmdq table is corrupt ({detail}); rebuild the project.", inner);
}
