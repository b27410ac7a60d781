using System;
using System.ComponentModel;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// Everything a dispatch kernel reads besides the frame: the VXLAN port, the constant verdicts and
/// the five perfect-hash tables, highest precedence first. The kernels of <see cref="DispatchKernel"/>
/// take it as data, so a generated dispatcher (which builds one from its build-time data, once) and
/// an engine that builds tables at run time run the same kernel code. Immutable.
/// Used by generated dispatchers; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ClassifierTables
{
    /// <summary>Creates the kernel's data. A table the rules do not use may be <see langword="default"/> (it becomes <see cref="ProbeTable.Empty"/>).</summary>
    /// <param name="vxlanPort">The UDP destination port that carries VXLAN, 1..65535.</param>
    /// <param name="defaultVerdict">The default pool's verdict bits.</param>
    /// <param name="broadcastVerdict">The broadcast rule's verdict bits (the default's when there is none).</param>
    /// <param name="multicastVerdict">The multicast rule's verdict bits (the default's when there is none).</param>
    /// <param name="tunnelInner"><c>vxlan VNI inner M</c> and <c>nvgre VSID inner M</c>: key inner MAC | NVGRE bit 48, extra VNI/VSID.</param>
    /// <param name="tunnel"><c>vxlan VNI</c> and <c>nvgre VSID</c>: key VNI/VSID | NVGRE bit 24.</param>
    /// <param name="macVlan"><c>mac M vlan V</c>: key MAC, extra VLAN.</param>
    /// <param name="mac"><c>mac M</c>: key MAC.</param>
    /// <param name="vlan"><c>vlan V</c>: key VLAN.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vxlanPort"/> is not a UDP port, or a verdict has bits outside the verdict layout.</exception>
    public ClassifierTables(
        int vxlanPort, ulong defaultVerdict, ulong broadcastVerdict, ulong multicastVerdict,
        ProbeTable tunnelInner, ProbeTable tunnel, ProbeTable macVlan, ProbeTable mac, ProbeTable vlan)
    {
        if (vxlanPort is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(vxlanPort), vxlanPort, "The VXLAN port is a UDP port, 1..65535.");
        }

        VxlanPort = vxlanPort;
        DefaultVerdict = CheckVerdict(defaultVerdict, nameof(defaultVerdict));
        BroadcastVerdict = CheckVerdict(broadcastVerdict, nameof(broadcastVerdict));
        MulticastVerdict = CheckVerdict(multicastVerdict, nameof(multicastVerdict));
        TunnelInner = OrEmpty(tunnelInner);
        Tunnel = OrEmpty(tunnel);
        MacVlan = OrEmpty(macVlan);
        Mac = OrEmpty(mac);
        Vlan = OrEmpty(vlan);
    }

    /// <summary>The UDP destination port that carries VXLAN.</summary>
    public int VxlanPort { get; }

    /// <summary>The default pool's verdict bits.</summary>
    public ulong DefaultVerdict { get; }

    /// <summary>The broadcast rule's verdict bits.</summary>
    public ulong BroadcastVerdict { get; }

    /// <summary>The multicast rule's verdict bits.</summary>
    public ulong MulticastVerdict { get; }

    /// <summary>Total bytes of table data.</summary>
    public long TableBytes => TunnelInner.Bytes + Tunnel.Bytes + MacVlan.Bytes + Mac.Bytes + Vlan.Bytes;

    // Fields, not properties, so a kernel passes them by reference without a copy.
    internal readonly ProbeTable TunnelInner;
    internal readonly ProbeTable Tunnel;
    internal readonly ProbeTable MacVlan;
    internal readonly ProbeTable Mac;
    internal readonly ProbeTable Vlan;

    private static ProbeTable OrEmpty(ProbeTable table) => table.IsValid ? table : ProbeTable.Empty;

    private static ulong CheckVerdict(ulong bits, string name) =>
        (bits & ~VerdictLayout.PayloadMask) == 0
            ? bits
            : throw new ArgumentOutOfRangeException(name, bits, $"A verdict has {VerdictLayout.ExtraShift} bits (Verdict's layout); this one has bits above them.");
}
