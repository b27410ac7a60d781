using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// The dispatch kernel every dispatcher runs: from parsed fields and a <see cref="ClassifierTables"/>
/// to a verdict, in straight-line code. Each table the dispatcher's <see cref="IRuleKinds"/> names is probed, and each
/// hit replaces the verdict so far by a masked select, lowest precedence first, so the highest precedence
/// that matched is what remains (the spec's "Which rule wins"). The tables are data: a generated dispatcher
/// passes the ones it built from its build-time bytes, a runtime engine the ones it built from rules text.
/// Used by generated dispatchers; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DispatchKernel
{
    /// <summary>The broadcast destination MAC.</summary>
    private const ulong BroadcastMac = 0xFFFF_FFFF_FFFFUL;

    /// <summary>The group (I/G) bit of a destination MAC: set for multicast and broadcast.</summary>
    private const ulong GroupBit = 0x0100_0000_0000UL;

    /// <summary>The verdict for one parsed frame.</summary>
    /// <typeparam name="TKinds">The tables to probe.</typeparam>
    /// <param name="f">The parsed frame.</param>
    /// <param name="tables">The dispatcher's tables.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verdict Decide<TKinds>(in ParsedFrame f, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
    {
        Decide<TKinds, ScalarLanes, ulong, ParsedFrame>(in f, tables, out ulong verdict);
        return new(verdict);
    }

    /// <summary>The verdicts' bits for four parsed frames, lane k for frame k (tables probed with four scalar loads per read).</summary>
    /// <typeparam name="TKinds">The tables to probe.</typeparam>
    /// <param name="f">The parsed frames.</param>
    /// <param name="tables">The dispatcher's tables.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Decide4<TKinds>(in ParsedFrame4 f, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
    {
        Decide<TKinds, Vector256Lanes, Vector256<ulong>, ParsedFrame4>(in f, tables, out var verdicts);
        return verdicts;
    }

    /// <summary><see cref="Decide4{TKinds}"/>, the four verdicts written straight to <paramref name="verdicts"/> (which need not be aligned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Decide4To<TKinds>(in ParsedFrame4 f, ClassifierTables tables, out Vector256<ulong> verdicts)
        where TKinds : struct, IRuleKinds =>
        Decide<TKinds, Vector256Lanes, Vector256<ulong>, ParsedFrame4>(in f, tables, out verdicts);

    /// <summary>The verdicts' bits for eight parsed frames, lane k for frame k (each table read is eight scalar loads, faster than gathers on Zen 4).</summary>
    /// <typeparam name="TKinds">The tables to probe.</typeparam>
    /// <param name="f">The parsed frames.</param>
    /// <param name="tables">The dispatcher's tables.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Decide8<TKinds>(in ParsedFrame8 f, ClassifierTables tables)
        where TKinds : struct, IRuleKinds
    {
        Decide<TKinds, Vector512Lanes, Vector512<ulong>, ParsedFrame8>(in f, tables, out var verdicts);
        return verdicts;
    }

    /// <summary><see cref="Decide8{TKinds}"/>, the eight verdicts written straight to <paramref name="verdicts"/> (which need not be aligned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Decide8To<TKinds>(in ParsedFrame8 f, ClassifierTables tables, out Vector512<ulong> verdicts)
        where TKinds : struct, IRuleKinds =>
        Decide<TKinds, Vector512Lanes, Vector512<ulong>, ParsedFrame8>(in f, tables, out verdicts);

    /// <summary>Starts the displacement reads four parsed frames' probes will make (prefetch step one of <see cref="Prefetch{TKinds, TLanes, TValue, TFrame, TStep}"/>). Requires AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchBuckets4<TKinds>(in ParsedFrame4 f, ClassifierTables tables)
        where TKinds : struct, IRuleKinds =>
        Prefetch<TKinds, Vector256Lanes, Vector256<ulong>, ParsedFrame4, BucketStep>(in f, tables);

    /// <summary>Reads four parsed frames' displacements and starts their key and verdict reads (prefetch step two). Requires AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchSlots4<TKinds>(in ParsedFrame4 f, ClassifierTables tables)
        where TKinds : struct, IRuleKinds =>
        Prefetch<TKinds, Vector256Lanes, Vector256<ulong>, ParsedFrame4, SlotStep>(in f, tables);

    /// <summary>Prefetch step one for eight parsed frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchBuckets8<TKinds>(in ParsedFrame8 f, ClassifierTables tables)
        where TKinds : struct, IRuleKinds =>
        Prefetch<TKinds, Vector512Lanes, Vector512<ulong>, ParsedFrame8, BucketStep>(in f, tables);

    /// <summary>Prefetch step two for eight parsed frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchSlots8<TKinds>(in ParsedFrame8 f, ClassifierTables tables)
        where TKinds : struct, IRuleKinds =>
        Prefetch<TKinds, Vector512Lanes, Vector512<ulong>, ParsedFrame8, SlotStep>(in f, tables);

    /// <summary>
    /// For each table <typeparamref name="TKinds"/> probes, from the same keys <see cref="Decide{TKinds, TLanes, TValue, TFrame}"/>
    /// builds: starts loading the displacement line each frame's key hashes to (<see cref="BucketStep"/>), or reads that
    /// displacement and starts loading the key line and the verdict line the probe and the final fetch will read (<see cref="SlotStep"/>). A
    /// batch loop runs step one two steps ahead and step two one step ahead of deciding, so a probe's dependent misses
    /// overlap other frames' work. Worth it only once the tables outgrow the caches (<see cref="ClassifierTables.PrefetchAhead"/>).
    /// The step is a type (<see cref="BucketStep"/>, <see cref="SlotStep"/>), so each compiles to its own straight-line code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch<TKinds, TLanes, TValue, TFrame, TStep>(in TFrame f, ClassifierTables t)
        where TKinds : struct, IRuleKinds
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
        where TStep : struct, IPrefetchStep
    {
        bool slots = TStep.Slots;
        TValue channel = TLanes.Splat(0);
        if (TKinds.Channels)
        {
            channel = TLanes.Fetch(t.ChannelOfSvid, TLanes.And(TLanes.Add(TLanes.Svid(in f), TLanes.Splat(1)), TLanes.HasSvid(in f)));
        }

        if (TKinds.Vlan)
        {
            Narrow<TLanes, TValue, TFrame>(in t.Vlan, VlanKey<TKinds, TLanes, TValue, TFrame>(in f, channel), t.Verdicts, t.VlanBase, slots);
        }

        if (TKinds.Mac)
        {
            Narrow<TLanes, TValue, TFrame>(in t.Mac, MacKey<TKinds, TLanes, TValue, TFrame>(in f, channel), t.Verdicts, t.MacBase, slots);
        }

        if (TKinds.MacVlan)
        {
            TValue key = MacVlanKey<TLanes, TValue, TFrame>(in f, out _);
            if (TKinds.Channels)
            {
                Wide<TLanes, TValue, TFrame>(in t.MacVlan, key, channel, t.Verdicts, t.MacVlanBase, slots);
            }
            else
            {
                Narrow<TLanes, TValue, TFrame>(in t.MacVlan, key, t.Verdicts, t.MacVlanBase, slots);
            }
        }

        if (TKinds.Tunnel)
        {
            Narrow<TLanes, TValue, TFrame>(in t.Tunnel, TunnelKey<TKinds, TLanes, TValue, TFrame>(in f, channel, out _), t.Verdicts, t.TunnelBase, slots);
        }

        if (TKinds.TunnelInner)
        {
            TValue key = InnerKey<TKinds, TLanes, TValue, TFrame>(in f, channel, out TValue extra);
            Wide<TLanes, TValue, TFrame>(in t.TunnelInner, key, extra, t.Verdicts, t.TunnelInnerBase, slots);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Narrow<TLanes, TValue, TFrame>(in ProbeTable table, TValue key, ulong[] verdicts, ulong verdictBase, bool slots)
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
    {
        if (slots)
        {
            TLanes.PrefetchSlot(in table, key, verdicts, verdictBase);
        }
        else
        {
            TLanes.PrefetchBucket(in table, key);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Wide<TLanes, TValue, TFrame>(in ProbeTable table, TValue key, TValue extra, ulong[] verdicts, ulong verdictBase, bool slots)
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
    {
        if (slots)
        {
            TLanes.PrefetchSlotWide(in table, key, extra, verdicts, verdictBase);
        }
        else
        {
            TLanes.PrefetchBucketWide(in table, key, extra);
        }
    }

    /// <summary>The kernel, once, for every width <typeparamref name="TLanes"/> spells.</summary>
    /// <remarks>
    /// The kernel carries the index of the winning verdict in <see cref="ClassifierTables.Verdicts"/> (a
    /// constant's index, or a table's base plus the slot a probe landed in) and fetches one verdict at the
    /// end, so each probe reads only a displacement and a key.
    /// <para>
    /// Compiled on its own, once per rule kinds and width (a call per frame, or per four or eight frames), not inlined into
    /// its caller: the JIT's inlining budget grows with the IL of the method it compiles, and only a root this large has
    /// the budget to inline every probe and table read of all five tables. Inlined into a batch loop, the eight-lane kernel
    /// with scalar table reads ran out of it and called pieces of itself out of line (35 ns per frame at 10K against 21); as a root of its own it
    /// has no call and no spill (<c>bench/jit-branches.sh</c> checks both).
    /// </para>
    /// <para>
    /// The verdicts go out through <paramref name="result"/>, not a return value: a returned <c>Vector512</c> travels
    /// through a stack slot, stored by the kernel and loaded by its caller at once, and such a round trip is slow at some
    /// stack alignments (the eight-lane parse's length argument, passed the same way, cost the batch about 20% in the
    /// processes whose stack sat there; this return, about 2%). The batch loops pass the verdicts array itself.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Decide<TKinds, TLanes, TValue, TFrame>(in TFrame f, ClassifierTables t, out TValue result)
        where TKinds : struct, IRuleKinds
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
    {
        // S-channels: the S-VID selects channel c first (entry 0 of the table for a frame with no S-tag, S-VID + 1 for one
        // with), c is part of every key, and channel c's constant verdicts are at 3c, 3c + 1, 3c + 2. Without channels the
        // S-tag is never read, c is 0 and every 'Or' with it below is folded away.
        TValue channel = TLanes.Splat(0), constants = TLanes.Splat(0);
        if (TKinds.Channels)
        {
            channel = TLanes.Fetch(t.ChannelOfSvid, TLanes.And(TLanes.Add(TLanes.Svid(in f), TLanes.Splat(1)), TLanes.HasSvid(in f)));
            constants = TLanes.Add(channel, TLanes.ShiftLeft(channel, 1));
        }

        // 9. The default pool.
        TValue winner = TKinds.Channels ? constants : TLanes.Splat(ClassifierTables.DefaultIndex);

        // The probes run in two phases, every table's first half before any second half: first each key's slot (the
        // displacement read), then each slot's key read and the selects. Probe by probe, each probe's two dependent reads
        // held the reorder buffer while the next probes' reads waited behind them; in phases, the five displacement reads
        // are in flight together, then the five key reads.
        TValue vlanKey = default, vlanSlot = default, macKey = default, macSlot = default, macVlanKey = default,
            macVlanPresent = default, macVlanSlot = default, tunnelKey = default, hasTunnel = default, tunnelSlot = default,
            innerKey = default, innerExtra = default, innerSlot = default;
        if (TKinds.Vlan)
        {
            // vlan V: key the C-tag's VLAN ID.
            vlanKey = VlanKey<TKinds, TLanes, TValue, TFrame>(in f, channel);
            vlanSlot = TLanes.Slot(in t.Vlan, vlanKey);
        }

        if (TKinds.Mac)
        {
            // mac M: key the destination MAC.
            macKey = MacKey<TKinds, TLanes, TValue, TFrame>(in f, channel);
            macSlot = TLanes.Slot(in t.Mac, macKey);
        }

        if (TKinds.MacVlan)
        {
            // mac M vlan V: key the destination MAC | the C-tag's VLAN ID at bit 48 (with channels a wide table, extra c).
            macVlanKey = MacVlanKey<TLanes, TValue, TFrame>(in f, out macVlanPresent);
            macVlanSlot = TKinds.Channels ? TLanes.SlotWide(in t.MacVlan, macVlanKey, channel) : TLanes.Slot(in t.MacVlan, macVlanKey);
        }

        if (TKinds.Tunnel)
        {
            // vxlan VNI and nvgre VSID: key VNI/VSID | type bit 24.
            tunnelKey = TunnelKey<TKinds, TLanes, TValue, TFrame>(in f, channel, out hasTunnel);
            tunnelSlot = TLanes.Slot(in t.Tunnel, tunnelKey);
        }

        if (TKinds.TunnelInner)
        {
            // vxlan VNI inner M and nvgre VSID inner M: key inner MAC | type bit 48, extra VNI/VSID.
            innerKey = InnerKey<TKinds, TLanes, TValue, TFrame>(in f, channel, out innerExtra);
            innerSlot = TLanes.SlotWide(in t.TunnelInner, innerKey, innerExtra);
        }

        if (TKinds.Groups)
        {
            // 8. multicast (group bit set, not broadcast), then broadcast (ff:ff:ff:ff:ff:ff) over it. A kind
            // the rules lack has the default's verdict, so selecting it changes nothing.
            TValue dst = TLanes.Dst(in f);
            TValue hasDst = TLanes.HasDst(in f);
            TValue isBroadcast = TLanes.And(TLanes.Equal(dst, TLanes.Splat(BroadcastMac)), hasDst);
            TValue isMulticast = TLanes.AndNot(TLanes.And(TLanes.NonZero(TLanes.And(dst, TLanes.Splat(GroupBit))), hasDst), isBroadcast);
            TValue multicastIndex = TKinds.Channels ? TLanes.Add(constants, TLanes.Splat(ClassifierTables.MulticastIndex)) : TLanes.Splat(ClassifierTables.MulticastIndex);
            TValue broadcastIndex = TKinds.Channels ? TLanes.Add(constants, TLanes.Splat(ClassifierTables.BroadcastIndex)) : TLanes.Splat(ClassifierTables.BroadcastIndex);
            winner = TLanes.Select(isMulticast, multicastIndex, winner);
            winner = TLanes.Select(isBroadcast, broadcastIndex, winner);
        }

        // Each hit replaces the winner so far, lowest precedence first.
        if (TKinds.Vlan)
        {
            // 7. vlan V.
            winner = TLanes.Select(TLanes.Hit(in t.Vlan, vlanSlot, vlanKey, TLanes.HasCvid(in f)), TLanes.Add(vlanSlot, TLanes.Splat(t.VlanBase)), winner);
        }

        if (TKinds.Mac)
        {
            // 6. mac M.
            winner = TLanes.Select(TLanes.Hit(in t.Mac, macSlot, macKey, TLanes.HasDst(in f)), TLanes.Add(macSlot, TLanes.Splat(t.MacBase)), winner);
        }

        if (TKinds.MacVlan)
        {
            // 5. mac M vlan V.
            TValue hit = TKinds.Channels
                ? TLanes.HitWide(in t.MacVlan, macVlanSlot, macVlanKey, channel, macVlanPresent)
                : TLanes.Hit(in t.MacVlan, macVlanSlot, macVlanKey, macVlanPresent);
            winner = TLanes.Select(hit, TLanes.Add(macVlanSlot, TLanes.Splat(t.MacVlanBase)), winner);
        }

        if (TKinds.Tunnel)
        {
            // 2./4. vxlan VNI and nvgre VSID.
            winner = TLanes.Select(TLanes.Hit(in t.Tunnel, tunnelSlot, tunnelKey, hasTunnel), TLanes.Add(tunnelSlot, TLanes.Splat(t.TunnelBase)), winner);
        }

        if (TKinds.TunnelInner)
        {
            // 1./3. vxlan VNI inner M and nvgre VSID inner M.
            TValue hit = TLanes.HitWide(in t.TunnelInner, innerSlot, innerKey, innerExtra, TLanes.HasInnerDst(in f));
            winner = TLanes.Select(hit, TLanes.Add(innerSlot, TLanes.Splat(t.TunnelInnerBase)), winner);
        }

        // One verdict read per frame, for the rule that won.
        result = TLanes.Fetch(t.Verdicts, winner);
    }

    // The probe keys, one place for Decide and Prefetch (which must read the lines Decide will). A key is 0 where the frame
    // lacks the fields it is made of: those fields hold whatever bytes were there (no C-tag, no tunnel), and probing
    // with them would read a random slot, a cache miss in a large table, only to be masked off; key 0 reads one slot
    // every time, which stays cached. The probe's presence mask still decides that such a lane does not hit.

    /// <summary>vlan V: the C-tag's VLAN ID (with channels, the channel above it); 0 without a C-tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TValue VlanKey<TKinds, TLanes, TValue, TFrame>(in TFrame f, TValue channel)
        where TKinds : struct, IRuleKinds
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
        => Keyed<TKinds, TLanes, TValue, TFrame>(TLanes.Cvid(in f), channel, VerdictLayout.VlanChannelShift, TLanes.HasCvid(in f));

    /// <summary>mac M: the destination MAC (with channels, the channel above it); 0 without one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TValue MacKey<TKinds, TLanes, TValue, TFrame>(in TFrame f, TValue channel)
        where TKinds : struct, IRuleKinds
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
        => Keyed<TKinds, TLanes, TValue, TFrame>(TLanes.Dst(in f), channel, VerdictLayout.MacChannelShift, TLanes.HasDst(in f));

    /// <summary>mac M vlan V: the destination MAC | the C-tag's VLAN ID at bit 48; 0 without both (<paramref name="present"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TValue MacVlanKey<TLanes, TValue, TFrame>(in TFrame f, out TValue present)
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
    {
        present = TLanes.And(TLanes.HasDst(in f), TLanes.HasCvid(in f));
        return TLanes.And(TLanes.Or(TLanes.Dst(in f), TLanes.ShiftLeft(TLanes.Cvid(in f), VerdictLayout.MacVlanShift)), present);
    }

    /// <summary>vxlan VNI and nvgre VSID: the VNI or VSID | the type bit (1 for NVGRE) at bit 24 (with channels, the channel above); 0 outside a tunnel (<paramref name="hasTunnel"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TValue TunnelKey<TKinds, TLanes, TValue, TFrame>(in TFrame f, TValue channel, out TValue hasTunnel)
        where TKinds : struct, IRuleKinds
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
    {
        // A frame is VXLAN or NVGRE or neither: one tunnel identifier, and the type bit keeps VNIs and VSIDs apart.
        hasTunnel = TLanes.Or(TLanes.IsVxlan(in f), TLanes.IsNvgre(in f));
        TValue key = TLanes.Or(TLanes.TunnelId(in f), TLanes.ShiftLeft(TLanes.And(TLanes.IsNvgre(in f), TLanes.Splat(1)), VerdictLayout.TunnelTypeBit));
        return Keyed<TKinds, TLanes, TValue, TFrame>(key, channel, VerdictLayout.TunnelChannelShift, hasTunnel);
    }

    /// <summary>
    /// vxlan VNI inner M and nvgre VSID inner M: the inner destination MAC | the type bit at bit 48 (with channels, the
    /// channel above), and <paramref name="extra"/> the VNI or VSID; both 0 without an inner header.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TValue InnerKey<TKinds, TLanes, TValue, TFrame>(in TFrame f, TValue channel, out TValue extra)
        where TKinds : struct, IRuleKinds
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
    {
        TValue present = TLanes.HasInnerDst(in f);
        TValue key = TLanes.Or(TLanes.InnerDst(in f), TLanes.ShiftLeft(TLanes.And(TLanes.IsNvgre(in f), TLanes.Splat(1)), VerdictLayout.InnerTypeBit));
        extra = TLanes.And(TLanes.TunnelId(in f), present);
        return Keyed<TKinds, TLanes, TValue, TFrame>(key, channel, VerdictLayout.InnerChannelShift, present);
    }

    /// <summary>A key with the channel at <paramref name="channelShift"/> when the rules have S-channels, 0 where <paramref name="present"/> is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TValue Keyed<TKinds, TLanes, TValue, TFrame>(TValue key, TValue channel, int channelShift, TValue present)
        where TKinds : struct, IRuleKinds
        where TLanes : struct, IKernelLanes<TValue, TFrame>
        where TValue : struct
        where TFrame : struct
    {
        if (TKinds.Channels)
        {
            key = TLanes.Or(key, TLanes.ShiftLeft(channel, channelShift));
        }

        return TLanes.And(key, present);
    }

    /// <summary>Which prefetch step <see cref="Prefetch{TKinds, TLanes, TValue, TFrame, TStep}"/> compiles to.</summary>
    private interface IPrefetchStep
    {
        /// <summary>False: the displacement lines; true: the slots' key and verdict lines.</summary>
        static abstract bool Slots { get; }
    }

    /// <summary>Prefetch step one: displacement lines.</summary>
    private readonly struct BucketStep : IPrefetchStep
    {
        public static bool Slots => false;
    }

    /// <summary>Prefetch step two: key and verdict lines.</summary>
    private readonly struct SlotStep : IPrefetchStep
    {
        public static bool Slots => true;
    }
}
