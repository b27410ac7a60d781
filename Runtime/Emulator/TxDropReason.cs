namespace Vmdq.Toolkit.Emulator;

/// <summary>Why the emulated NIC did not put a frame a VM posted on the wire. No posted frame is dropped without one.</summary>
public enum TxDropReason
{
    /// <summary>
    /// The TX ring had no free descriptor: <c>RingSize</c> frames of the queue were posted and not yet
    /// completed (waiting for the wire, or sent but their completions not yet polled). Counted per queue.
    /// </summary>
    RingFull = 0,

    /// <summary>The frame is shorter than an Ethernet header (14 bytes, FCS not counted). Counted per queue.</summary>
    Runt = 1,

    /// <summary>The frame is larger than one buffer. Counted per queue.</summary>
    Oversize = 2,

    /// <summary>The VM posting it was detached from the NIC (it has no pool, so no TX queue). Counted per port.</summary>
    NotAttached = 3,

    /// <summary>
    /// MAC anti-spoofing: the frame's source MAC is not one of its pool's own MACs (<see cref="PoolInfo.SourceMacs"/>), and the pool
    /// checks source MACs (<see cref="AntiSpoofChecks.Mac"/>). Counted per queue; raises <see cref="NicEmulator.SpoofedFrames"/>.
    /// </summary>
    MacSpoof = 4,

    /// <summary>
    /// VLAN anti-spoofing: the frame's C-VID, as the VM wrote it, is not one of its pool's VLANs (<see cref="PoolInfo.Vlans"/>), or
    /// it is untagged on a pool that inserts no tag, and the pool checks VLANs (<see cref="AntiSpoofChecks.Vlan"/>). Counted per
    /// queue; raises <see cref="NicEmulator.SpoofedFrames"/>.
    /// </summary>
    VlanSpoof = 5,

    /// <summary>
    /// The NIC switch's L2 lookup for the frame (its destination MAC and VLAN, docs/rules-language.md "Switching") found a
    /// <c>-&gt; drop</c> rule: the frame was posted, never left, and its completion is posted at once. Counted per queue.
    /// </summary>
    RuleDrop = 6,

    /// <summary>
    /// In VEB mode the lookup sent a unicast frame to the pool that sent it: a bridge never forwards a frame back through
    /// the port it came in on (IEEE 802.1Q, 8.6.1, active topology enforcement). Posted, never left, completed at once. Counted per queue.
    /// </summary>
    ToSender = 7,

    /// <summary>
    /// S-tag anti-spoofing: the NIC's rules declare S-channels (<see cref="L2ForwardingTable.HasChannels"/>, IEEE 802.1Qbg-2012
    /// clause 40) and the frame's outermost TPID, as the VM wrote it (bytes 12..13), is the S-tag's, 0x88A8. The S-tag belongs to
    /// the NIC's S-component, which pushes a declared channel's on the uplink; a VSI never writes one (a VM of the untagged channel
    /// would otherwise reach the uplink in the S-channel its tag names). Checked in every channel, whatever the pool's
    /// <see cref="AntiSpoofChecks"/>; before the MAC and VLAN checks. Counted per queue; raises <see cref="NicEmulator.SpoofedFrames"/>
    /// (<see cref="SpoofedFramesEventArgs.Reason"/>). Without S-channels an S-tag means nothing and is not checked.
    /// </summary>
    STagSpoof = 8,
}
