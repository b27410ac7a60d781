using System;
using System.Runtime.CompilerServices;
using Contoso.Fabric;
using Vmdq.Toolkit;

// A VXLAN frame: Ethernet, IPv4, UDP to 4789, VXLAN VNI 5001, inner Ethernet.
byte[] frame = Convert.FromHexString(
    "001b210a0b01" + "0200000000aa" + "0800"                                 // Ethernet
    + "4500000000000000" + "4011" + "0000" + "0a000001" + "0a000002"         // IPv4, UDP
    + "c000" + "12b5" + "00000000"                                          // UDP to 4789
    + "08000000" + "00138900"                                               // VXLAN, VNI 5001
    + "525400123456" + "0200000000bb" + "0800");                             // inner Ethernet

// Initialize the dispatchers' table classes before the probes below are compiled (on their first call),
// as they are before tiered compilation compiles hot code: otherwise the JIT emits a class-initialization
// check (a conditional jump that is not about the frame) into each probe.
Probe.WarmUp(frame);

ulong sum = 0;
for (int i = 0; i < 1_000; i++)
{
    sum += Probe.ClassifyOnce(frame).Bits;
    sum += Probe.ClassifyOnceMacOnly(frame).Bits + Probe.ClassifyOnceTags(frame).Bits + Probe.ClassifyOnceTunnels(frame).Bits + Probe.ClassifyOnceChannels(frame).Bits
        + Probe.ClassifyOnceRss(frame).Bits;
}

Console.WriteLine($"{TenantDispatcher.Classify(frame)} ({sum})");

/// <summary>The methods whose disassembly is counted: one whole classification each, inlined into it.</summary>
internal static class Probe
{
    /// <summary>Runs every dispatcher once, so their static data exists before the probes are compiled.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WarmUp(byte[] frame)
    {
        _ = TenantDispatcher.Classify(frame);
        _ = MacOnlyDispatcher.Classify(frame);
        _ = TagsDispatcher.Classify(frame);
        _ = TunnelsDispatcher.Classify(frame);
        _ = ChannelsDispatcher.Classify(frame);
        _ = RssDispatcher.Classify(frame);
    }

    /// <summary>Every rule kind: the full parse and five probes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Verdict ClassifyOnce(ReadOnlySpan<byte> frame) => TenantDispatcher.Classify(frame);

    /// <summary>Specialised: the destination MAC only, one probe.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Verdict ClassifyOnceMacOnly(ReadOnlySpan<byte> frame) => MacOnlyDispatcher.Classify(frame);

    /// <summary>Specialised: no tunnel rules, no L3/L4.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Verdict ClassifyOnceTags(ReadOnlySpan<byte> frame) => TagsDispatcher.Classify(frame);

    /// <summary>Specialised: tunnels without inner rules, no inner header.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Verdict ClassifyOnceTunnels(ReadOnlySpan<byte> frame) => TunnelsDispatcher.Classify(frame);

    /// <summary>Every rule kind with IEEE 802.1Qbg S-channels: the S-VID table read once, the channel in every key.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Verdict ClassifyOnceChannels(ReadOnlySpan<byte> frame) => ChannelsDispatcher.Classify(frame);

    /// <summary>Every rule kind and an <c>rss</c> pool: the kernel, then the RSS hash input parse, the Toeplitz hash (carry-less multiplies where the CPU has them) and the redirection table.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Verdict ClassifyOnceRss(ReadOnlySpan<byte> frame) => RssDispatcher.Classify(frame);
}
