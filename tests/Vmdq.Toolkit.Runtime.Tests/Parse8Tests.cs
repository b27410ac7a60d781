using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The eight-frame parse (FrameParser.ParseRaw8Padded, ParseRaw8 over a buffer and over arrays) gives, on each
/// of its paths (the AVX-512 kernel, AVX2 twice, scalar eight times), exactly what <see cref="FrameParser.ParseRaw{TVariant}"/>
/// gives frame by frame: every presence mask, every present value, absent-field values in their ranges, the
/// raw fields themselves where the frame is long enough that ParseRaw clamps no load, and 0 for what a variant
/// does not read. Where the CPU lacks AVX-512 the kernel runs through its portable equivalents (same results,
/// slowly), so its logic is checked on any machine; its AVX-512 instructions only where the CPU has them.
/// </summary>
public class Parse8Tests
{
    private static readonly BatchPath[] s_paths = { BatchPath.Avx512, BatchPath.Avx2, BatchPath.Scalar };

    /// <summary>One frame: <c>Bytes[..Length]</c>; the rest of <see cref="Bytes"/> is what lies after it in the padded and span buffers (e.g. the rest of the untruncated frame, which an over-read would turn into a field).</summary>
    private readonly record struct Case(byte[] Bytes, int Length)
    {
        public ReadOnlySpan<byte> Frame => Bytes.AsSpan(0, Length);

        public static Case Whole(byte[] bytes) => new(bytes, bytes.Length);
    }

    private enum Entry
    {
        Padded,
        Span,
        Arrays,
    }

    public static TheoryData<string> Variants() => new(nameof(ParseVariants.Dst), nameof(ParseVariants.Tags), nameof(ParseVariants.Tunnels), nameof(ParseVariants.Full));

    private static void ForVariant(string name, IReadOnlyList<Case> cases, int port)
    {
        switch (name)
        {
            case nameof(ParseVariants.Dst): CheckAll<ParseVariants.Dst>(cases, port); break;
            case nameof(ParseVariants.Tags): CheckAll<ParseVariants.Tags>(cases, port); break;
            case nameof(ParseVariants.Tunnels): CheckAll<ParseVariants.Tunnels>(cases, port); break;
            default: CheckAll<ParseVariants.Full>(cases, port); break;
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void StructuredFramesOnEveryPathAndEntry(string variant)
    {
        // 3,000 seeded frames of the spec's shapes, parsed with the ports they use and with one they do not.
        var cases = Enumerable.Range(0, 3000).Select(seed => Case.Whole(StructuredFrames.Build(seed))).ToArray();
        foreach (int port in new[] { 4789, 8472, 4790 })
        {
            ForVariant(variant, cases, port);
        }
    }

    [Fact]
    public void EveryTruncationOfEveryFrame()
    {
        // Each of 150 frames cut at every length 0..its length, the cut-off rest following it in the buffers;
        // shuffled so that each batch mixes frames and lengths.
        var cases = new List<Case>();
        for (int seed = 10_000; seed < 10_150; seed++)
        {
            var full = StructuredFrames.Build(seed);
            for (int length = 0; length <= full.Length; length++)
            {
                cases.Add(new Case(full, length));
            }
        }

        Shuffle(cases, new Random(150));
        CheckAll<ParseVariants.Full>(cases, 4789);
        CheckAll<ParseVariants.Tunnels>(cases, 8472);
    }

    [Fact]
    public void FuzzedFrames()
    {
        // Seeded: structured frames with 1..6 random bytes changed, random bytes of random lengths, and
        // structured frames lengthened to 128..200 bytes (where ParseRaw's raw fields are defined for every field).
        var r = new Random(2024);
        var cases = new List<Case>();
        for (int i = 0; i < 4000; i++)
        {
            var frame = StructuredFrames.Build(r.Next());
            switch (i % 4)
            {
                case 0:
                case 1:
                    for (int flips = r.Next(1, 7); flips > 0; flips--)
                    {
                        frame[r.Next(frame.Length)] = (byte)r.Next(256);
                    }

                    break;
                case 2:
                    frame = new byte[r.Next(0, 200)];
                    r.NextBytes(frame);
                    break;
                default:
                    var longer = new byte[r.Next(Math.Max(128, frame.Length), 201)];
                    r.NextBytes(longer);
                    frame.CopyTo(longer, 0);
                    frame = longer;
                    break;
            }

            cases.Add(Case.Whole(frame));
        }

        CheckAll<ParseVariants.Full>(cases, 4789);
        CheckAll<ParseVariants.Tags>(cases, 4789);
    }

    [Fact]
    public void PortsNoUdpHeaderCanHold()
    {
        var cases = Enumerable.Range(500, 400).Select(seed => Case.Whole(StructuredFrames.Build(seed))).ToArray();
        foreach (int port in new[] { -1, 65536 + 4789, int.MaxValue, int.MinValue, 0, 65535 })
        {
            CheckAll<ParseVariants.Full>(cases, port);
        }
    }

    [Fact]
    public void CorpusCaptures()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Corpus");
        var cases = Directory.GetFiles(dir, "*.pcap").Order(StringComparer.Ordinal)
            .SelectMany(CaptureReader.ReadFile).Select(f => Case.Whole(f.Data.ToArray())).ToArray();
        Assert.True(cases.Length > 50, $"only {cases.Length} corpus frames");
        CheckAll<ParseVariants.Full>(cases, 4789);
        CheckAll<ParseVariants.Full>(cases, 8472);
    }

    [Fact]
    public void SpanEntryReadsNothingPastTheBufferEnd()
    {
        // The buffer is one page between two unreadable ones: frame 7 ends on the page's last byte, frame 0
        // starts on its first, at every length of a frame; a read outside the page faults.
        using var pages = new GuardedPages();
        int page = Environment.SystemPageSize;
        var buffer = pages.StartingAfterGuard(page);
        var r = new Random(99);
        for (int length = 0; length <= 160; length++)
        {
            var frames = Enumerable.Range(0, 8).Select(_ => StructuredFrames.Build(r.Next())).ToArray();
            frames[0] = frames[0].AsSpan(0, Math.Min(length, frames[0].Length)).ToArray();
            frames[7] = Lengthen(frames[7], length, r);
            buffer.Fill(0xA5);
            var slices = new FrameSlice[8];
            int at = 0;
            for (int k = 0; k < 7; k++)
            {
                slices[k] = new FrameSlice(at, frames[k].Length);
                frames[k].CopyTo(buffer[at..]);
                at += frames[k].Length + 1;
            }

            slices[7] = new FrameSlice(page - frames[7].Length, frames[7].Length);
            frames[7].CopyTo(buffer[slices[7].Offset..]);

            foreach (var path in s_paths)
            {
                FrameParser.ParseRaw8<ParseVariants.Full>(buffer, slices, 4789, path, out var f);
                for (int k = 0; k < 8; k++)
                {
                    FrameParser.ParseRaw(frames[k], 4789, out var one);
                    AssertLane(f.Lane(k), one, frames[k], $"{path}, guarded span, lane {k}");
                }
            }
        }
    }

    [Fact]
    public void PaddedEntryReadsNoMoreThanPaddedFrameBytes()
    {
        // Frames starting exactly PaddedFrameBytes before an unreadable page: the padded entry's plain loads
        // must stay inside; every frame length 0..PaddedFrameBytes.
        using var pages = new GuardedPages();
        int page = Environment.SystemPageSize;
        var buffer = pages.StartingAfterGuard(page);
        var r = new Random(7);
        for (int length = 0; length <= FrameParser.PaddedFrameBytes; length++)
        {
            buffer.Fill(0x5A);
            var slices = new FrameSlice[8];
            var frames = new byte[8][];
            for (int k = 0; k < 8; k++)
            {
                frames[k] = Lengthen(StructuredFrames.Build(r.Next()), length, r);
                slices[k] = new FrameSlice(k == 7 ? page - FrameParser.PaddedFrameBytes : k * 256, length);
                frames[k].CopyTo(buffer[slices[k].Offset..]);
            }

            foreach (var path in s_paths)
            {
                FrameParser.ParseRaw8Padded<ParseVariants.Full>(buffer, slices, 4789, path, out var f);
                for (int k = 0; k < 8; k++)
                {
                    FrameParser.ParseRaw(frames[k], 4789, out var one);
                    AssertLane(f.Lane(k), one, frames[k], $"{path}, guarded padded, lane {k}");
                }
            }
        }
    }

    [Fact]
    public void PaddedEntryRejectsFramesWithoutTheirPadding()
    {
        var buffer = new byte[1000];
        var slices = Enumerable.Range(0, 8).Select(k => new FrameSlice(k * 100, 60)).ToArray();
        slices[5] = new FrameSlice(1000 - FrameParser.PaddedFrameBytes + 1, 60);
        foreach (var path in s_paths)
        {
            var ex = Assert.Throws<ArgumentException>(() => FrameParser.ParseRaw8Padded<ParseVariants.Full>(buffer, slices, 4789, path, out _));
            Assert.Contains("Frame 5", ex.Message);
            Assert.Contains($"{FrameParser.PaddedFrameBytes} bytes", ex.Message);

            // The same frames are fine for the span entry, and with one byte less offset for the padded one.
            FrameParser.ParseRaw8<ParseVariants.Full>(buffer, slices, 4789, path, out _);
            slices[5] = new FrameSlice(1000 - FrameParser.PaddedFrameBytes, 60);
            FrameParser.ParseRaw8Padded<ParseVariants.Full>(buffer, slices, 4789, path, out _);
            slices[5] = new FrameSlice(1000 - FrameParser.PaddedFrameBytes + 1, 60);
        }
    }

    [Fact]
    public void SpanEntriesRejectSlicesOutsideTheBufferAndShortBatches()
    {
        var buffer = new byte[300];
        var slices = Enumerable.Range(0, 8).Select(k => new FrameSlice(k * 30, 30)).ToArray();
        slices[6] = new FrameSlice(280, 21);
        var outside = Assert.Throws<ArgumentException>(() => FrameParser.ParseRaw8(buffer, slices, 4789, out _));
        Assert.Contains("Frame 6", outside.Message);
        slices[6] = new FrameSlice(-1, 2);
        Assert.Contains("Frame 6", Assert.Throws<ArgumentException>(() => FrameParser.ParseRaw8(buffer, slices, 4789, out _)).Message);
        slices[6] = new FrameSlice(2, -1);
        Assert.Contains("Frame 6", Assert.Throws<ArgumentException>(() => FrameParser.ParseRaw8(buffer, slices, 4789, out _)).Message);
        Assert.Throws<ArgumentException>(() => FrameParser.ParseRaw8(buffer, slices.AsSpan(0, 7), 4789, out _));
        Assert.Throws<ArgumentException>(() => FrameParser.ParseRaw8(new byte[7][], 4789, out _));
    }

    [Fact]
    public void NullArraysAreEmptyFrames()
    {
        var frames = new byte[8][];
        frames[3] = StructuredFrames.Build(3);
        foreach (var path in s_paths)
        {
            FrameParser.ParseRaw8<ParseVariants.Full>(frames, 4789, path, out var f);
            for (int k = 0; k < 8; k++)
            {
                FrameParser.ParseRaw(frames[k], 4789, out var one);
                AssertLane(f.Lane(k), one, frames[k] ?? [], $"{path}, lane {k}");
            }

            Assert.Equal(ulong.MaxValue, f.Lane(3).HasDst);
            Assert.Equal(0UL, f.Lane(2).HasDst);
        }
    }

    [Fact]
    public void TheDefaultPathIsTheFastestTheCpuHas()
    {
        var expected = Avx512Vbmi.IsSupported && Avx512BW.IsSupported ? BatchPath.Avx512 : Avx2.IsSupported ? BatchPath.Avx2 : BatchPath.Scalar;
        Assert.Equal(expected, FrameParser.BestBatch8Path);
        Assert.Equal(expected == BatchPath.Avx512, FrameParser.IsParse8Avx512);
        Assert.Equal(expected, FrameParser.Batch8Path);
    }

    /// <summary>Every case in batches of eight (the last one filled with empty frames), on every path and entry, against ParseRaw.</summary>
    private static void CheckAll<TVariant>(IReadOnlyList<Case> cases, int port)
        where TVariant : struct, IParseVariant
    {
        var batch = new Case[8];
        var expected = new ParsedFrame[8];
        for (int i = 0; i < cases.Count; i += 8)
        {
            for (int k = 0; k < 8; k++)
            {
                batch[k] = i + k < cases.Count ? cases[i + k] : new Case([], 0);
                FrameParser.ParseRaw<TVariant>(batch[k].Frame, port, out expected[k]);
            }

            foreach (var path in s_paths)
            {
                foreach (var entry in new[] { Entry.Padded, Entry.Span, Entry.Arrays })
                {
                    var ran = Run<TVariant>(batch, port, path, entry, out var f);
                    Assert.Equal(path == BatchPath.Avx2 && !Avx2.IsSupported ? BatchPath.Scalar : path, ran);
                    for (int k = 0; k < 8; k++)
                    {
                        AssertLane(f.Lane(k), expected[k], batch[k].Frame, $"{typeof(TVariant).Name}, {path}, {entry}, port {port}, lane {k}", ReadFields<TVariant>());
                    }
                }
            }
        }
    }

    private static BatchPath Run<TVariant>(Case[] batch, int port, BatchPath path, Entry entry, out ParsedFrame8 f)
        where TVariant : struct, IParseVariant
    {
        var slices = new FrameSlice[8];
        switch (entry)
        {
            case Entry.Padded:
            {
                // Each frame in a slot of at least PaddedFrameBytes, followed by its continuation, then 0xA5;
                // the last slot ends exactly PaddedFrameBytes (or the frame's length) after its start.
                int at = 0;
                for (int k = 0; k < 8; k++)
                {
                    slices[k] = new FrameSlice(at, batch[k].Length);
                    at += (Math.Max(batch[k].Length, FrameParser.PaddedFrameBytes) + 63) & ~63;
                }

                var buffer = new byte[slices[7].Offset + Math.Max(batch[7].Length, FrameParser.PaddedFrameBytes)];
                Array.Fill(buffer, (byte)0xA5);
                for (int k = 0; k < 8; k++)
                {
                    var bytes = batch[k].Bytes.AsSpan(0, Math.Min(batch[k].Bytes.Length, buffer.Length - slices[k].Offset));
                    bytes.CopyTo(buffer.AsSpan(slices[k].Offset));
                }

                return FrameParser.ParseRaw8Padded<TVariant>(buffer, slices, port, path, out f);
            }

            case Entry.Span:
            {
                // Frames one after the other, each followed by up to 3 bytes of its continuation; the last frame
                // ends the buffer.
                var buffer = new List<byte>();
                for (int k = 0; k < 8; k++)
                {
                    slices[k] = new FrameSlice(buffer.Count, batch[k].Length);
                    buffer.AddRange(batch[k].Bytes.Take(k == 7 ? batch[k].Length : batch[k].Length + 3));
                }

                return FrameParser.ParseRaw8<TVariant>(buffer.ToArray(), slices, port, path, out f);
            }

            default:
                return FrameParser.ParseRaw8<TVariant>(batch.Select(c => c.Frame.ToArray()).ToArray(), port, path, out f);
        }
    }

    /// <summary>
    /// <paramref name="actual"/> equals <paramref name="expected"/> in every mask and every present value, keeps
    /// absent values in their ranges, gives 0 for unread fields, and equals it raw when the frame is at least
    /// PaddedFrameBytes long (ParseRaw then clamps no load, so its absent values are defined). The variant reads
    /// the first <paramref name="readFields"/> fields.
    /// </summary>
    private static void AssertLane(in ParsedFrame actual, in ParsedFrame expected, ReadOnlySpan<byte> frame, string where, int readFields = 16)
    {
        ulong[] want = Masked(expected), got = Masked(actual);
        if (!want.AsSpan().SequenceEqual(got))
        {
            Assert.Fail($"{where}: frame ({frame.Length}) {Convert.ToHexString(frame)}\nexpected {Show(want)}\nactual   {Show(got)}");
        }

        ulong[] rawWant = Raw(expected), rawGot = Raw(actual);
        for (int field = 0; field < rawGot.Length; field++)
        {
            bool isMask = field is 1 or 3 or 5 or 7 or 10 or 11 or 13 or 15;
            Assert.True(rawGot[field] <= s_ranges[field] || (isMask && rawGot[field] == ulong.MaxValue), $"{where}: field {field} = {rawGot[field]:X} out of range");
            if (field >= readFields)
            {
                Assert.True(rawGot[field] == 0, $"{where}: unread field {field} = {rawGot[field]:X}");
            }
        }

        if (frame.Length >= FrameParser.PaddedFrameBytes)
        {
            Assert.True(rawWant.AsSpan().SequenceEqual(rawGot), $"{where}: raw fields of a long frame\nexpected {Show(rawWant)}\nactual   {Show(rawGot)}");
        }
    }

    /// <summary>How many leading fields of <see cref="ParsedFrame"/> the variant reads.</summary>
    private static int ReadFields<TVariant>()
        where TVariant : struct, IParseVariant =>
        TVariant.ReadsInner ? 16 : TVariant.ReadsTunnels ? 12 : TVariant.ReadsTags ? 8 : 2;

    /// <summary>The largest value of each raw field (masks: 0 or all ones, checked separately).</summary>
    private static readonly ulong[] s_ranges =
    {
        0xFFFF_FFFF_FFFF, 0, 0xFFF, 0, 0xFFF, 0, 7, 0, 0xFF_FFFF, 0xFF, 0, 0, 0xFFFF_FFFF_FFFF, 0, 0xFFF, 0,
    };

    private static ulong[] Masked(in ParsedFrame f) =>
    [
        f.HasDst, f.Dst & f.HasDst, f.HasSvid, f.Svid & f.HasSvid, f.HasCvid, f.Cvid & f.HasCvid, f.HasPcp, f.Pcp & f.HasPcp,
        f.IsVxlan, f.IsNvgre, f.TunnelId & (f.IsVxlan | f.IsNvgre), f.FlowId & f.IsNvgre,
        f.HasInnerDst, f.InnerDst & f.HasInnerDst, f.HasInnerVid, f.InnerVid & f.HasInnerVid,
    ];

    private static ulong[] Raw(in ParsedFrame f) => MemoryMarshal.Cast<ParsedFrame, ulong>(new[] { f }).ToArray();

    private static string Show(ulong[] fields) => string.Join(" ", fields.Select(x => x.ToString("X", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary><paramref name="frame"/> cut or extended with random bytes to <paramref name="length"/>.</summary>
    private static byte[] Lengthen(byte[] frame, int length, Random r)
    {
        var bytes = new byte[length];
        r.NextBytes(bytes);
        frame.AsSpan(0, Math.Min(length, frame.Length)).CopyTo(bytes);
        return bytes;
    }

    private static void Shuffle<T>(List<T> list, Random r)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = r.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
