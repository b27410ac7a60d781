namespace Vmdq.Toolkit.Emulator;

/// <summary>Why the emulated NIC did not deliver a frame (or one replica of it) to a ring. No frame is dropped without one.</summary>
public enum DropReason
{
    /// <summary>The bound RX ring had no free descriptor (the consumer is too slow). Counted per queue.</summary>
    RingFull = 0,

    /// <summary>The buffer pool had no free buffer to land the frame in (consumers hold too many). Counted per port.</summary>
    NoBuffer = 1,

    /// <summary>A <c>-&gt; drop</c> rule matched. Counted per port.</summary>
    RuleDrop = 2,

    /// <summary>Receive error: the frame is shorter than an Ethernet header (14 bytes). Counted per port.</summary>
    Runt = 3,

    /// <summary>Receive error: the frame is larger than one buffer. Counted per port.</summary>
    Oversize = 4,

    /// <summary>The classifier named a pool outside the NIC's geometry (a dispatcher/NIC mismatch). Counted per port, per replica.</summary>
    InvalidVerdict = 5,

    /// <summary>
    /// VEPA: a frame the adjacent bridge reflected (<see cref="ReflectiveRelayBridge"/>) has no station to go to but the one that
    /// sent it, which the station filters out by source MAC (IEEE 802.1Qbg reflective relay), or none at all. Counted per port, per replica.
    /// </summary>
    Reflected = 6,
}
