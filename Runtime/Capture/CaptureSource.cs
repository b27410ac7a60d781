using System;
using System.Buffers;
using System.IO;

namespace Vmdq.Toolkit.Capture;

/// <summary>
/// A forward-only view of the capture stream that knows its byte offset (streams need not be
/// seekable) and turns every short read into an <see cref="InvalidDataException"/> naming the offset.
/// </summary>
internal sealed class CaptureSource
{
    private readonly Stream _stream;

    public CaptureSource(Stream stream) => _stream = stream;

    /// <summary>Offset of the next byte to be read, from the start of the stream as given.</summary>
    public long Offset { get; private set; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes, fewer only at the end of the stream.</summary>
    public int ReadAtMost(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _stream.Read(buffer.Slice(total));
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        Offset += total;
        return total;
    }

    /// <summary>Fills <paramref name="buffer"/> or throws, naming <paramref name="what"/> and where it started.</summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        long start = Offset;
        int got = ReadAtMost(buffer);
        if (got < buffer.Length)
        {
            throw Truncated(start, what, buffer.Length, got);
        }
    }

    /// <summary>Skips <paramref name="count"/> bytes or throws, naming <paramref name="what"/>.</summary>
    public void Skip(long count, string what)
    {
        long start = Offset;
        byte[] scratch = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, 64 * 1024));
        try
        {
            long left = count;
            while (left > 0)
            {
                int got = ReadAtMost(scratch.AsSpan(0, (int)Math.Min(left, scratch.Length)));
                left -= got;
                if (got == 0)
                {
                    throw Truncated(start, what, count, count - left);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// On a seekable stream, throws before anything is allocated when fewer than
    /// <paramref name="count"/> bytes remain (a garbage length then fails fast instead of allocating).
    /// </summary>
    public void EnsureAvailable(long start, long count, string what)
    {
        if (!_stream.CanSeek)
        {
            return;
        }

        long remaining = _stream.Length - _stream.Position;
        if (remaining < count)
        {
            throw Truncated(start, what, count + (Offset - start), Math.Max(0, remaining) + (Offset - start));
        }
    }

    /// <summary>The exception for malformed data at <paramref name="offset"/>.</summary>
    public static InvalidDataException Malformed(long offset, string message) =>
        new($"Capture file malformed at byte offset {offset}: {message}");

    private static InvalidDataException Truncated(long offset, string what, long needed, long got) =>
        Malformed(offset, $"{what} is cut short: it needs {needed} bytes but the file ends after {got}.");
}
