// The dispatch contract, written once: the rule kinds and their precedence, the bit layout of a
// verdict and the layout of a table slot. This file is compiled into both Vmdq.Toolkit.Rules (which
// encodes verdicts and builds the tables at build time) and Vmdq.Toolkit (whose Verdict decodes them
// and whose generated dispatchers probe the tables per frame), as KeyHash.cs is. VMDQ_RUNTIME
// (defined by Runtime/Vmdq.Toolkit.csproj) picks each assembly's names and accessibility (RuleKind and
// the internal VerdictLayout in the runtime, MatchKind and VerdictBits here), so a test that sees both
// assemblies meets neither two types of one full name nor two of one simple name; the values cannot differ.

#if VMDQ_RUNTIME
using ContractKind = Vmdq.Toolkit.RuleKind;
#else
using ContractKind = Vmdq.Rules.Model.MatchKind;
#endif

#if VMDQ_RUNTIME
namespace Vmdq.Toolkit
#else
namespace Vmdq.Rules.Model
#endif
{
    /// <summary>
    /// The kind of a filter rule, and of the rule that decided a verdict. The numeric values are the
    /// spec's precedence ("Which rule wins"): a lower value wins; 0 is the default pool (no rule matched).
    /// </summary>
#if VMDQ_RUNTIME
    public enum RuleKind : byte
#else
    internal enum MatchKind : byte
#endif
    {
        /// <summary>No rule matched: the default pool.</summary>
#if VMDQ_RUNTIME
        Default = 0,
#else
        None = 0,
#endif
        /// <summary><c>vxlan VNI inner M</c>.</summary>
        VxlanInner = 1,
        /// <summary><c>vxlan VNI</c>.</summary>
        Vxlan = 2,
        /// <summary><c>nvgre VSID inner M</c>.</summary>
        NvgreInner = 3,
        /// <summary><c>nvgre VSID</c>.</summary>
        Nvgre = 4,
        /// <summary><c>mac M vlan V</c>.</summary>
        MacVlan = 5,
        /// <summary><c>mac M</c>.</summary>
        Mac = 6,
        /// <summary><c>vlan V</c>.</summary>
        Vlan = 7,
        /// <summary><c>broadcast</c> (dst ff:ff:ff:ff:ff:ff).</summary>
        Broadcast = 8,
        /// <summary><c>multicast</c> (group bit set, not broadcast).</summary>
        Multicast = 9,
    }
}

#if VMDQ_RUNTIME
namespace Vmdq.Toolkit.Classification
#else
namespace Vmdq.Rules.Tables
#endif
{
    /// <summary>
    /// The bit layout of a verdict (what the runtime's <c>Vmdq.Toolkit.Verdict</c> wraps): 0..21 rule line,
    /// 22..30 pool, 31..34 queue, 35 drop, 36..39 rule kind (its precedence value), 40 spread (the queue is
    /// picked per frame by the pool's RSS redirection table); and of a table: per
    /// slot, a key of <see cref="KeySize"/> bytes (<see cref="WideKeySize"/> for the tunnel-inner table: key,
    /// then extra), below <see cref="EmptyKey"/> (which marks an empty slot), and, in a separate array, a
    /// <see cref="VerdictSize"/>-byte verdict. A probe compares keys only; the kernel keeps the winning
    /// slot's index and fetches one verdict per frame at the end.
    /// </summary>
#if VMDQ_RUNTIME
    internal static class VerdictLayout
#else
    internal static partial class VerdictBits
#endif
    {
        /// <summary>Bit position of the pool.</summary>
        public const int PoolShift = 22;
        /// <summary>Bit position of the queue.</summary>
        public const int QueueShift = 31;
        /// <summary>Bit position of the drop flag.</summary>
        public const int DropShift = 35;
        /// <summary>Bit position of the rule kind.</summary>
        public const int KindShift = 36;
        /// <summary>Largest line a verdict can carry (the line's bits are 0..<see cref="PoolShift"/> - 1).</summary>
        public const int MaxLine = (1 << PoolShift) - 1;
        /// <summary>The pool's bits once shifted down: pools 0..511.</summary>
        public const int PoolMask = (1 << (QueueShift - PoolShift)) - 1;
        /// <summary>The queue's bits once shifted down: queues 0..15.</summary>
        public const int QueueMask = (1 << (DropShift - QueueShift)) - 1;
        /// <summary>Number of bits of the rule kind.</summary>
        public const int KindBits = 4;
        /// <summary>The rule kind's bits once shifted down.</summary>
        public const int KindMask = (1 << KindBits) - 1;
        /// <summary>Bit of the spread flag: set in a table's verdict when its pool is an <c>rss</c> pool and the rule names no queue, so the dispatcher replaces the queue by the pool's redirection-table entry for the frame's RSS hash.</summary>
        public const int SpreadShift = KindShift + KindBits;
        /// <summary>Entries of a pool's RSS redirection table, a power of two: the hash's low <see cref="RetaBits"/> bits pick one.</summary>
        public const int RetaSize = 1 << RetaBits;
        /// <summary>Bits of the RSS hash that pick a redirection-table entry.</summary>
        public const int RetaBits = 7;

        /// <summary>Bytes of a slot's key in the tables whose key fits 62 bits (all but the tunnel-inner table).</summary>
        public const int KeySize = 8;
        /// <summary>Bytes of a slot's key in the tunnel-inner table: the key (inner MAC and type bit), then the extra part (VNI/VSID).</summary>
        public const int WideKeySize = 16;
        /// <summary>Bytes of a slot's verdict (little-endian; the verdict's <see cref="VerdictBitCount"/> bits).</summary>
        public const int VerdictSize = 8;
        /// <summary>The key of an empty slot: no real key (at most 60 bits) equals it, and it stays below 2^63 so the probe can compare with a 3-instruction equality.</summary>
        public const ulong EmptyKey = 1UL << 62;
        /// <summary>Number of bits of a verdict.</summary>
        public const int VerdictBitCount = SpreadShift + 1;
        /// <summary>The bits a verdict may have.</summary>
        public const ulong VerdictMask = (1UL << VerdictBitCount) - 1;
        /// <summary>Bit of a <c>mac M vlan V</c> key where the VLAN ID starts: the key is M | V &lt;&lt; 48 (60 bits).</summary>
        public const int MacVlanShift = 48;
        /// <summary>Bit of a tunnel-table key (<c>vxlan VNI</c>, <c>nvgre VSID</c>) that marks NVGRE: just above the 24-bit VNI/VSID.</summary>
        public const int TunnelTypeBit = 24;
        /// <summary>Bit of a tunnel-inner-table key (<c>... inner M</c>) that marks NVGRE: just above the 48-bit MAC.</summary>
        public const int InnerTypeBit = 48;
        /// <summary>Bit of a <c>mac M</c> key where the S-channel index starts (files with <c>channel</c> statements): M | c &lt;&lt; 48.</summary>
        public const int MacChannelShift = 48;
        /// <summary>Bit of a <c>vlan V</c> key where the S-channel index starts: V | c &lt;&lt; 12.</summary>
        public const int VlanChannelShift = 12;
        /// <summary>Bit of a tunnel key where the S-channel index starts: id | type &lt;&lt; 24 | c &lt;&lt; 25.</summary>
        public const int TunnelChannelShift = 25;
        /// <summary>Bit of a tunnel-inner key where the S-channel index starts: M | type &lt;&lt; 48 | c &lt;&lt; 49.</summary>
        public const int InnerChannelShift = 49;
        /// <summary>Entries of the S-VID-to-channel table: index 0 for a frame with no S-tag, S-VID + 1 for one with (S-VIDs 0..4095).</summary>
        public const int SvidTableSize = 4097;
        /// <summary>Constant verdicts per S-channel: default, multicast, broadcast, at 3c, 3c + 1, 3c + 2.</summary>
        public const int ChannelConstants = 3;

        /// <summary>Encodes a verdict. A drop keeps only its line and kind (pool and queue read as -1).</summary>
        /// <param name="line">Rules-file line, 0..<see cref="MaxLine"/> (0 for the default pool).</param>
        /// <param name="pool">Pool, 0..<see cref="PoolMask"/>.</param>
        /// <param name="queue">Queue within the pool, 0..<see cref="QueueMask"/>.</param>
        /// <param name="drop">True for a <c>-&gt; drop</c> rule.</param>
        /// <param name="kind">The rule kind's value, 0..<see cref="KindMask"/>.</param>
        /// <param name="spread">True when the queue is picked per frame by the pool's RSS redirection table (ignored for a drop).</param>
        public static ulong Encode(int line, int pool, int queue, bool drop, int kind, bool spread = false) =>
            (ulong)(uint)line
            | (drop ? 1UL << DropShift : ((ulong)(uint)pool << PoolShift) | ((ulong)(uint)queue << QueueShift) | (spread ? 1UL << SpreadShift : 0))
            | ((ulong)(uint)kind << KindShift);
    }
}

#if VMDQ_RUNTIME
namespace Vmdq.Toolkit.Classification
#else
namespace Vmdq.Rules.Tables
#endif
{
    /// <summary>
    /// How much of a frame a dispatcher needs parsed, decided by the kinds of its rules. Each level reads
    /// what the ones below it read and more (a tunnel's offset depends on the tags, an inner header on the
    /// tunnel), so a dispatcher's level is the highest of its rules'. The generator picks a dispatcher's
    /// parse variant (the runtime's <c>ParseVariants</c> structs, named as these members) by it; an engine
    /// that builds tables at run time picks the same variant from the kinds of the rules it holds.
    /// </summary>
#if VMDQ_RUNTIME
    internal enum ParseDepth : byte
#else
    internal enum ParseLevel : byte
#endif
    {
        /// <summary>The destination MAC only: <c>mac</c>, <c>broadcast</c>, <c>multicast</c> rules (or none).</summary>
        Dst = 0,
        /// <summary>And the S- and C-tags: <c>vlan</c>, <c>mac M vlan V</c>.</summary>
        Tags = 1,
        /// <summary>And IP, UDP or GRE, and the VXLAN or NVGRE header: <c>vxlan</c>, <c>nvgre</c>.</summary>
        Tunnels = 2,
        /// <summary>And the inner Ethernet header: <c>vxlan VNI inner M</c>, <c>nvgre VSID inner M</c>.</summary>
        Full = 3,
    }

    /// <summary>The parse level each rule kind needs.</summary>
#if VMDQ_RUNTIME
    internal static class ParseDepths
#else
    internal static class ParseLevels
#endif
    {
        /// <summary>What a rule of <paramref name="kind"/> needs parsed.</summary>
#if VMDQ_RUNTIME
        public static ParseDepth Of(ContractKind kind) => kind switch
#else
        public static ParseLevel Of(ContractKind kind) => kind switch
#endif
        {
            ContractKind.VxlanInner or ContractKind.NvgreInner => Full,
            ContractKind.Vxlan or ContractKind.Nvgre => Tunnels,
            ContractKind.MacVlan or ContractKind.Vlan => Tags,
            _ => Dst,
        };

#if VMDQ_RUNTIME
        private const ParseDepth Dst = ParseDepth.Dst, Tags = ParseDepth.Tags, Tunnels = ParseDepth.Tunnels, Full = ParseDepth.Full;
#else
        private const ParseLevel Dst = ParseLevel.Dst, Tags = ParseLevel.Tags, Tunnels = ParseLevel.Tunnels, Full = ParseLevel.Full;
#endif
    }
}
