using System;

namespace Vmdq.Toolkit.Emulator;

/// <summary>Drop counts by <see cref="DropReason"/>; a value, so snapshots can add them up.</summary>
public readonly struct DropCounts : IEquatable<DropCounts>
{
    /// <summary>Number of values in <see cref="DropReason"/>.</summary>
    public const int ReasonCount = 7;

    /// <summary>Creates counts from one figure per reason.</summary>
    public DropCounts(long ringFull, long noBuffer, long ruleDrop, long runt, long oversize, long invalidVerdict, long reflected = 0)
    {
        Reflected = reflected;
        RingFull = ringFull;
        NoBuffer = noBuffer;
        RuleDrop = ruleDrop;
        Runt = runt;
        Oversize = oversize;
        InvalidVerdict = invalidVerdict;
    }

    /// <summary>Frames (replicas) dropped because the ring was full.</summary>
    public long RingFull { get; }

    /// <summary>Frames dropped because no buffer was free.</summary>
    public long NoBuffer { get; }

    /// <summary>Frames dropped by a <c>-&gt; drop</c> rule.</summary>
    public long RuleDrop { get; }

    /// <summary>Runt frames (shorter than 14 bytes).</summary>
    public long Runt { get; }

    /// <summary>Frames larger than a buffer.</summary>
    public long Oversize { get; }

    /// <summary>Frames (replicas) whose verdict named a pool outside the NIC.</summary>
    public long InvalidVerdict { get; }

    /// <summary>Reflected frames (replicas) with no station but their sender (VEPA).</summary>
    public long Reflected { get; }

    /// <summary>All drops together.</summary>
    public long Total => RingFull + NoBuffer + RuleDrop + Runt + Oversize + InvalidVerdict + Reflected;

    /// <summary>The count for <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">For a value that is not a <see cref="DropReason"/>.</exception>
    public long this[DropReason reason] => reason switch
    {
        DropReason.RingFull => RingFull,
        DropReason.NoBuffer => NoBuffer,
        DropReason.RuleDrop => RuleDrop,
        DropReason.Runt => Runt,
        DropReason.Oversize => Oversize,
        DropReason.InvalidVerdict => InvalidVerdict,
        DropReason.Reflected => Reflected,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, $"A drop reason must be 0..{ReasonCount - 1}."),
    };

    /// <summary>Sums two sets of counts.</summary>
    public static DropCounts operator +(DropCounts left, DropCounts right) => new(
        left.RingFull + right.RingFull,
        left.NoBuffer + right.NoBuffer,
        left.RuleDrop + right.RuleDrop,
        left.Runt + right.Runt,
        left.Oversize + right.Oversize,
        left.InvalidVerdict + right.InvalidVerdict,
        left.Reflected + right.Reflected);

    /// <summary>Equality of every count.</summary>
    public static bool operator ==(DropCounts left, DropCounts right) => left.Equals(right);

    /// <summary>Inequality of any count.</summary>
    public static bool operator !=(DropCounts left, DropCounts right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(DropCounts other) =>
        RingFull == other.RingFull && NoBuffer == other.NoBuffer && RuleDrop == other.RuleDrop
        && Runt == other.Runt && Oversize == other.Oversize && InvalidVerdict == other.InvalidVerdict && Reflected == other.Reflected;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DropCounts other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RingFull, NoBuffer, RuleDrop, Runt, Oversize, InvalidVerdict, Reflected);

    /// <inheritdoc />
    public override string ToString() =>
        $"ring-full {RingFull}, no-buffer {NoBuffer}, rule-drop {RuleDrop}, runt {Runt}, oversize {Oversize}, invalid-verdict {InvalidVerdict}, reflected {Reflected}";
}
