using System;
using System.Globalization;
using System.Linq;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// Frames a pool tried to send were refused by its anti-spoofing (<see cref="NicEmulator.SpoofedFrames"/>): one event per
/// check per burst, naming the VM that posted them and the first offending frame's source MAC and VLAN. <see cref="Reason"/> says
/// which check: the pool's MAC or VLAN check (<see cref="Check"/>), or, on a NIC with S-channels, the S-tag check that every
/// pool has (<see cref="TxDropReason.STagSpoof"/>, <see cref="Check"/> then <see cref="AntiSpoofChecks.None"/>: no
/// <c>antispoof</c> setting turns it on or off).
/// </summary>
public sealed class SpoofedFramesEventArgs : EventArgs
{
    /// <summary>Creates the event data for frames the pool's <paramref name="check"/> refused (<see cref="Reason"/> follows from it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="check"/> is not <see cref="AntiSpoofChecks.Mac"/> or <see cref="AntiSpoofChecks.Vlan"/>.</exception>
    public SpoofedFramesEventArgs(int pool, string poolName, int queue, string? vmName, AntiSpoofChecks check, long frames, ulong sourceMac, int vlan)
        : this(pool, poolName, queue, vmName, ReasonOf(check), frames, sourceMac, vlan)
    {
    }

    /// <summary>Creates the event data for frames dropped under <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="reason"/> is not an anti-spoofing reason
    /// (<see cref="TxDropReason.MacSpoof"/>, <see cref="TxDropReason.VlanSpoof"/>, <see cref="TxDropReason.STagSpoof"/>).</exception>
    public SpoofedFramesEventArgs(int pool, string poolName, int queue, string? vmName, TxDropReason reason, long frames, ulong sourceMac, int vlan)
    {
        Pool = pool;
        PoolName = poolName;
        Queue = queue;
        VmName = vmName;
        Reason = reason;
        Check = reason switch
        {
            TxDropReason.MacSpoof => AntiSpoofChecks.Mac,
            TxDropReason.VlanSpoof => AntiSpoofChecks.Vlan,
            TxDropReason.STagSpoof => AntiSpoofChecks.None,
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "An anti-spoofing reason: MacSpoof, VlanSpoof or STagSpoof."),
        };
        Frames = frames;
        SourceMac = sourceMac;
        Vlan = vlan;
    }

    /// <summary>The pool whose TX queue the frames were posted on.</summary>
    public int Pool { get; }

    /// <summary>The pool's declared name (or <c>pool{index}</c>).</summary>
    public string PoolName { get; }

    /// <summary>The TX queue within the pool.</summary>
    public int Queue { get; }

    /// <summary>The VM that posted them (the one attached to the pool when the host posted), or null when the pool has no VM.</summary>
    public string? VmName { get; }

    /// <summary>
    /// The pool's check the frames failed: <see cref="AntiSpoofChecks.Mac"/> or <see cref="AntiSpoofChecks.Vlan"/>;
    /// <see cref="AntiSpoofChecks.None"/> for <see cref="TxDropReason.STagSpoof"/>, which is no check of the pool's.
    /// </summary>
    public AntiSpoofChecks Check { get; }

    /// <summary>
    /// Why they were dropped, as counted: <see cref="TxDropReason.MacSpoof"/>, <see cref="TxDropReason.VlanSpoof"/>, or
    /// <see cref="TxDropReason.STagSpoof"/> (the VM wrote an S-tag, TPID 0x88A8, outermost, on a NIC with S-channels).
    /// </summary>
    public TxDropReason Reason { get; }

    /// <summary>Frames of the burst that failed it (all dropped, counted under <see cref="Reason"/>).</summary>
    public long Frames { get; }

    /// <summary>The first such frame's source MAC (48-bit, first octet most significant).</summary>
    public ulong SourceMac { get; }

    /// <summary>
    /// The first such frame's C-VID as the VM wrote it, or -1 when it was untagged. For <see cref="TxDropReason.STagSpoof"/>, the
    /// S-VID of the S-tag it wrote (the S-channel it would have reached), or -1 when the frame ended inside the tag.
    /// </summary>
    public int Vlan { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        string mac = string.Join(":", new[] { 40, 32, 24, 16, 8, 0 }.Select(shift => ((SourceMac >> shift) & 0xFF).ToString("x2", CultureInfo.InvariantCulture)));
        string who = VmName is null ? "no VM" : $"VM '{VmName}'";
        if (Reason == TxDropReason.STagSpoof)
        {
            string svid = Vlan < 0 ? "a cut S-tag" : "S-VID " + Vlan.ToString(CultureInfo.InvariantCulture);
            return $"{who} on {PoolName} queue {Queue}: {Frames} frame(s) refused by S-tag anti-spoofing (first: source {mac}, {svid})";
        }

        string vlan = Vlan < 0 ? "untagged" : "VLAN " + Vlan.ToString(CultureInfo.InvariantCulture);
        return $"{who} on {PoolName} queue {Queue}: {Frames} frame(s) refused by {(Check == AntiSpoofChecks.Mac ? "MAC" : "VLAN")} anti-spoofing (first: source {mac}, {vlan})";
    }

    private static TxDropReason ReasonOf(AntiSpoofChecks check) => check switch
    {
        AntiSpoofChecks.Mac => TxDropReason.MacSpoof,
        AntiSpoofChecks.Vlan => TxDropReason.VlanSpoof,
        _ => throw new ArgumentOutOfRangeException(nameof(check), check, "One check: Mac or Vlan."),
    };
}
