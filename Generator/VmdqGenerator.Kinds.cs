using System.Linq;
using Vmdq.Generator.Plan;
using Vmdq.Rules.Tables;

namespace Vmdq.Generator;

public sealed partial class VmdqGenerator
{
    private sealed partial class Emitter
    {
        /// <summary>
        /// Prints the dispatcher's <c>Kinds</c> struct: which tables the shared kernel probes (a compile-time
        /// choice, folded by the JIT), in the kernel's order, lowest precedence first, each under a comment
        /// naming its rules-file lines.
        /// </summary>
        private void WriteKinds()
        {
            _w.WriteLine($$"""
                /// <summary>
                /// The rule kinds of this file, for the shared kernel ({{Rt}}.Classification.DispatchKernel): it probes the
                /// tables of the kinds that are on, lowest precedence first, and each hit replaces the verdict so far by a
                /// masked select, so the highest precedence that matched is what remains. Kinds that are off cost nothing.
                /// </summary>
                private readonly struct Kinds : {{Rt}}.Classification.IRuleKinds
                """);
            _w.OpenBlock();
            _w.WriteLine($"// 9. The default pool {Num(_plan.DefaultPool)}, queue {Num(_plan.DefaultQueue)}, when nothing below matches.");
            _w.WriteLine();
            _w.WriteLine($"// 8. multicast (group bit set, not broadcast): {_plan.Multicast?.Comment ?? "no rule"}.");
            _w.WriteLine($"//    broadcast (dst ff:ff:ff:ff:ff:ff): {_plan.Broadcast?.Comment ?? "no rule"}.");
            _w.WriteLine($"public static bool Groups => {Bool(_plan.HasGroups)};");
            WriteKind(TableKind.Vlan, "7. vlan V");
            WriteKind(TableKind.Mac, "6. mac M");
            WriteKind(TableKind.MacVlan, "5. mac M vlan V");
            WriteKind(TableKind.Tunnel, "2./4. vxlan VNI and nvgre VSID");
            WriteKind(TableKind.TunnelInner, "1./3. vxlan VNI inner M and nvgre VSID inner M");
            _w.WriteLine();
            var rss = _plan.RssPools;
            _w.WriteLine(_plan.Spreads
                ? $"// RSS: verdicts without a queue to pool{(rss.Count == 1 ? string.Empty : "s")} {string.Join(", ", rss.Select(p => p.Name))} take the queue of the pool's redirection table for the frame's RSS hash."
                : rss.Count == 0 ? "// RSS: no rss pools." : "// RSS: no verdict spreads (every rule to an rss pool names its queue).");
            _w.WriteLine($"public static bool Rss => {Bool(_plan.Spreads)};");
            if (_plan.HasChannels)
            {
                // Written only with channels: without them the interface's default (false) applies and the text is what it was.
                _w.WriteLine();
                _w.WriteLine($"// S-channels (IEEE 802.1Qbg): the S-VID selects channel c first (0 untagged, 1..{Num(_plan.Channels.Count)} declared, {Num(_plan.Channels.Count + 1)} undeclared: dropped); c is part of every key.");
                _w.WriteLine("public static bool Channels => true;");
            }

            _w.CloseBlock();
        }

        private void WriteKind(TableKind kind, string precedence)
        {
            var probe = _plan.ProbeOf(kind);
            _w.WriteLine();
            _w.WriteLine(probe is null
                ? $"// {precedence}: no rules."
                : $"// {probe.Precedence}: {RuleCount(probe.RuleCount)}, lines {probe.Lines}.");
            _w.WriteLine($"public static bool {kind} => {Bool(probe is not null)};");
        }

        private static string Bool(bool value) => value ? "true" : "false";
    }
}
