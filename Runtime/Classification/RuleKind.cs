namespace Vmdq.Toolkit;

/// <summary>Which kind of rule decided a verdict. Values are the spec's precedence: lower wins.</summary>
public enum RuleKind : byte
{
    /// <summary>No rule matched: the default pool.</summary>
    Default = 0,
    /// <summary><c>vxlan VNI inner M</c>.</summary>
    VxlanInner = 1,
    /// <summary><c>vxlan VNI</c>.</summary>
    Vxlan = 2,
    /// <summary><c>nvgre VSID inner M</c>.</summary>
    NvgreInner = 3,
    /// <summary><c>nvgre VSID</c>.</summary>
    Nvgre = 4,
    /// <summary><c>mac M vlan V</c>.</summary>
    MacVlan = 5,
    /// <summary><c>mac M</c>.</summary>
    Mac = 6,
    /// <summary><c>vlan V</c>.</summary>
    Vlan = 7,
    /// <summary><c>broadcast</c>.</summary>
    Broadcast = 8,
    /// <summary><c>multicast</c>.</summary>
    Multicast = 9,
}
