using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static Vmdq.Toolkit.Classification.BranchFree;

namespace Vmdq.Toolkit;

/// <summary>What <see cref="FrameParser.ReadIpHeader"/> finds in an IP header (masks are all ones or 0).</summary>
internal struct IpHeader
{
    /// <summary>The IP header's offset.</summary>
    public ulong L3;

    /// <summary>The offset after it (IPv4: its IHL; IPv6: the 40-byte fixed header).</summary>
    public ulong L4;

    /// <summary>The IPv4 protocol or the IPv6 next header.</summary>
    public ulong Proto;

    /// <summary>The IPv4 flags and fragment offset, host order (meaningless for IPv6).</summary>
    public ulong Fragment;

    /// <summary>A valid IPv4 header (any fragment).</summary>
    public ulong V4;

    /// <summary>A valid IPv6 fixed header.</summary>
    public ulong V6;

    /// <summary>Valid, and not a non-first IPv4 fragment: a UDP or GRE header, so a tunnel, may follow.</summary>
    public readonly ulong CarriesTunnel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (V4 & EqSmall(Fragment & 0x1FFF, 0)) | V6;
    }

    /// <summary>Unfragmented (IPv4 MF and offset 0) TCP or UDP with the four port bytes in a frame of <paramref name="len"/> bytes: the ports are hashed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong HasPorts(ulong len) =>
        ((V4 & EqSmall(Fragment & 0x3FFF, 0)) | V6) & (EqSmall(Proto, 6) | EqSmall(Proto, 17)) & FrameParser.Has(len, L4, 4);
}

/// <summary>Four frames' <see cref="IpHeader"/>s, lane k for frame k (<see cref="FrameParser.ReadIpHeader4"/>).</summary>
internal struct IpHeader4
{
    /// <summary>The IP headers' offsets.</summary>
    public Vector256<ulong> L3;

    /// <summary>The offsets after them.</summary>
    public Vector256<ulong> L4;

    /// <summary>The IPv4 protocols or IPv6 next headers.</summary>
    public Vector256<ulong> Proto;

    /// <summary>The IPv4 flags and fragment offsets, host order.</summary>
    public Vector256<ulong> Fragment;

    /// <summary>Valid IPv4 headers.</summary>
    public Vector256<ulong> V4;

    /// <summary>Valid IPv6 fixed headers.</summary>
    public Vector256<ulong> V6;

    /// <summary>Valid, and not non-first IPv4 fragments.</summary>
    public readonly Vector256<ulong> CarriesTunnel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (V4 & Vector256.Equals(Fragment & Vector256.Create(0x1FFFUL), Vector256<ulong>.Zero)) | V6;
    }

    /// <summary>Unfragmented TCP or UDP with the four port bytes present.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector256<ulong> HasPorts(Vector256<ulong> len) =>
        ((V4 & Vector256.Equals(Fragment & Vector256.Create(0x3FFFUL), Vector256<ulong>.Zero)) | V6)
        & (Vector256.Equals(Proto, Vector256.Create(6UL)) | Vector256.Equals(Proto, Vector256.Create(17UL)))
        & FrameParser.VHas(len, L4, 4);
}
