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

ulong sum = 0;
for (int i = 0; i < 1_000; i++)
{
    sum += Probe.ClassifyOnce(frame).Bits;
}

Console.WriteLine($"{TenantDispatcher.Classify(frame)} ({sum})");

/// <summary>The method whose disassembly is counted: one whole classification, inlined into it.</summary>
internal static class Probe
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Verdict ClassifyOnce(ReadOnlySpan<byte> frame) => TenantDispatcher.Classify(frame);
}
