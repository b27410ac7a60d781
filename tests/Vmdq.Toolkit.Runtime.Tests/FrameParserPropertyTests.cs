using System;
using CsCheck;
using Vmdq.Rules.Reference;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>The branch-free FrameParser equals the plain reference parser on every field, and reads nothing outside the span.</summary>
public class FrameParserPropertyTests
{
    private static readonly Gen<int> s_port = Gen.OneOf(Gen.Const(4789), Gen.Const(8472), Gen.Int[0, 65535]);

    private static void AssertSame(byte[] frame, int port)
    {
        var fast = CorpusFrame.From(FrameParser.Parse(frame, port));
        var reference = CorpusFrame.From(ReferenceFrameParser.Parse(frame, port));
        Assert.True(fast == reference, $"port {port} frame {Convert.ToHexString(frame)}\nfast {fast}\nref  {reference}");
    }

    [Fact]
    public void RandomBytesOfAnyLength()
    {
        Gen.Select(Gen.Byte.Array[0, 200], s_port).Sample((frame, port) => AssertSame(frame, port), iter: 20_000);
    }

    [Fact]
    public void StructuredFramesEveryTruncationAndMutation()
    {
        Gen.Select(RandomRules.Frame, s_port, Gen.Int[0, int.MaxValue]).Sample((frame, port, seed) =>
        {
            for (int length = 0; length <= frame.Length; length++)
            {
                AssertSame(frame.AsSpan(0, length).ToArray(), port);
            }

            var random = new Random(seed);
            for (int m = 0; m < 20; m++)
            {
                var mutated = (byte[])frame.Clone();
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                AssertSame(mutated, port);
            }
        }, iter: 2_000);
    }

    [Fact]
    public unsafe void NothingOutsideTheSpanIsRead()
    {
        // Each frame is placed so that it ends exactly where an inaccessible (PROT_NONE) page begins,
        // and then so that it starts exactly where one ends: any read outside the span faults and
        // kills the test run.
        using var guarded = new GuardedPages();
        RandomRules.Frame.Sample(frame =>
        {
            for (int length = 0; length <= frame.Length; length++)
            {
                var exact = frame.AsSpan(0, length);
                var atEnd = guarded.EndingAtGuard(length);
                exact.CopyTo(atEnd);
                var atStart = guarded.StartingAfterGuard(length);
                exact.CopyTo(atStart);
                var expected = FrameParser.Parse(exact.ToArray()).ToString();
                Assert.Equal(expected, FrameParser.Parse(atEnd).ToString());
                Assert.Equal(expected, FrameParser.Parse(atStart).ToString());
            }
        }, iter: 300, threads: 1);
    }
}
