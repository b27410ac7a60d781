using System.ComponentModel;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// Which tables a dispatcher's rules fill: a compile-time choice (static members of a struct, folded by
/// the JIT), so a <see cref="DispatchKernel"/> instantiation probes only those tables and is its own
/// straight-line code. A generated dispatcher declares one from the kinds of its rules; an engine that
/// builds tables at run time picks the same. A kind that is off is never read, whatever its table holds;
/// a kind that is on with an empty table is correct, only slower.
/// Used by generated dispatchers; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRuleKinds
{
    /// <summary><c>vxlan VNI inner M</c> or <c>nvgre VSID inner M</c> rules: the tunnel-inner table is probed.</summary>
    static abstract bool TunnelInner { get; }

    /// <summary><c>vxlan VNI</c> or <c>nvgre VSID</c> rules: the tunnel table is probed.</summary>
    static abstract bool Tunnel { get; }

    /// <summary><c>mac M vlan V</c> rules.</summary>
    static abstract bool MacVlan { get; }

    /// <summary><c>mac M</c> rules.</summary>
    static abstract bool Mac { get; }

    /// <summary><c>vlan V</c> rules.</summary>
    static abstract bool Vlan { get; }

    /// <summary>A <c>broadcast</c> or <c>multicast</c> rule: the two constant verdicts are selected by the destination MAC.</summary>
    static abstract bool Groups { get; }

    /// <summary>
    /// An <c>rss</c> pool: after the kernel's verdict, the frame's RSS hash is computed and a verdict with the spread
    /// flag takes its queue from the pool's redirection table. Off, the hash is never computed.
    /// </summary>
    static abstract bool Rss { get; }

    /// <summary>
    /// IEEE 802.1Qbg S-channels (<c>channel</c> statements): the frame's S-VID selects a channel index c first (through
    /// <see cref="ClassifierTables"/>' S-VID table), c is part of every key, and the constant verdicts are channel c's. Off (the
    /// default, which dispatchers without channels do not write), the S-tag is never read and the kernel is what it was before channels.
    /// </summary>
    static virtual bool Channels => false;
}
