using System;
using CsCheck;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// FrameParser reads nothing outside the span it is given, shown without guard pages: the frame is
/// parsed as a slice of larger buffers whose bytes around it differ (the frame's own untruncated
/// continuation, which would complete a header if read; zeros; ones), and every result must equal
/// the one for the exact bytes. (GuardedPages-based tests prove the same on Linux by faulting.)
/// </summary>
public class OutOfBoundsReadTests
{
    private static string Fields(ReadOnlySpan<byte> frame, int port)
    {
        var f = FrameParser.Parse(frame, port);
        return $"{f.Present} {f.Dst} {f.Svid} {f.Cvid} {f.Pcp} {f.Vni} {f.Vsid} {f.FlowId} {f.InnerDst} {f.InnerVid}";
    }

    [Fact]
    public void BytesAroundTheSliceNeverChangeTheResult()
    {
        const int Margin = 64;
        Gen.Select(StructuredFrames.Frame, StructuredFrames.Port).Sample((full, port) =>
        {
            // [prefix (Margin)] [full frame] [suffix (Margin)]; a truncated frame's "suffix" starts with
            // the rest of the real frame, the bytes an over-read would most likely turn into a field.
            var withContinuation = new byte[Margin + full.Length + Margin];
            full.CopyTo(withContinuation, Margin);
            var zeros = new byte[withContinuation.Length];
            var ones = new byte[withContinuation.Length];
            for (int length = 0; length <= full.Length; length++)
            {
                var exact = full.AsSpan(0, length).ToArray();
                string expected = Fields(exact, port);

                Array.Fill(withContinuation, (byte)0xA5, 0, Margin);
                Assert.Equal(expected, Fields(withContinuation.AsSpan(Margin, length), port));

                Array.Clear(zeros);
                exact.CopyTo(zeros, Margin);
                Assert.Equal(expected, Fields(zeros.AsSpan(Margin, length), port));

                Array.Fill(ones, (byte)0xFF);
                exact.CopyTo(ones, Margin);
                Assert.Equal(expected, Fields(ones.AsSpan(Margin, length), port));

                // Also with the frame at offset 0 of a buffer: no slack before it at all.
                var atStart = new byte[length + Margin];
                Array.Fill(atStart, (byte)0x81);
                exact.CopyTo(atStart, 0);
                Assert.Equal(expected, Fields(atStart.AsSpan(0, length), port));
            }
        }, iter: 4_000);
    }

    [Fact]
    public void NeverThrowsOnAnyLength()
    {
        // Every length 0..300 of random bytes, each as a slice at the very end of its array.
        var random = new Random(7);
        for (int length = 0; length <= 300; length++)
        {
            var bytes = new byte[length + 3];
            random.NextBytes(bytes);
            _ = FrameParser.Parse(bytes.AsSpan(3, length));
            _ = FrameParser.Parse(bytes.AsSpan(3, length), 0);
            _ = FrameParser.Parse(bytes.AsSpan(3, length), 65535);
            _ = Vmdq.Rules.Reference.ReferenceFrameParser.Parse(bytes.AsSpan(3, length).ToArray());
        }

        _ = Vmdq.Rules.Reference.ReferenceFrameParser.Parse(null!);
        _ = FrameParser.Parse(ReadOnlySpan<byte>.Empty);
    }
}
