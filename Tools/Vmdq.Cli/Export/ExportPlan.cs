using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Cli.Export;

/// <summary>One annotated entry of the output: a rule, or a pool's attributes, and what the target made of it.</summary>
/// <param name="Rule">The rule (or the entry the export adds for it); null for a pool's entry.</param>
/// <param name="Translation">The target's commands, or the problem.</param>
/// <param name="Pool">The pool whose attributes the entry sets; null for a rule's entry.</param>
internal sealed record ExportEntry(ExportRule? Rule, Translation Translation, ExportPool? Pool = null)
{
    /// <summary>The source line of the rule or <c>pool</c> statement.</summary>
    public int Line => Rule?.Line ?? Pool!.Pool.Line;

    /// <summary>The statement as written.</summary>
    public string Text => Rule?.Text ?? Pool!.Text;

    /// <summary>Where its diagnostics point.</summary>
    public SourceSpan Span => Rule?.Span ?? Pool!.Span;

    /// <summary>What the annotation adds, or null.</summary>
    public string? Note => Rule?.Note;
}

/// <summary>
/// Lowers a rules file for one target: the rules in precedence order (the spec's "Which rule wins", then file order),
/// each translated by the target. Knows nothing of any target's syntax.
/// </summary>
internal static class ExportPlan
{
    /// <summary>The rules of <paramref name="context"/>'s model as export rules, in precedence order.</summary>
    /// <param name="context">The rules and names.</param>
    /// <param name="text">The rules file's text (for each rule's written form and column).</param>
    public static IReadOnlyList<ExportRule> Rules(ExportContext context, string text)
    {
        var model = context.Model;
        var (lines, lineStarts) = Lines(text);

        var result = new List<ExportRule>();
        foreach (var rule in model.Rules.OrderBy(r => (int)r.Kind).ThenBy(r => r.Line))
        {
            bool known = rule.Line >= 1 && rule.Line <= lines.Count;
            var (written, span) = Written(known ? lines[rule.Line - 1] : string.Empty, rule.Line, known ? lineStarts[rule.Line - 1] : 0);
            var pool = rule.IsDrop ? null : model.Pools.FirstOrDefault(p => p.Index == rule.Pool);
            int deviceQueue = rule.IsDrop ? 0 : (rule.Pool * model.Geometry.QueuesPerPool) + rule.Queue;
            result.Add(new ExportRule(rule, written, span, pool, rule.Replicas.ToArray(), deviceQueue));
        }

        return result;
    }

    /// <summary>The declared pools of <paramref name="context"/>'s model, in index order, with their statements as written.</summary>
    /// <param name="context">The rules and names.</param>
    /// <param name="text">The rules file's text.</param>
    public static IReadOnlyList<ExportPool> Pools(ExportContext context, string text)
    {
        var model = context.Model;
        var (lines, lineStarts) = Lines(text);
        var result = new List<ExportPool>();
        foreach (var pool in model.Pools.OrderBy(p => p.Index))
        {
            bool known = pool.Line >= 1 && pool.Line <= lines.Count;
            var (written, span) = Written(known ? lines[pool.Line - 1] : string.Empty, pool.Line, known ? lineStarts[pool.Line - 1] : 0);
            result.Add(new ExportPool(pool, PoolTransmit.Of(pool, model.Rules), written, span));
        }

        return result;
    }

    /// <summary>
    /// The entries for the pools' attributes that <paramref name="target"/> sets (after the rules: a target may need to know
    /// what the rules' commands already set), one per pool with something to set.
    /// </summary>
    public static IReadOnlyList<ExportEntry> TranslatePools(ExportTarget target, ExportContext context, IReadOnlyList<ExportPool> pools)
    {
        var entries = new List<ExportEntry>();
        foreach (var pool in pools)
        {
            if (target.TranslatePool(pool, context) is { } translation)
            {
                entries.Add(new ExportEntry(null, translation, pool));
            }
        }

        return entries;
    }

    /// <summary>Lines as the rules lexer counts them (LF, CR and CRLF each end one), so a statement's line names its own line; and where each starts.</summary>
    private static (IReadOnlyList<string> Lines, int[] Starts) Lines(string text)
    {
        var lines = Lexer.SplitLines(text);
        int[] lineStarts = new int[lines.Count];
        for (int i = 1, at = 0; i < lines.Count; i++)
        {
            at += lines[i - 1].Length;
            at += text[at] == '\r' && at + 1 < text.Length && text[at + 1] == '\n' ? 2 : 1;
            lineStarts[i] = at;
        }

        return (lines, lineStarts);
    }

    /// <summary>
    /// Translates every rule with <paramref name="target"/>, in order. Where the target's multicast filter also takes
    /// broadcast frames and no broadcast rule has been exported before the multicast rule, an entry that sends
    /// broadcast frames to the default pool comes first: the language's <c>multicast</c> excludes broadcast.
    /// </summary>
    public static IReadOnlyList<ExportEntry> Translate(ExportTarget target, ExportContext context, IReadOnlyList<ExportRule> rules)
    {
        var model = context.Model;
        var entries = new List<ExportEntry>();
        bool broadcastExported = false;
        foreach (var rule in rules)
        {
            if (rule.Kind == MatchKind.Multicast && !broadcastExported && target.MulticastFilterTakesBroadcast)
            {
                var broadcast = new ResolvedRule(MatchKind.Broadcast, Mac.Broadcast, 0, false, model.DefaultPool, model.DefaultQueue, rule.Line, EquatableArray<int>.Empty);
                string note = $"broadcast is not multicast: broadcast frames go to the default pool, {context.PoolName(model.DefaultPool)} queue {model.DefaultQueue}";
                var guard = new ExportRule(broadcast, rule.Text, rule.Span, model.Pools.FirstOrDefault(p => p.Index == model.DefaultPool), [],
                    (model.DefaultPool * model.Geometry.QueuesPerPool) + model.DefaultQueue, note);
                entries.Add(new ExportEntry(guard, target.Translate(guard, context)));
            }

            var translation = model.HasChannels ? ChannelFails(rule, context, target) : target.Translate(rule, context);
            broadcastExported |= rule.Kind == MatchKind.Broadcast && (translation.Problem is null || translation.KeptWhenPartial);
            entries.Add(new ExportEntry(rule, translation));
        }

        return entries;
    }

    /// <summary>
    /// VMDQ0101 for every rule of a file with S-channels (<c>channel</c> statements): a rule applies only to the frames of its
    /// channel (an S-VID, or no S-tag for the untagged channel), which none of the targets' filters are given to match, so an
    /// exported filter would also take the other channels' frames.
    /// </summary>
    private static Translation ChannelFails(ExportRule rule, ExportContext context, ExportTarget target)
    {
        var channel = rule.Rule.Channel > 0 ? context.Model.Channels[rule.Rule.Channel - 1] : null;
        string which = channel is null ? "the untagged channel (frames without an S-tag)" : $"S-channel '{channel.Name}' (S-VID {channel.Svid})";
        return Translation.Fail(ExportDescriptors.MatchNotExpressible,
            $"{rule.Quoted} cannot be exported to {target.Name}: it applies only to {which}, and the export does not match S-tags, so the filter would also take the other S-channels' frames.");
    }

    /// <summary>A rule line's text without its comment, spaces collapsed, and the span of its first token.</summary>
    private static (string Text, SourceSpan Span) Written(string line, int lineNumber, int lineStart)
    {
        int hash = line.IndexOf('#', StringComparison.Ordinal);
        string code = (hash >= 0 ? line[..hash] : line).TrimEnd('\r');
        string[] words = code.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        int first = 0;
        while (first < code.Length && code[first] is ' ' or '\t')
        {
            first++;
        }

        int length = words.Length > 0 ? words[0].Length : 0;
        return (string.Join(' ', words), new SourceSpan(lineStart + first, length, lineNumber, first + 1));
    }
}
