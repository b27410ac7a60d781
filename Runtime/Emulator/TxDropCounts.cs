using System;

namespace Vmdq.Toolkit.Emulator;

/// <summary>Transmit drop counts by <see cref="TxDropReason"/>; a value, so snapshots can add them up.</summary>
public readonly struct TxDropCounts : IEquatable<TxDropCounts>
{
    /// <summary>Number of values in <see cref="TxDropReason"/>.</summary>
    public const int ReasonCount = 9;

    /// <summary>Creates counts from one figure per reason.</summary>
    public TxDropCounts(long ringFull, long runt, long oversize, long notAttached, long macSpoof = 0, long vlanSpoof = 0, long ruleDrop = 0, long toSender = 0, long sTagSpoof = 0)
    {
        STagSpoof = sTagSpoof;
        RuleDrop = ruleDrop;
        ToSender = toSender;
        RingFull = ringFull;
        Runt = runt;
        Oversize = oversize;
        NotAttached = notAttached;
        MacSpoof = macSpoof;
        VlanSpoof = vlanSpoof;
    }

    /// <summary>Frames dropped because the TX ring was full.</summary>
    public long RingFull { get; }

    /// <summary>Frames shorter than an Ethernet header.</summary>
    public long Runt { get; }

    /// <summary>Frames larger than a buffer (with the tag their pool inserts).</summary>
    public long Oversize { get; }

    /// <summary>Frames posted by a detached VM.</summary>
    public long NotAttached { get; }

    /// <summary>Frames refused by MAC anti-spoofing.</summary>
    public long MacSpoof { get; }

    /// <summary>Frames refused by VLAN anti-spoofing.</summary>
    public long VlanSpoof { get; }

    /// <summary>Frames the switch's lookup dropped by a <c>-&gt; drop</c> rule (they were posted).</summary>
    public long RuleDrop { get; }

    /// <summary>Unicast frames the switch would have sent back to their sender (VEB; they were posted).</summary>
    public long ToSender { get; }

    /// <summary>Frames refused because the VM wrote an S-tag (TPID 0x88A8) outermost on a NIC with S-channels.</summary>
    public long STagSpoof { get; }

    /// <summary>Drops of frames that were posted and then dropped by the switch (<see cref="RuleDrop"/> and <see cref="ToSender"/>): they hold a completion.</summary>
    public long Forwarding => RuleDrop + ToSender;

    /// <summary>All drops together.</summary>
    public long Total => RingFull + Runt + Oversize + NotAttached + MacSpoof + VlanSpoof + RuleDrop + ToSender + STagSpoof;

    /// <summary>The count for <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">For a value that is not a <see cref="TxDropReason"/>.</exception>
    public long this[TxDropReason reason] => reason switch
    {
        TxDropReason.RingFull => RingFull,
        TxDropReason.Runt => Runt,
        TxDropReason.Oversize => Oversize,
        TxDropReason.NotAttached => NotAttached,
        TxDropReason.MacSpoof => MacSpoof,
        TxDropReason.VlanSpoof => VlanSpoof,
        TxDropReason.RuleDrop => RuleDrop,
        TxDropReason.ToSender => ToSender,
        TxDropReason.STagSpoof => STagSpoof,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, $"A transmit drop reason must be 0..{ReasonCount - 1}."),
    };

    /// <summary>Sums two sets of counts.</summary>
    public static TxDropCounts operator +(TxDropCounts left, TxDropCounts right) => new(
        left.RingFull + right.RingFull, left.Runt + right.Runt, left.Oversize + right.Oversize, left.NotAttached + right.NotAttached,
        left.MacSpoof + right.MacSpoof, left.VlanSpoof + right.VlanSpoof, left.RuleDrop + right.RuleDrop, left.ToSender + right.ToSender,
        left.STagSpoof + right.STagSpoof);

    /// <summary>Equality of every count.</summary>
    public static bool operator ==(TxDropCounts left, TxDropCounts right) => left.Equals(right);

    /// <summary>Inequality of any count.</summary>
    public static bool operator !=(TxDropCounts left, TxDropCounts right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(TxDropCounts other) =>
        RingFull == other.RingFull && Runt == other.Runt && Oversize == other.Oversize && NotAttached == other.NotAttached
        && MacSpoof == other.MacSpoof && VlanSpoof == other.VlanSpoof && RuleDrop == other.RuleDrop && ToSender == other.ToSender
        && STagSpoof == other.STagSpoof;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TxDropCounts other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(HashCode.Combine(RingFull, Runt, Oversize, NotAttached, MacSpoof, VlanSpoof, RuleDrop, ToSender), STagSpoof);

    /// <inheritdoc />
    public override string ToString() =>
        $"ring-full {RingFull}, runt {Runt}, oversize {Oversize}, not-attached {NotAttached}, mac-spoof {MacSpoof}, vlan-spoof {VlanSpoof}, rule-drop {RuleDrop}, to-sender {ToSender}, s-tag-spoof {STagSpoof}";
}
