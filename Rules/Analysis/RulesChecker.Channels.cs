using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Analysis;

internal sealed partial class RulesChecker
{
    /// <summary>
    /// The <c>channel</c> statements (IEEE 802.1Qbg S-channels): a name or an S-VID declared twice (VMDQ0013), a <c>vsi</c>
    /// channel without exactly one pool (VMDQ0035), an S-VID outside the <c>svid</c> range of a pool's tenant (VMDQ0036), a
    /// channel with nothing to deliver to (VMDQ0038), and the untagged channel's implicit default pool 0 declared in a
    /// channel section (VMDQ0033). The S-VID's range (1..4094) is the parser's (VMDQ0002).
    /// </summary>
    private void CheckChannels()
    {
        var names = new Dictionary<string, ChannelDecl>(StringComparer.Ordinal);
        var svids = new Dictionary<long, ChannelDecl>();
        for (int i = 0; i < _doc.Channels.Count; i++)
        {
            var channel = _doc.Channels[i];
            int section = i + 1;
            if (channel.Broken)
            {
                continue;
            }

            if (names.TryGetValue(channel.Name, out var sameName))
            {
                Report(RuleDescriptors.DuplicateDeclaration, channel.NameSpan, $"S-channel {Echo.Quoted(channel.Name)} is already declared on line {sameName.Line}.");
            }
            else
            {
                names.Add(channel.Name, channel);
            }

            if (svids.TryGetValue(channel.Svid, out var sameSvid))
            {
                Report(RuleDescriptors.DuplicateDeclaration, channel.SvidSpan,
                    $"S-VID {Spelled(channel.SvidSpan)} is already S-channel {Echo.Quoted(sameSvid.Name)}'s (line {sameSvid.Line}): an S-VID selects one S-channel.");
            }
            else
            {
                svids.Add(channel.Svid, channel);
            }

            var pools = _doc.Pools.Where(p => p.Channel == section && _pools.TryGetValue(p.Name, out var d) && ReferenceEquals(d, p)).ToList();
            if (ModeOf(channel) == SwitchKind.Vsi && pools.Count != 1)
            {
                Report(RuleDescriptors.VsiChannelPools, channel.ModeSpan ?? channel.NameSpan, pools.Count == 0
                    ? $"S-channel {Echo.Quoted(channel.Name)} is a single VSI ('vsi') but declares no pool: declare its one pool after it."
                    : $"S-channel {Echo.Quoted(channel.Name)} is a single VSI ('vsi') but declares {pools.Count} pools ({string.Join(", ", pools.Select(p => Echo.Quoted(p.Name)))}): a VSI channel is one virtual station. Use 'veb' or 'vepa' for several.");
            }
            else if (pools.Count == 0 && !_doc.SectionDefaults.ContainsKey(section))
            {
                Report(RuleDescriptors.EmptyChannel, channel.NameSpan,
                    $"S-channel {Echo.Quoted(channel.Name)} (S-VID {Spelled(channel.SvidSpan)}) has no pool and no 'default-pool': every frame it carries is dropped. Declare its pools after it.");
            }

            foreach (var pool in pools)
            {
                if (pool.Tenant is null || !_tenants.TryGetValue(pool.Tenant, out var tenant) || tenant.Svid is not { } range || range.Contains(channel.Svid))
                {
                    continue;
                }

                Report(RuleDescriptors.SvidOutsideTenant, channel.SvidSpan,
                    $"S-channel {Echo.Quoted(channel.Name)} has S-VID {Spelled(channel.SvidSpan)}, outside the S-VIDs {Spelled(range.Span)} of tenant {Echo.Quoted(tenant.Name)} (line {tenant.Line}), "
                    + $"which its pool {Echo.Quoted(pool.Name)} (line {pool.Line}) belongs to. Give the channel one of the tenant's S-VIDs, or add this one to its range.");
            }
        }

        // The untagged channel's default pool is pool 0 unless a default-pool before the first channel says otherwise:
        // pool 0 declared in a channel section would receive the untagged channel's unknown traffic.
        if (_doc.Channels.Count > 0 && _doc.DefaultPool is null && _poolsByIndex.TryGetValue(0, out var zero) && zero.Channel != 0)
        {
            Report(RuleDescriptors.CrossChannelTarget, zero.IndexSpan,
                $"Pool {Echo.Quoted(zero.Name)} is index 0, the untagged channel's default pool (no 'default-pool' before the first 'channel'), but it belongs to S-channel {ChannelName(zero.Channel)}: "
                + "the untagged channel's unknown frames would land in another channel's pool. Write a 'default-pool' before the first 'channel' statement, or give this pool another index.");
        }
    }

    /// <summary>A channel's mode: as written, else the file's <c>switch</c> mode.</summary>
    private SwitchKind ModeOf(ChannelDecl channel) => channel.Mode ?? _doc.Switch?.Mode ?? SwitchKind.Veb;

    /// <summary>"'storage' (line 7)" for section N, "the untagged channel" for 0.</summary>
    private string ChannelName(int section) =>
        section == 0 ? "the untagged channel" : $"{Echo.Quoted(_doc.Channels[section - 1].Name)} (line {_doc.Channels[section - 1].Line})";

    /// <summary>VMDQ0033/VMDQ0034: a pool named by a statement of <paramref name="section"/> that belongs to another S-channel. Returns false when it does.</summary>
    private bool CheckSameChannel(int section, PoolDecl pool, PoolRef at, bool list)
    {
        if (pool.Channel == section)
        {
            return true;
        }

        if (list)
        {
            Report(RuleDescriptors.CrossChannelReplication, at.Span,
                $"Pool {Echo.Quoted(pool.Name)} belongs to {ChannelName(pool.Channel)}, but this rule is in {ChannelName(section)}: a group frame is replicated only to the pools of its own S-channel. "
                + "List pools of this channel only, and write a rule in the other channel's section for its pools.");
        }
        else
        {
            Report(RuleDescriptors.CrossChannelTarget, at.Span,
                $"Pool {Echo.Quoted(pool.Name)} belongs to {ChannelName(pool.Channel)}, but this statement is in {ChannelName(section)}: an S-channel is a port of its own, its frames cannot reach another channel's pools. "
                + "Name a pool of this channel, or move the statement to the pool's channel section.");
        }

        return false;
    }

    /// <summary>The S-channels of the model: each with its mode and its default pool (or -1, drop, with no <c>default-pool</c> in its section).</summary>
    private EquatableArray<ResolvedChannel> ResolveChannels()
    {
        var channels = new List<ResolvedChannel>();
        for (int i = 0; i < _doc.Channels.Count; i++)
        {
            var channel = _doc.Channels[i];
            int section = i + 1;
            int pool = -1, queue = 0;
            bool spreads = false;
            if (_doc.SectionDefaults.TryGetValue(section, out var dp) && ResolveDefault(dp, section) is { } resolved)
            {
                (pool, queue) = resolved;
                spreads = _poolsByIndex.TryGetValue(pool, out var p) && p.Rss;
            }

            channels.Add(new ResolvedChannel(channel.Name, section, (int)channel.Svid, ModeOf(channel), pool, queue, spreads, channel.Line));
        }

        return channels.ToEquatableArray();
    }

    /// <summary>An S-channel section's <c>default-pool</c>: the pool and its first queue, or null (reported) when it does not resolve.</summary>
    private (int Pool, int Queue)? ResolveDefault((long? Index, string? Name, Syntax.SourceSpan Span) dp, int section)
    {
        PoolDecl? pool = null;
        if (dp.Name is not null)
        {
            if (!_pools.TryGetValue(dp.Name, out pool))
            {
                if (!_doc.PoisonedPools.Contains(dp.Name))
                {
                    Report(RuleDescriptors.Undefined, dp.Span, RuleMessages.PoolNotDeclared(dp.Name, Spelling.DidYouMean(dp.Name, _pools.Keys)));
                }

                return null;
            }
        }
        else
        {
            long index = dp.Index ?? 0;
            if (!_doc.GeometryInvalid && (index < 0 || index >= _geometry.Pools))
            {
                Report(RuleDescriptors.ValueOutOfRange, dp.Span, $"Default pool {Spelled(dp.Span)} is out of range: the NIC has {_geometry.Pools} pools (0..{_geometry.Pools - 1}){NicWhere()}.");
                return null;
            }

            if (!_poolsByIndex.TryGetValue(index, out pool))
            {
                return ((int)index, 0);
            }
        }

        return CheckSameChannel(section, pool, new PoolRef(pool.Name, dp.Span), list: false)
            ? ((int)Math.Max(0, Math.Min(pool.Index, _geometry.Pools - 1)), pool.FirstQueue)
            : null;
    }
}
