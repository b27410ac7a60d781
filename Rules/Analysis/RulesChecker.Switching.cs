using System;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Analysis;

internal sealed partial class RulesChecker
{
    /// <summary>
    /// VMDQ0024: with <c>switch vepa</c>, a pool with no station address of its own (no <c>mac</c> or <c>mac ... vlan</c> rule to it)
    /// cannot be told apart as the sender of a frame the adjacent bridge reflects (the station filters by source MAC, IEEE 802.1Qbg),
    /// so its own broadcast and multicast frames come back to it.
    /// </summary>
    private void CheckSwitching()
    {
        // Written so that every mutant compiles (a negated pattern with a designation leaves it unassigned: CS0170,
        // and Stryker then drops every mutant of the method).
        var statement = _doc.Switch;
        bool untaggedVepa = statement is not null && statement.Value.Mode == SwitchKind.Vepa;
        int switchLine = statement?.Span.Line ?? 0;

        foreach (var pool in _pools.Values.OrderBy(p => p.Line))
        {
            // A pool's mode is its S-channel's: the file's switch mode for the untagged channel, the channel statement's otherwise.
            var channel = pool.Channel > 0 ? _doc.Channels[pool.Channel - 1] : null;
            if (channel is null ? !untaggedVepa : channel.Broken || ModeOf(channel) != SwitchKind.Vepa)
            {
                continue;
            }

            string where = channel is null ? RuleMessages.NicInVepaMode(switchLine) : $"its S-channel {Echo.Quoted(channel.Name)} is in VEPA mode (line {channel.Line})";
            bool hasStation = _doc.Rules.Any(r =>
                r.Match.Kind is MatchKind.Mac or MatchKind.MacVlan
                && !r.Target.IsDrop
                && r.Target.Pools.Count == 1
                && string.Equals(r.Target.Pools[0].Name, pool.Name, StringComparison.Ordinal));
            if (!hasStation)
            {
                Report(RuleDescriptors.VepaNoStationMac, pool.NameSpan, RuleMessages.VepaNoStationMac(pool.Name, where));
            }
        }
    }
}
