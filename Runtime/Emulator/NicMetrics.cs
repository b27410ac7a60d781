namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// The names under which <see cref="NicEmulator"/> publishes its figures through
/// <see cref="System.Diagnostics.Metrics"/>: a public contract (dashboards and <c>dotnet-counters</c> use them).
/// </summary>
/// <remarks>
/// <para>Counters (<c>Counter&lt;long&gt;</c>) are added to once per burst per queue (and once per burst
/// per port drop reason), not per frame, from the thread doing the work; when no listener is
/// enabled an add costs one flag test. The plain per-queue fields behind <see cref="NicEmulator.Snapshot"/>
/// are kept regardless.</para>
/// <para>Gauges (<c>ObservableGauge&lt;int&gt;</c>) are read when a listener collects.</para>
/// </remarks>
public static class NicMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Vmdq.Nic";

    /// <summary>Meter tag: the NIC's name (<see cref="NicOptions.Name"/>).</summary>
    public const string NicTag = "vmdq.nic";

    /// <summary>Instrument tag: the pool's name.</summary>
    public const string PoolTag = "pool";

    /// <summary>Instrument tag: the queue within the pool.</summary>
    public const string QueueTag = "queue";

    /// <summary>Instrument tag: the drop reason (<c>ring_full</c>, <c>no_buffer</c>, <c>rule_drop</c>, <c>runt</c>, <c>oversize</c>, <c>invalid_verdict</c>).</summary>
    public const string ReasonTag = "reason";

    /// <summary>Instrument tag on <see cref="TxDrops"/> with reason <c>spoof</c>: the anti-spoofing check that refused the frames (<c>mac</c>, <c>vlan</c>).</summary>
    public const string CheckTag = "check";

    /// <summary>Instrument tag: what a <see cref="QueueBalancer"/> decided (<c>grow</c>, <c>shrink</c>).</summary>
    public const string DecisionTag = "decision";

    /// <summary>Counter: frames that arrived at the port, before classification. No tags.</summary>
    public const string PortFrames = "vmdq.nic.port.frames";

    /// <summary>Counter: descriptors enqueued on an RX queue; tags pool, queue.</summary>
    public const string RxFrames = "vmdq.nic.rx.frames";

    /// <summary>Counter: bytes of the frames enqueued on an RX queue; tags pool, queue.</summary>
    public const string RxBytes = "vmdq.nic.rx.bytes";

    /// <summary>Counter: frames (or replicas) dropped; tag reason, plus pool and queue for <c>ring_full</c>.</summary>
    public const string RxDrops = "vmdq.nic.rx.drops";

    /// <summary>Counter: descriptors consumers dequeued; tags pool, queue.</summary>
    public const string DeliveredFrames = "vmdq.nic.delivered.frames";

    /// <summary>Counter: bytes of the frames consumers dequeued; tags pool, queue.</summary>
    public const string DeliveredBytes = "vmdq.nic.delivered.bytes";

    /// <summary>Gauge: descriptors waiting in a ring; tags pool, queue.</summary>
    public const string RingOccupancy = "vmdq.nic.ring.occupancy";

    /// <summary>Gauge: 1 while a ring is congested, else 0; tags pool, queue.</summary>
    public const string RingCongested = "vmdq.nic.ring.congested";

    /// <summary>Counter: frames that left on the wire from a TX queue; tags pool, queue.</summary>
    public const string TxFrames = "vmdq.nic.tx.frames";

    /// <summary>Counter: bytes (as posted) of the frames that left on the wire from a TX queue; tags pool, queue.</summary>
    public const string TxBytes = "vmdq.nic.tx.bytes";

    /// <summary>
    /// Counter: frames posted for transmit and dropped; tag reason (<c>ring_full</c>, <c>runt</c>, <c>oversize</c>, <c>spoof</c>,
    /// <c>not_attached</c>), plus pool and queue except for <c>not_attached</c>, plus check (<c>mac</c>, <c>vlan</c>) for <c>spoof</c>.
    /// </summary>
    public const string TxDrops = "vmdq.nic.tx.drops";

    /// <summary>Gauge: descriptors waiting in a TX ring for the wire; tags pool, queue.</summary>
    public const string TxRingOccupancy = "vmdq.nic.tx.ring.occupancy";

    /// <summary>Gauge (<c>double</c>): the share of the wire's simulated time so far spent sending frames (with their preamble and gap), 0..1.</summary>
    public const string WireUtilization = "vmdq.nic.wire.utilization";

    /// <summary>Gauge: buffers on the free list.</summary>
    public const string BuffersFree = "vmdq.nic.buffers.free";

    /// <summary>Gauge: buffers in use (in RX or TX rings, on the wire, or held).</summary>
    public const string BuffersInUse = "vmdq.nic.buffers.in_use";

    /// <summary>Counter: decisions of a <see cref="QueueBalancer"/> on this NIC (a pool's queue set grown or shrunk); tags pool, decision.</summary>
    public const string BalancerDecisions = "vmdq.nic.balancer.decisions";

    /// <summary>Gauge: queues in a pool's current queue set (what traffic may land on); tag pool.</summary>
    public const string PoolQueues = "vmdq.nic.pool.queues";

    /// <summary>The <see cref="DecisionTag"/> value for a balancer decision.</summary>
    public static string DecisionName(BalancerAction action) => action switch
    {
        BalancerAction.Grow => "grow",
        BalancerAction.Shrink => "shrink",
        _ => action.ToString(),
    };

    /// <summary>The <see cref="ReasonTag"/> value for a drop reason.</summary>
    public static string ReasonName(DropReason reason) => reason switch
    {
        DropReason.RingFull => "ring_full",
        DropReason.NoBuffer => "no_buffer",
        DropReason.RuleDrop => "rule_drop",
        DropReason.Runt => "runt",
        DropReason.Oversize => "oversize",
        DropReason.InvalidVerdict => "invalid_verdict",
        DropReason.Reflected => "reflected",
        _ => reason.ToString(),
    };

    /// <summary>Frames a TX queue sent that the NIC's switch delivered to local pools' RX rings without the wire (counted once per frame).</summary>
    public const string TxSwitched = "vmdq.nic.tx.switched";

    /// <summary>The <see cref="ReasonTag"/> value for a transmit drop reason (on <see cref="TxDrops"/>).</summary>
    public static string ReasonName(TxDropReason reason) => reason switch
    {
        TxDropReason.RingFull => "ring_full",
        TxDropReason.Runt => "runt",
        TxDropReason.Oversize => "oversize",
        TxDropReason.NotAttached => "not_attached",
        TxDropReason.MacSpoof or TxDropReason.VlanSpoof => "spoof",
        TxDropReason.RuleDrop => "rule_drop",
        TxDropReason.ToSender => "to_sender",
        TxDropReason.STagSpoof => "s_tag_spoof",
        _ => reason.ToString(),
    };

    /// <summary>The <see cref="CheckTag"/> value for an anti-spoofing check (<c>mac</c>, <c>vlan</c>).</summary>
    public static string CheckName(AntiSpoofChecks check) => check switch
    {
        AntiSpoofChecks.Mac => "mac",
        AntiSpoofChecks.Vlan => "vlan",
        _ => check.ToString(),
    };
}
