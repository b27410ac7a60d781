using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Vmdq.Toolkit.Capture;
using static Vmdq.Toolkit.Fuzz.InvariantViolationException;

namespace Vmdq.Toolkit.Fuzz;

/// <summary>
/// The capture harness: the input as a pcap/pcapng file through <see cref="CaptureReader.Read"/>, from a seekable stream
/// and from a forward-only stream that hands out a few bytes per read. <see cref="CaptureReader"/> documents that a
/// malformed or truncated file throws <see cref="InvalidDataException"/> naming the byte offset, and that nothing else
/// escapes: any other exception escapes this harness too (a crash under afl++).
/// </summary>
public static class CaptureHarness
{
    private const string MalformedPrefix = "Capture file malformed at byte offset ";

    /// <summary>Runs one input. Invariants:
    /// <list type="bullet">
    /// <item>only <see cref="InvalidDataException"/>, whose message names a byte offset inside the input;</item>
    /// <item>an input of 4 bytes or more that <see cref="CaptureReader.DetectFormat"/> does not recognise is refused at offset 0, with no frame;</item>
    /// <item>frames are numbered 1, 2, 3..., hold at most <see cref="CaptureReader.MaxFrameLength"/> bytes (and no more than the input), and have a timestamp;</item>
    /// <item>both streams give the same frames and the same outcome (read to the end, or refused).</item>
    /// </list>
    /// </summary>
    /// <param name="data">The capture file's bytes.</param>
    /// <exception cref="InvariantViolationException">An invariant broke.</exception>
    public static void Run(ReadOnlySpan<byte> data)
    {
        byte[] bytes = data.ToArray();
        var (frames, error) = ReadAll(new MemoryStream(bytes, writable: false));
        var (trickled, trickleError) = ReadAll(new TrickleStream(bytes));

        if (error is not null)
        {
            long offset = OffsetOf(error);
            Check(offset >= 0 && offset <= bytes.Length, () => $"The error names offset {offset} of a {bytes.Length}-byte input: {error.Message}");
        }

        if (bytes.Length >= 4 && CaptureReader.DetectFormat(bytes) is null)
        {
            Check(error is not null && OffsetOf(error) == 0 && frames.Count == 0,
                () => $"An input that is neither pcap nor pcapng gave {frames.Count} frames and {(error is null ? "no error" : error.Message)}.");
        }

        for (int i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            int number = i + 1;
            Check(f.Number == number, () => $"Frame {number} is numbered {f.Number}.");
            Check(f.Data.Length <= CaptureReader.MaxFrameLength && f.Data.Length <= bytes.Length,
                () => $"Frame {number} holds {f.Data.Length} bytes, from a {bytes.Length}-byte input.");
            Check(f.InterfaceId >= 0 && f.LinkType is >= 0 and <= 0xFFFF, () => $"Frame {number}: interface {f.InterfaceId}, link type {f.LinkType}.");
            _ = f.Timestamp;
            _ = f.IsTruncated;
        }

        Check((error is null) == (trickleError is null),
            () => $"The seekable stream {Outcome(error)}, the forward-only stream {Outcome(trickleError)}.");
        Check(frames.Count == trickled.Count, () => $"The seekable stream gave {frames.Count} frames, the forward-only stream {trickled.Count}.");
        for (int i = 0; i < frames.Count; i++)
        {
            CapturedFrame a = frames[i], b = trickled[i];
            Check(a.Number == b.Number && a.TimestampNanoseconds == b.TimestampNanoseconds && a.OriginalLength == b.OriginalLength
                  && a.LinkType == b.LinkType && a.InterfaceId == b.InterfaceId && a.Data.Span.SequenceEqual(b.Data.Span),
                () => $"Frame {a.Number} differs between the seekable and the forward-only stream.");
        }
    }

    private static (List<CapturedFrame> Frames, InvalidDataException? Error) ReadAll(Stream stream)
    {
        var frames = new List<CapturedFrame>();
        try
        {
            foreach (var frame in CaptureReader.Read(stream))
            {
                frames.Add(frame);
            }

            return (frames, null);
        }
        catch (InvalidDataException e)
        {
            return (frames, e);
        }
    }

    private static long OffsetOf(InvalidDataException e)
    {
        string m = e.Message;
        Check(m.StartsWith(MalformedPrefix, StringComparison.Ordinal), () => $"The error does not name a byte offset: {m}");
        int end = m.IndexOf(':', MalformedPrefix.Length);
        Check(end > MalformedPrefix.Length && long.TryParse(m.AsSpan(MalformedPrefix.Length, end - MalformedPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _),
            () => $"The error's offset does not read as a number: {m}");
        return long.Parse(m.AsSpan(MalformedPrefix.Length, end - MalformedPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static string Outcome(InvalidDataException? e) => e is null ? "read to the end" : "failed: " + e.Message;

    /// <summary>A forward-only stream (no Length, no Seek) that returns 1 to 7 bytes per read, as a pipe may.</summary>
    private sealed class TrickleStream : Stream
    {
        private readonly byte[] _data;
        private int _position;
        private int _reads;

        public TrickleStream(byte[] data) => _data = data;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, 1 + (_reads++ % 7)), _data.Length - _position);
            _data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
