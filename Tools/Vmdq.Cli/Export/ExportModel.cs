using System.Collections.Generic;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Cli.Export;

/// <summary>One rule as the export targets see it: the resolved rule, its text and place, and its pools and queue.</summary>
/// <param name="Rule">The resolved rule.</param>
/// <param name="Text">The rule as written, comment dropped and spaces collapsed (<c>mac 00:1b:21:0a:0b:01 -&gt; web</c>).</param>
/// <param name="Span">The rule's first token (its match keyword), where its diagnostics point.</param>
/// <param name="Pool">The target pool (the first listed one for broadcast/multicast); null for drops and undeclared pools.</param>
/// <param name="Replicas">The pools a broadcast/multicast rule lists (empty for other rules).</param>
/// <param name="DeviceQueue">
/// The receive queue on the whole device: pool index x queues per pool + queue within the pool (the layout of a
/// NIC in VMDq mode, where pool P owns queues P*Q..P*Q+Q-1).
/// </param>
/// <param name="Note">What the annotation adds (for entries the export adds itself), or null.</param>
internal sealed record ExportRule(ResolvedRule Rule, string Text, SourceSpan Span, ResolvedPool? Pool, IReadOnlyList<int> Replicas, int DeviceQueue, string? Note = null)
{
    /// <summary>The rule's kind.</summary>
    public MatchKind Kind => Rule.Kind;

    /// <summary>The rule's source line.</summary>
    public int Line => Rule.Line;

    /// <summary>The (outer or inner) MAC, formatted <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public string Mac => Rules.Model.Mac.Format(Rule.Mac);

    /// <summary>The rule quoted for a message: <c>'vxlan 5001 -&gt; web'</c>.</summary>
    public string Quoted => "'" + Text + "'";
}

/// <summary>One declared pool as the export targets see it: its resolution, its <c>pool</c> statement as written and where.</summary>
/// <param name="Pool">The resolved pool.</param>
/// <param name="Transmit">Its transmit attributes as the NIC applies them (anti-spoofing checks, VLAN insert).</param>
/// <param name="Text">The <c>pool</c> statement as written, comment dropped and spaces collapsed.</param>
/// <param name="Span">The statement's first token, where its diagnostics point.</param>
internal sealed record ExportPool(ResolvedPool Pool, PoolTransmit Transmit, string Text, SourceSpan Span)
{
    /// <summary>The statement quoted for a message: <c>'pool guest 6 vlan-insert 160'</c>.</summary>
    public string Quoted => "'" + Text + "'";
}

/// <summary>What the export was asked for: the rules and the device names.</summary>
/// <param name="Model">The resolved rules.</param>
/// <param name="File">The rules file's path as given (annotations name it).</param>
/// <param name="Device">The device: an interface name (tc, ip, ethtool) or a port id (testpmd).</param>
/// <param name="VxlanDevice">The VXLAN device <c>tc</c> puts tunnel filters on.</param>
internal sealed record ExportContext(RuleSet Model, string File, string Device, string VxlanDevice)
{
    /// <summary>Pool <paramref name="index"/>'s name, or <c>pool N</c> when no <c>pool</c> statement declares it.</summary>
    public string PoolName(int index)
    {
        foreach (var pool in Model.Pools)
        {
            if (pool.Index == index)
            {
                return pool.Name;
            }
        }

        return $"pool {index}";
    }
}

/// <summary>A target's answer for one rule: its commands, or why it cannot express the rule.</summary>
/// <param name="Commands">The commands (empty when the rule is not exported).</param>
/// <param name="Problem">The diagnostic's descriptor when the rule cannot be expressed exactly, or null.</param>
/// <param name="Message">The diagnostic's message.</param>
/// <param name="KeptWhenPartial">
/// True when <see cref="Commands"/> still do most of what the rule says and <c>--allow-partial</c> writes them
/// (VMDQ0105: the frames reach the right pool, not the named queue); false when the rule is left out.
/// </param>
internal sealed record Translation(IReadOnlyList<string> Commands, RuleDescriptor? Problem = null, string? Message = null, bool KeptWhenPartial = false)
{
    /// <summary>The rule is expressed exactly by <paramref name="commands"/>.</summary>
    public static Translation Exact(params string[] commands) => new(commands);

    /// <summary>The rule cannot be expressed: <paramref name="message"/> says why.</summary>
    public static Translation Fail(RuleDescriptor problem, string message) => new([], problem, message);
}
