using System;
using System.Linq;
using System.Runtime.InteropServices;
using CsCheck;
using Vmdq.Toolkit.Classification;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The specialised parses (<see cref="ParseVariants"/>): each reads exactly what the full parse reads for
/// the fields of its level, leaves the others absent, reads nothing outside the span (guard pages, and
/// bytes around a slice), and its four-lane form equals its one-frame form.
/// </summary>
public class ParseVariantTests
{
    private delegate void ParseFn(ReadOnlySpan<byte> frame, int vxlanPort, out ParsedFrame f);

    private delegate void Parse4Fn(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> four, int vxlanPort, Span<ParsedFrame> output);

    /// <summary>Each variant, its parse, its four-lane parse, and the number of leading <see cref="ParsedFrame"/> fields it reads.</summary>
    private static readonly (string Name, ParseFn Parse, Parse4Fn Parse4, int Fields)[] s_variants =
    {
        (nameof(ParseVariants.Dst), FrameParser.ParseRaw<ParseVariants.Dst>, FrameParser.ParseRaw4<ParseVariants.Dst>, 2),
        (nameof(ParseVariants.Tags), FrameParser.ParseRaw<ParseVariants.Tags>, FrameParser.ParseRaw4<ParseVariants.Tags>, 8),
        (nameof(ParseVariants.Tunnels), FrameParser.ParseRaw<ParseVariants.Tunnels>, FrameParser.ParseRaw4<ParseVariants.Tunnels>, 12),
        (nameof(ParseVariants.Full), FrameParser.ParseRaw<ParseVariants.Full>, FrameParser.ParseRaw4<ParseVariants.Full>, 16),
    };

    private static readonly Gen<int> s_port = Gen.OneOf(Gen.Const(4789), Gen.Const(8472), Gen.Int[-2, 70000]);

    public static TheoryData<string> Variants() => new(s_variants.Select(v => v.Name));

    private static (string Name, ParseFn Parse, Parse4Fn Parse4, int Fields) Variant(string name) => s_variants.Single(v => v.Name == name);

    private static ulong[] Raw(in ParsedFrame f) => MemoryMarshal.Cast<ParsedFrame, ulong>(new[] { f }).ToArray();

    private static string Show(ulong[] fields) => string.Join(" ", fields.Select(x => x.ToString("X", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>What the variant must give: the full parse's first <paramref name="fields"/> fields as they are (raw, garbage included), the rest 0.</summary>
    private static ulong[] Expected(ReadOnlySpan<byte> frame, int port, int fields)
    {
        FrameParser.ParseRaw(frame, port, out var full);
        var raw = Raw(full);
        Array.Clear(raw, fields, raw.Length - fields);
        return raw;
    }

    private static void AssertVariant(string name, ReadOnlySpan<byte> frame, int port, ulong[] expected)
    {
        Variant(name).Parse(frame, port, out var f);
        var actual = Raw(f);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}, port {port}, frame {Convert.ToHexString(frame)}\nexpected {Show(expected)}\nactual   {Show(actual)}");
    }

    private static bool Flags<T>(out bool tunnels, out bool inner)
        where T : struct, IParseVariant
    {
        tunnels = T.ReadsTunnels;
        inner = T.ReadsInner;
        return T.ReadsTags;
    }

    [Fact]
    public void VariantsAreTheContractsLevelsInOrder()
    {
        // Named as the contract's levels, each reading what the one below reads and more.
        Assert.Equal(Enum.GetNames<ParseDepth>(), s_variants.Select(v => v.Name).ToArray());
        Assert.Equal((false, false, false), (Flags<ParseVariants.Dst>(out var t0, out var i0), t0, i0));
        Assert.Equal((true, false, false), (Flags<ParseVariants.Tags>(out var t1, out var i1), t1, i1));
        Assert.Equal((true, true, false), (Flags<ParseVariants.Tunnels>(out var t2, out var i2), t2, i2));
        Assert.Equal((true, true, true), (Flags<ParseVariants.Full>(out var t3, out var i3), t3, i3));

        // The level each rule kind needs.
        Assert.Equal(ParseDepth.Dst, ParseDepths.Of(RuleKind.Default));
        Assert.Equal(ParseDepth.Dst, ParseDepths.Of(RuleKind.Mac));
        Assert.Equal(ParseDepth.Dst, ParseDepths.Of(RuleKind.Broadcast));
        Assert.Equal(ParseDepth.Dst, ParseDepths.Of(RuleKind.Multicast));
        Assert.Equal(ParseDepth.Tags, ParseDepths.Of(RuleKind.Vlan));
        Assert.Equal(ParseDepth.Tags, ParseDepths.Of(RuleKind.MacVlan));
        Assert.Equal(ParseDepth.Tunnels, ParseDepths.Of(RuleKind.Vxlan));
        Assert.Equal(ParseDepth.Tunnels, ParseDepths.Of(RuleKind.Nvgre));
        Assert.Equal(ParseDepth.Full, ParseDepths.Of(RuleKind.VxlanInner));
        Assert.Equal(ParseDepth.Full, ParseDepths.Of(RuleKind.NvgreInner));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ReadsItsFieldsAsTheFullParseAndNoOthers(string name)
    {
        int fields = Variant(name).Fields;
        Gen.Select(RandomRules.Frame, s_port, Gen.Int[0, int.MaxValue]).Sample((frame, port, seed) =>
        {
            for (int length = 0; length <= frame.Length; length++)
            {
                var cut = frame.AsSpan(0, length);
                AssertVariant(name, cut, port, Expected(cut, port, fields));
            }

            var random = new Random(seed);
            for (int m = 0; m < 20; m++)
            {
                var mutated = (byte[])frame.Clone();
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                AssertVariant(name, mutated, port, Expected(mutated, port, fields));
            }
        }, iter: 1_000);
        Gen.Select(Gen.Byte.Array[0, 200], s_port).Sample((frame, port) => AssertVariant(name, frame, port, Expected(frame, port, fields)), iter: 5_000);
    }

    /// <summary>
    /// A dispatcher may parse into the same <see cref="ParsedFrame"/> again and again: the fields a variant
    /// does not read are cleared, whatever the struct held (not only in a fresh, zeroed local).
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void FieldsAVariantDoesNotReadAreClearedInAReusedStruct(string name)
    {
        var (_, parse, _, fields) = Variant(name);
        byte[][] frames =
        {
            TestFrames.Vxlan("00:1b:21:0a:0b:01", 5001, "52:54:00:12:34:56", cvid: 150),
            TestFrames.Plain("00:1b:21:0a:0b:01"),
            new byte[] { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01, 0x02 },   // a runt
        };
        foreach (var frame in frames)
        {
            var f = default(ParsedFrame);
            MemoryMarshal.Cast<ParsedFrame, ulong>(MemoryMarshal.CreateSpan(ref f, 1)).Fill(ulong.MaxValue);
            parse(frame, FrameParser.DefaultVxlanPort, out f);
            var expected = Expected(frame, FrameParser.DefaultVxlanPort, fields);
            Assert.True(expected.AsSpan().SequenceEqual(Raw(f)), $"{name}, frame {Convert.ToHexString(frame)}\nexpected {Show(expected)}\nactual   {Show(Raw(f))}");
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void NothingOutsideTheSpanIsRead(string name)
    {
        // As FrameParserPropertyTests: frames that end where a PROT_NONE page begins and start where one
        // ends; a read outside the span faults and kills the run.
        var parse = Variant(name).Parse;
        using var guarded = new GuardedPages();
        RandomRules.Frame.Sample(frame =>
        {
            for (int length = 0; length <= frame.Length; length++)
            {
                var exact = frame.AsSpan(0, length).ToArray();
                var atEnd = guarded.EndingAtGuard(length);
                exact.CopyTo(atEnd);
                var atStart = guarded.StartingAfterGuard(length);
                exact.CopyTo(atStart);
                parse(exact, FrameParser.DefaultVxlanPort, out var expected);
                parse(atEnd, FrameParser.DefaultVxlanPort, out var end);
                parse(atStart, FrameParser.DefaultVxlanPort, out var start);
                Assert.Equal(Raw(expected), Raw(end));
                Assert.Equal(Raw(expected), Raw(start));
            }
        }, iter: 200, threads: 1);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void BytesAroundTheSliceNeverChangeTheResult(string name)
    {
        const int Margin = 64;
        var parse = Variant(name).Parse;
        Gen.Select(RandomRules.Frame, s_port).Sample((full, port) =>
        {
            var withContinuation = new byte[Margin + full.Length + Margin];
            Array.Fill(withContinuation, (byte)0xA5, 0, Margin);
            full.CopyTo(withContinuation, Margin);
            var ones = new byte[withContinuation.Length];
            for (int length = 0; length <= full.Length; length++)
            {
                var exact = full.AsSpan(0, length).ToArray();
                parse(exact, port, out var expected);
                parse(withContinuation.AsSpan(Margin, length), port, out var continued);
                Array.Fill(ones, (byte)0xFF);
                exact.CopyTo(ones, Margin);
                parse(ones.AsSpan(Margin, length), port, out var inOnes);
                Assert.Equal(Raw(expected), Raw(continued));
                Assert.Equal(Raw(expected), Raw(inOnes));
            }
        }, iter: 1_000);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void FourAtOnceEqualsOneAtATime(string name)
    {
        var (_, parse, parse4, _) = Variant(name);
        var cut = Gen.Select(RandomRules.Frame, Gen.Int[0, 1000]).Select((f, c) => f.AsSpan(0, Math.Min(f.Length, c < 800 ? f.Length : c % (f.Length + 1))).ToArray());
        Gen.Select(cut.Array[4], s_port).Sample((frames, port) =>
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
            parse4(buffer, slices, port, four);
            for (int k = 0; k < 4; k++)
            {
                // Presence and the values that are present agree (absent values may differ in their garbage).
                parse(frames[k], port, out var one);
                Assert.True(one.ToFields().ToString() == four[k].ToFields().ToString() && one.ToFields().Present == four[k].ToFields().Present, $"{name} lane {k}, port {port}: {Convert.ToHexString(frames[k])}\none  {one.ToFields()}\nfour {four[k].ToFields()}");
            }
        }, iter: 5_000);
    }
}
