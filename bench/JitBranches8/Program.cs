using System;
using Vmdq.Toolkit;

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
Console.WriteLine($"{FrameParser.IsParse8Avx512} {sum}");

static ulong Parse<TVariant>(byte[] buffer, FrameSlice[] slices, byte[][] arrays)
    where TVariant : struct, IParseVariant
{
    FrameParser.ParseRaw8Padded<TVariant>(buffer, slices, 4789, out var a);
    FrameParser.ParseRaw8<TVariant>(buffer, slices, 4789, out var b);
    FrameParser.ParseRaw8<TVariant>(arrays, 4789, out var c);
    return a.HasDst[0] + b.HasDst[1] + c.HasDst[2];
}
