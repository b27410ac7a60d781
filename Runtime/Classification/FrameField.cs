using System;

namespace Vmdq.Toolkit;

/// <summary>Which fields a parsed frame has (spec, "Frame parsing": a field is present only when all its bytes and every header it depends on are).</summary>
[Flags]
public enum FrameField : uint
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>Destination MAC (bytes 0..5).</summary>
    Dst = 1 << 0,
    /// <summary>S-tag VLAN ID (TPID 0x88A8).</summary>
    Svid = 1 << 1,
    /// <summary>C-tag VLAN ID (TPID 0x8100): what <c>vlan</c> rules match.</summary>
    Cvid = 1 << 2,
    /// <summary>Priority of the outermost tag.</summary>
    Pcp = 1 << 3,
    /// <summary>VXLAN network identifier.</summary>
    Vni = 1 << 4,
    /// <summary>NVGRE virtual subnet ID (and flow ID).</summary>
    Vsid = 1 << 5,
    /// <summary>Inner destination MAC of a tunnelled frame.</summary>
    InnerDst = 1 << 6,
    /// <summary>Inner C-tag VLAN ID of a tunnelled frame.</summary>
    InnerVid = 1 << 7,
}
