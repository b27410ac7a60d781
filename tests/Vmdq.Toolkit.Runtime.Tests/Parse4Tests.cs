using System;
using System.Linq;
using CsCheck;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>The four-lane (AVX2) parser gives exactly what the one-frame parser gives.</summary>
public class Parse4Tests
{
    [Fact]
    public void FourAtOnceEqualsOneAtATime()
    {
        var cut = Gen.Select(RandomRules.Frame, Gen.Int[0, 1000]).Select((f, c) => f.AsSpan(0, Math.Min(f.Length, c < 800 ? f.Length : c % (f.Length + 1))).ToArray());
        Gen.Select(cut.Array[4], Gen.OneOf(Gen.Const(4789), Gen.Const(8472), Gen.Int[-2, 70000])).Sample((frames, port) =>
        {
            var buffer = new byte[frames.Sum(f => f.Length) + 16];
            var slices = new FrameSlice[4];
            int at = 5;
            for (int k = 0; k < 4; k++)
            {
                frames[k].CopyTo(buffer, at);
                slices[k] = new FrameSlice(at, frames[k].Length);
                at += frames[k].Length;
            }

            var four = new ParsedFrame[4];
            FrameParser.ParseRaw4(buffer, slices, port, four);
            for (int k = 0; k < 4; k++)
            {
                FrameParser.ParseRaw(frames[k], port, out var one);
                Assert.True(one.ToFields().ToString() == four[k].ToFields().ToString() && one.ToFields().Present == four[k].ToFields().Present,
                    $"lane {k}, port {port}: {Convert.ToHexString(frames[k])}\none  {one.ToFields()}\nfour {four[k].ToFields()}");
            }
        }, iter: 20_000);
    }

    [Fact]
    public void SlicesOutsideTheBufferAreRejected()
    {
        var four = new ParsedFrame[4];
        var slices = new[] { new FrameSlice(0, 20), new FrameSlice(10, 20), new FrameSlice(90, 20), new FrameSlice(0, 1) };
        var ex = Assert.Throws<ArgumentException>(() => FrameParser.ParseRaw4(new byte[100], slices, 4789, four));
        Assert.Contains("Frame 2", ex.Message);
    }
}
