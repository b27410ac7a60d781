using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Vmdq.Toolkit;
using Vmdq.Toolkit.Classification;

// Eight frames at 256-byte slots of a 2 KB buffer (the padded entry needs 128 readable bytes each).
var buffer = new byte[2048];
var slices = new FrameSlice[8];
var arrays = new byte[8][];
for (int k = 0; k < 8; k++)
{
    slices[k] = new FrameSlice(k * 256, 60 + k);
    arrays[k] = new byte[60 + k];
}

ulong sum = Parse<ParseVariants.Full>(buffer, slices, arrays) + Parse<ParseVariants.Tunnels>(buffer, slices, arrays)
            + Parse<ParseVariants.Tags>(buffer, slices, arrays) + Parse<ParseVariants.Dst>(buffer, slices, arrays);

// The batch decide kernels (Vector256 and Vector512, scalar loads for every table read)
// over empty tables of every kind: the code is the same for any tables, which are data.
var tables = new ClassifierTables(4789, 0, 0, 0, default, default, default, default, default);
FrameParser.ParseRaw8Padded<ParseVariants.Full>(buffer, slices, 4789, out var frames8);
var frames4 = new ParsedFrame4();
sum += Decide4Once(in frames4, tables).GetElement(0) + Decide8Once(in frames8, tables).GetElement(1);

// And with IEEE 802.1Qbg S-channels (the S-VID table gathered once, the channel in every key): one declared channel.
var channels = new ushort[4096];
Array.Fill(channels, (ushort)2);
channels[10] = 1;
var channelTables = new ClassifierTables(4789, new ulong[9], channels, default, default, default, default, default);
sum += Decide4Channels(in frames4, channelTables).GetElement(0) + Decide8Channels(in frames8, channelTables).GetElement(1);

// The prefetch steps of the batch loops for tables past the caches (ClassifierTables.PrefetchAhead), with and without channels.
Prefetch4(in frames4, tables);
Prefetch8(in frames8, tables);
Prefetch4Channels(in frames4, channelTables);
Prefetch8Channels(in frames8, channelTables);
// The four-frame RSS hash of a batch's RSS step: the input parse in AVX2 lanes and the Toeplitz hash by carry-less multiplies.
unsafe
{
    fixed (byte* b = buffer)
    {
        var start = Vector256.Create(0UL, 256, 512, 768);
        sum += Rss4Once(b, start, Vector256.Create(60UL), Toeplitz.Default).GetElement(0);
    }
}

Console.WriteLine($"{FrameParser.IsParse8Avx512} {sum}");

[MethodImpl(MethodImplOptions.NoInlining)]
static unsafe Vector256<ulong> Rss4Once(byte* b, Vector256<ulong> start, Vector256<ulong> len, Toeplitz toeplitz) =>
    RssHash.Of4(b, start, len, 4789, toeplitz, ToeplitzPath.Clmul4);

[MethodImpl(MethodImplOptions.NoInlining)]
static Vector256<ulong> Decide4Once(in ParsedFrame4 f, ClassifierTables t) =>
    DispatchKernel.Decide4<RuleKinds<On, On, On, On, On, On, On>>(in f, t);

[MethodImpl(MethodImplOptions.NoInlining)]
static Vector512<ulong> Decide8Once(in ParsedFrame8 f, ClassifierTables t) =>
    DispatchKernel.Decide8<RuleKinds<On, On, On, On, On, On, On>>(in f, t);

[MethodImpl(MethodImplOptions.NoInlining)]
static Vector256<ulong> Decide4Channels(in ParsedFrame4 f, ClassifierTables t) =>
    DispatchKernel.Decide4<ChannelRuleKinds<RuleKinds<On, On, On, On, On, On, On>>>(in f, t);

[MethodImpl(MethodImplOptions.NoInlining)]
static Vector512<ulong> Decide8Channels(in ParsedFrame8 f, ClassifierTables t) =>
    DispatchKernel.Decide8<ChannelRuleKinds<RuleKinds<On, On, On, On, On, On, On>>>(in f, t);

[MethodImpl(MethodImplOptions.NoInlining)]
static void Prefetch4(in ParsedFrame4 f, ClassifierTables t)
{
    DispatchKernel.PrefetchBuckets4<RuleKinds<On, On, On, On, On, On, On>>(in f, t);
    DispatchKernel.PrefetchSlots4<RuleKinds<On, On, On, On, On, On, On>>(in f, t);
}

[MethodImpl(MethodImplOptions.NoInlining)]
static void Prefetch8(in ParsedFrame8 f, ClassifierTables t)
{
    DispatchKernel.PrefetchBuckets8<RuleKinds<On, On, On, On, On, On, On>>(in f, t);
    DispatchKernel.PrefetchSlots8<RuleKinds<On, On, On, On, On, On, On>>(in f, t);
}

[MethodImpl(MethodImplOptions.NoInlining)]
static void Prefetch4Channels(in ParsedFrame4 f, ClassifierTables t)
{
    DispatchKernel.PrefetchBuckets4<ChannelRuleKinds<RuleKinds<On, On, On, On, On, On, On>>>(in f, t);
    DispatchKernel.PrefetchSlots4<ChannelRuleKinds<RuleKinds<On, On, On, On, On, On, On>>>(in f, t);
}

[MethodImpl(MethodImplOptions.NoInlining)]
static void Prefetch8Channels(in ParsedFrame8 f, ClassifierTables t)
{
    DispatchKernel.PrefetchBuckets8<ChannelRuleKinds<RuleKinds<On, On, On, On, On, On, On>>>(in f, t);
    DispatchKernel.PrefetchSlots8<ChannelRuleKinds<RuleKinds<On, On, On, On, On, On, On>>>(in f, t);
}

static ulong Parse<TVariant>(byte[] buffer, FrameSlice[] slices, byte[][] arrays)
    where TVariant : struct, IParseVariant
{
    FrameParser.ParseRaw8Padded<TVariant>(buffer, slices, 4789, out var a);
    FrameParser.ParseRaw8<TVariant>(buffer, slices, 4789, out var b);
    FrameParser.ParseRaw8<TVariant>(arrays, 4789, out var c);
    return a.HasDst[0] + b.HasDst[1] + c.HasDst[2];
}
