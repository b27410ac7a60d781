using System.ComponentModel;

namespace Vmdq.Toolkit;

/// <summary>
/// How much of a frame <see cref="FrameParser.ParseRaw{TVariant}"/> reads: a compile-time choice (static
/// members of a struct, folded by the JIT), so each variant is its own straight-line code. Each level
/// reads what the ones below it read: <see cref="ReadsInner"/> implies <see cref="ReadsTunnels"/>, which
/// implies <see cref="ReadsTags"/>. Implemented by the structs of <see cref="ParseVariants"/>; generated
/// dispatchers pick one from the kinds of their rules. Not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IParseVariant
{
    /// <summary>The S- and C-tags are read (<c>vlan</c>, <c>mac M vlan V</c> rules).</summary>
    static abstract bool ReadsTags { get; }

    /// <summary>IP, UDP or GRE and the VXLAN or NVGRE header are read (<c>vxlan</c>, <c>nvgre</c> rules).</summary>
    static abstract bool ReadsTunnels { get; }

    /// <summary>The inner Ethernet header is read (<c>... inner M</c> rules).</summary>
    static abstract bool ReadsInner { get; }
}

/// <summary>
/// The parse variants, named as the rule-kind levels of the dispatch contract (Rules/Contract/DispatchContract.cs):
/// a dispatcher parses what its highest rule kind needs and no more. Fields a variant does not read are
/// absent (0, presence mask 0). Used by generated code; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParseVariants
{
    /// <summary>The destination MAC only: dispatchers with only <c>mac</c>, <c>broadcast</c>, <c>multicast</c> rules.</summary>
    public readonly struct Dst : IParseVariant
    {
        /// <inheritdoc />
        public static bool ReadsTags => false;

        /// <inheritdoc />
        public static bool ReadsTunnels => false;

        /// <inheritdoc />
        public static bool ReadsInner => false;
    }

    /// <summary>The destination MAC and the tags: dispatchers with <c>vlan</c> rules and no tunnel rules.</summary>
    public readonly struct Tags : IParseVariant
    {
        /// <inheritdoc />
        public static bool ReadsTags => true;

        /// <inheritdoc />
        public static bool ReadsTunnels => false;

        /// <inheritdoc />
        public static bool ReadsInner => false;
    }

    /// <summary>All but the inner Ethernet header: dispatchers with tunnel rules and no <c>inner</c> rules.</summary>
    public readonly struct Tunnels : IParseVariant
    {
        /// <inheritdoc />
        public static bool ReadsTags => true;

        /// <inheritdoc />
        public static bool ReadsTunnels => true;

        /// <inheritdoc />
        public static bool ReadsInner => false;
    }

    /// <summary>Every field (what <see cref="FrameParser.ParseRaw(System.ReadOnlySpan{byte}, int, out ParsedFrame)"/> reads).</summary>
    public readonly struct Full : IParseVariant
    {
        /// <inheritdoc />
        public static bool ReadsTags => true;

        /// <inheritdoc />
        public static bool ReadsTunnels => true;

        /// <inheritdoc />
        public static bool ReadsInner => true;
    }
}
