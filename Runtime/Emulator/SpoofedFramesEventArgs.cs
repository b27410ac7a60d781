using System;
using System.Globalization;
using System.Linq;

namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// Frames a pool tried to send were refused by its anti-spoofing (<see cref="NicEmulator.SpoofedFrames"/>): one event per
/// check per burst, naming the VM that posted them and the first offending frame's source MAC and VLAN.
/// </summary>
public sealed class SpoofedFramesEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public SpoofedFramesEventArgs(int pool, string poolName, int queue, string? vmName, AntiSpoofChecks check, long frames, ulong sourceMac, int vlan)
    {
        Pool = pool;
        PoolName = poolName;
        Queue = queue;
        VmName = vmName;
        Check = check;
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

    /// <summary>The check the frames failed: <see cref="AntiSpoofChecks.Mac"/> or <see cref="AntiSpoofChecks.Vlan"/>.</summary>
    public AntiSpoofChecks Check { get; }

    /// <summary>Frames of the burst that failed it (all dropped, counted under <see cref="TxDropReason.MacSpoof"/> or <see cref="TxDropReason.VlanSpoof"/>).</summary>
    public long Frames { get; }

    /// <summary>The first such frame's source MAC (48-bit, first octet most significant).</summary>
    public ulong SourceMac { get; }

    /// <summary>The first such frame's C-VID as the VM wrote it, or -1 when it was untagged.</summary>
    public int Vlan { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        string mac = string.Join(":", new[] { 40, 32, 24, 16, 8, 0 }.Select(shift => ((SourceMac >> shift) & 0xFF).ToString("x2", CultureInfo.InvariantCulture)));
        string vlan = Vlan < 0 ? "untagged" : "VLAN " + Vlan.ToString(CultureInfo.InvariantCulture);
        string who = VmName is null ? "no VM" : $"VM '{VmName}'";
        return $"{who} on {PoolName} queue {Queue}: {Frames} frame(s) refused by {(Check == AntiSpoofChecks.Mac ? "MAC" : "VLAN")} anti-spoofing (first: source {mac}, {vlan})";
    }
}
