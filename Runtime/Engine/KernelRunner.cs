using System;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Engine;

/// <summary>
/// The shared classify loops (<see cref="FrameDispatch"/>) instantiated for one set of rule kinds and one
/// parse variant, behind virtual methods: the runtime engine picks the instantiation its rules need when
/// they change, as the generator picks one at build time, and then runs the same code on its own tables.
/// </summary>
internal abstract class KernelRunner
{
    /// <summary>Classifies one frame.</summary>
    public abstract Verdict Classify(ReadOnlySpan<byte> frame, ClassifierTables tables);

    /// <summary>Classifies already-parsed fields.</summary>
    public abstract Verdict Classify(in FrameFields fields, ClassifierTables tables);

    /// <summary>Classifies a batch of frames that lie in one buffer.</summary>
    public abstract void ClassifyBatch(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables);

    /// <summary>Classifies a batch of frames with <see cref="FrameParser.PaddedFrameBytes"/> bytes of the buffer from each start.</summary>
    public abstract void ClassifyBatchPadded(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables);

    /// <summary>Classifies a batch of frames, one array each.</summary>
    public abstract void ClassifyBatch(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, ClassifierTables tables);

    /// <summary>The instantiation for these kinds and this parse depth (each combination is a static generic chain: no reflection).</summary>
    public static KernelRunner For(bool tunnelInner, bool tunnel, bool macVlan, bool mac, bool vlan, bool groups, bool rss, ParseDepth depth, bool channels = false) =>
        rss ? Start<On>(tunnelInner, tunnel, macVlan, mac, vlan, groups, Depth(depth, channels)) : Start<Off>(tunnelInner, tunnel, macVlan, mac, vlan, groups, Depth(depth, channels));

    /// <summary>S-channels: a flag folded into the parse depth's bits (the depth is 2 bits), so the generic chain carries one value.</summary>
    private const int ChannelsBit = 4;

    private static ParseDepth Depth(ParseDepth depth, bool channels) => channels ? (ParseDepth)((int)depth | ChannelsBit) : depth;

    private static KernelRunner Start<TRss>(bool tunnelInner, bool tunnel, bool macVlan, bool mac, bool vlan, bool groups, ParseDepth depth)
        where TRss : struct, IKindFlag =>
        tunnelInner ? A<On, TRss>(tunnel, macVlan, mac, vlan, groups, depth) : A<Off, TRss>(tunnel, macVlan, mac, vlan, groups, depth);

    private static KernelRunner A<T1, TRss>(bool tunnel, bool macVlan, bool mac, bool vlan, bool groups, ParseDepth depth)
        where T1 : struct, IKindFlag
        where TRss : struct, IKindFlag =>
        tunnel ? B<T1, On, TRss>(macVlan, mac, vlan, groups, depth) : B<T1, Off, TRss>(macVlan, mac, vlan, groups, depth);

    private static KernelRunner B<T1, T2, TRss>(bool macVlan, bool mac, bool vlan, bool groups, ParseDepth depth)
        where T1 : struct, IKindFlag
        where T2 : struct, IKindFlag
        where TRss : struct, IKindFlag =>
        macVlan ? C<T1, T2, On, TRss>(mac, vlan, groups, depth) : C<T1, T2, Off, TRss>(mac, vlan, groups, depth);

    private static KernelRunner C<T1, T2, T3, TRss>(bool mac, bool vlan, bool groups, ParseDepth depth)
        where T1 : struct, IKindFlag
        where T2 : struct, IKindFlag
        where T3 : struct, IKindFlag
        where TRss : struct, IKindFlag =>
        mac ? D<T1, T2, T3, On, TRss>(vlan, groups, depth) : D<T1, T2, T3, Off, TRss>(vlan, groups, depth);

    private static KernelRunner D<T1, T2, T3, T4, TRss>(bool vlan, bool groups, ParseDepth depth)
        where T1 : struct, IKindFlag
        where T2 : struct, IKindFlag
        where T3 : struct, IKindFlag
        where T4 : struct, IKindFlag
        where TRss : struct, IKindFlag =>
        vlan ? E<T1, T2, T3, T4, On, TRss>(groups, depth) : E<T1, T2, T3, T4, Off, TRss>(groups, depth);

    private static KernelRunner E<T1, T2, T3, T4, T5, TRss>(bool groups, ParseDepth depth)
        where T1 : struct, IKindFlag
        where T2 : struct, IKindFlag
        where T3 : struct, IKindFlag
        where T4 : struct, IKindFlag
        where T5 : struct, IKindFlag
        where TRss : struct, IKindFlag =>
        groups ? F<RuleKinds<T1, T2, T3, T4, T5, On, TRss>>(depth) : F<RuleKinds<T1, T2, T3, T4, T5, Off, TRss>>(depth);

    private static KernelRunner F<TKinds>(ParseDepth depth)
        where TKinds : struct, IRuleKinds => ((int)depth & ChannelsBit) != 0
            ? G<ChannelRuleKinds<TKinds>>((ParseDepth)((int)depth & ~ChannelsBit))
            : G<TKinds>(depth);

    private static KernelRunner G<TKinds>(ParseDepth depth)
        where TKinds : struct, IRuleKinds => depth switch
        {
            ParseDepth.Dst => new Runner<TKinds, ParseVariants.Dst>(),
            ParseDepth.Tags => new Runner<TKinds, ParseVariants.Tags>(),
            ParseDepth.Tunnels => new Runner<TKinds, ParseVariants.Tunnels>(),
            _ => new Runner<TKinds, ParseVariants.Full>(),
        };

    /// <summary>One instantiation.</summary>
    private sealed class Runner<TKinds, TVariant> : KernelRunner
        where TKinds : struct, IRuleKinds
        where TVariant : struct, IParseVariant
    {
        public override Verdict Classify(ReadOnlySpan<byte> frame, ClassifierTables tables) =>
            FrameDispatch.Classify<TKinds, TVariant>(frame, tables);

        public override Verdict Classify(in FrameFields fields, ClassifierTables tables) =>
            FrameDispatch.Classify<TKinds>(in fields, tables);

        public override void ClassifyBatch(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables) =>
            FrameDispatch.ClassifyBatch<TKinds, TVariant>(buffer, frames, verdicts, tables);

        public override void ClassifyBatchPadded(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts, ClassifierTables tables) =>
            FrameDispatch.ClassifyBatchPadded<TKinds, TVariant>(buffer, frames, verdicts, tables);

        public override void ClassifyBatch(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts, ClassifierTables tables) =>
            FrameDispatch.ClassifyBatch<TKinds, TVariant>(frames, verdicts, tables);

        public override string ToString() =>
            $"TunnelInner={TKinds.TunnelInner} Tunnel={TKinds.Tunnel} MacVlan={TKinds.MacVlan} Mac={TKinds.Mac} Vlan={TKinds.Vlan} Groups={TKinds.Groups} Rss={TKinds.Rss} Channels={TKinds.Channels} Parse={typeof(TVariant).Name}";
    }
}
