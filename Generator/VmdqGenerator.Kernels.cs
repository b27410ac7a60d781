using System;
using System.Linq;
using Vmdq.Generator.Plan;

namespace Vmdq.Generator;

public sealed partial class VmdqGenerator
{
    private const string Bf = "global::Vmdq.Toolkit.Classification.BranchFree";
    private const string Probe = "global::Vmdq.Toolkit.Classification.TableProbe";
    private const string V = "global::System.Runtime.Intrinsics.Vector256";

    /// <summary>
    /// How one kernel spells the plan's operations: on one frame (<c>ulong</c> masks and
    /// <see cref="Bf"/> selects) or on four (one <c>Vector256&lt;ulong&gt;</c> lane per frame). The kernel
    /// itself is printed once, by <see cref="Emitter.WriteKernel"/>; a new kernel is a new dialect.
    /// </summary>
    /// <param name="Summary">The method's XML summary lines.</param>
    /// <param name="Signature">Return type, name and parameter.</param>
    /// <param name="ValueType">The type of a verdict or mask.</param>
    /// <param name="Local">How a local is declared (<c>ulong</c> or <c>var</c>).</param>
    /// <param name="Zero">The value 0.</param>
    /// <param name="ProbeMethod">The <see cref="Probe"/> method that looks up one table.</param>
    /// <param name="Splat">A <c>ulong</c> expression as a value of <see cref="ValueType"/>.</param>
    /// <param name="Literal">A numeric literal (e.g. <c>1</c>, <c>0xFFUL</c>) as a value of <see cref="ValueType"/>.</param>
    /// <param name="Equal">The mask of <c>a == b</c>.</param>
    /// <param name="NonZero">The mask of <c>x != 0</c>.</param>
    /// <param name="Select">The masked select <c>mask ? a : b</c>.</param>
    /// <param name="Return">The return statement for the verdict local.</param>
    private sealed record KernelDialect(
        string Summary,
        string Signature,
        string ValueType,
        string Local,
        string Zero,
        string ProbeMethod,
        Func<string, string> Splat,
        Func<string, string> Literal,
        Func<string, string, string> Equal,
        Func<string, string> NonZero,
        Func<string, string, string, string> Select,
        string Return)
    {
        /// <summary><c>Decide</c>: one parsed frame.</summary>
        public static readonly KernelDialect Single = new(
            """
            /// <summary>
            /// The verdict for parsed fields. Straight-line code: every table is probed, and each hit
            /// replaces the verdict so far by a masked select, lowest precedence first, so the highest
            /// precedence that matched is what remains.
            /// </summary>
            """,
            $"{Rt}.Verdict Decide(in {Rt}.ParsedFrame f)",
            "ulong",
            "ulong",
            "0",
            "Probe",
            splat => splat,
            literal => literal,
            (a, b) => $"{Bf}.EqSmall({a}, {b})",
            x => $"{Bf}.NonZeroSmall({x})",
            (mask, a, b) => $"{Bf}.Select({mask}, {a}, {b})",
            $"return new {Rt}.Verdict(verdict);");

        /// <summary><c>Decide4</c>: four parsed frames, one per lane.</summary>
        public static readonly KernelDialect Batch = new(
            """
            /// <summary>
            /// <see cref="Decide"/> for four frames at once, one per vector lane: the same selects, and
            /// each table probed for the four with gathers. Returns the four verdicts' bits.
            /// </summary>
            """,
            $"{V}<ulong> Decide4(in {Rt}.ParsedFrame4 f)",
            $"{V}<ulong>",
            "var",
            $"{V}<ulong>.Zero",
            "Probe4",
            splat => $"{V}.Create({splat})",
            literal => $"{V}.Create({(literal.EndsWith("UL", StringComparison.Ordinal) ? literal : literal + "UL")})",
            (a, b) => $"{V}.Equals({a}, {b})",
            x => $"~{V}.Equals({x}, {V}<ulong>.Zero)",
            (mask, a, b) => $"{V}.ConditionalSelect({mask}, {a}, {b})",
            "return verdict;");
    }

    private sealed partial class Emitter
    {
        /// <summary>
        /// Prints one kernel of the plan in <paramref name="d"/>'s dialect: the default verdict, then the
        /// group rules and every probe, lowest precedence first, each a masked select over the verdict so
        /// far, each under a comment naming its rules-file lines.
        /// </summary>
        private void WriteKernel(KernelDialect d)
        {
            string t = _tablesClass;
            _w.WriteLine(d.Summary);
            _w.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
            _w.WriteLine($"public static {d.Signature}");
            _w.OpenBlock();
            _w.WriteLine($"// 9. The default pool {Num(_plan.DefaultPool)}, queue {Num(_plan.DefaultQueue)}.");
            _w.WriteLine($"{d.Local} verdict = {d.Splat(t + ".DefaultVerdict")};");
            if (_plan.Probes.Count > 0)
            {
                _w.WriteLine($"{d.ValueType} hit, found;");
            }

            if (_plan.UsesTunnel)
            {
                _w.WriteLine($"""

                    // A frame is VXLAN or NVGRE or neither: one tunnel identifier (VNI or VSID), and a
                    // type bit in the key (1 for NVGRE) keeps VNIs and VSIDs apart.
                    {d.Local} hasTunnel = f.IsVxlan | f.IsNvgre;
                    {d.Local} tunnelType = f.IsNvgre & {d.Literal("1")};
                    """);
            }

            if (_plan.UsesBroadcastMask)
            {
                _w.WriteLine($"{d.Local} isBroadcast = {d.Equal("f.Dst", d.Literal("0xFFFFFFFFFFFFUL"))} & f.HasDst;");
            }

            if (_plan.Multicast is { } multicast)
            {
                _w.WriteLine();
                _w.WriteLine($"// 8. multicast (group bit set, not broadcast): {multicast.Comment}");
                _w.WriteLine($"verdict = {d.Select($"{d.NonZero("f.Dst & " + d.Literal("0x010000000000UL"))} & ~isBroadcast & f.HasDst", d.Splat(t + ".MulticastVerdict"), "verdict")};");
            }

            if (_plan.Broadcast is { } broadcast)
            {
                _w.WriteLine();
                _w.WriteLine($"// 8. broadcast (dst ff:ff:ff:ff:ff:ff): {broadcast.Comment}");
                _w.WriteLine($"verdict = {d.Select("isBroadcast", d.Splat(t + ".BroadcastVerdict"), "verdict")};");
            }

            foreach (var probe in _plan.Probes.Reverse())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                string name = probe.Name;
                var key = probe.Key;
                string keyExpression = Field(key.Key) + (key.TunnelTypeBit > 0 ? $" | (tunnelType << {Num(key.TunnelTypeBit)})" : string.Empty);
                string extra = key.Extra == FrameValue.None ? d.Zero : Field(key.Extra);
                string presence = string.Join(" & ", key.Presence.Select(Mask));
                _w.WriteLine();
                _w.WriteLine($"// {probe.Precedence}: {RuleCount(probe.RuleCount)}, lines {probe.Lines}.");
                _w.WriteLine($"found = {Probe}.{d.ProbeMethod}({t}.{name}Displacements, {t}.{name}Slots, {t}.{name}BucketShift, {t}.{name}Shift,");
                _w.WriteLine($"    {keyExpression}, {extra}, {presence}, out hit);");
                _w.WriteLine($"verdict = {d.Select("hit", "found", "verdict")};");
            }

            _w.WriteLine();
            _w.WriteLine(d.Return);
            _w.CloseBlock();
        }

        private static string Field(FrameValue value) => "f." + value;

        private static string Mask(FrameMask mask) => mask == FrameMask.HasTunnel ? "hasTunnel" : "f." + mask;
    }
}
