using System;
using System.Collections.Generic;
using System.Globalization;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;

namespace Vmdq.Rules.Syntax;

/// <summary>
/// Parses rules text statement by statement. Never throws and never stops at the first error:
/// a bad line reports a located <see cref="RuleDescriptors.SyntaxError"/> (or a range error)
/// and parsing goes on with the next line.
/// </summary>
internal sealed partial class Parser
{
    private static readonly string[] s_statementKeywords =
    {
        "dispatcher", "nic", "default-pool", "vxlan-port", "profile", "switch", "tenant", "pool", "class", "channel",
        "mac", "vlan", "vxlan", "nvgre", "broadcast", "multicast",
    };

    private static readonly HashSet<string> s_declarationKeywords = new() { "dispatcher", "nic", "default-pool", "vxlan-port", "profile", "switch", "tenant", "pool", "class", "channel" };

    private static readonly HashSet<string> s_ruleKeywords = new() { "mac", "vlan", "vxlan", "nvgre", "broadcast", "multicast" };

    private readonly RulesDocument _doc;
    private readonly List<RuleDiagnostic> _diagnostics;
    private Token[] _tokens = Array.Empty<Token>();
    private int _pos;

    /// <summary>True once the current statement has reported an error it could read past (a value out of range, a malformed value).</summary>
    private bool _failed;

    /// <summary>True once the current line's rule target has been recorded (as a rule or a broken rule's target).</summary>
    private bool _targetRecorded;

    private Parser(RulesDocument doc, List<RuleDiagnostic> diagnostics)
    {
        _doc = doc;
        _diagnostics = diagnostics;
    }

    /// <summary>Parses <paramref name="text"/>; diagnostics are appended to <paramref name="diagnostics"/>.</summary>
    public static RulesDocument Parse(string path, string text, List<RuleDiagnostic> diagnostics)
    {
        var doc = new RulesDocument(path) { Text = text };
        var parser = new Parser(doc, diagnostics);
        bool brokenDispatcherLine = false;
        var lexer = new Lexer(text);
        while (lexer.NextLine(out Token[] line))
        {
            parser._tokens = line;
            parser._pos = 0;
            int reported = diagnostics.Count;
            parser._failed = false;
            parser._targetRecorded = false;
            try
            {
                parser.ParseStatement();
            }
            catch (SyntaxException)
            {
                // Reported already; the statement is skipped and the next line is parsed. The pools a broken
                // rule line names still count as named, so they are not also reported as unreachable.
                parser.RecoverTarget();
                brokenDispatcherLine |= parser.ReclassifyBrokenDispatcherLine(reported);
            }
        }

        // A broken line that looks like the dispatcher line hides the name only if no good one was read.
        doc.DispatcherUnreadable = (doc.DispatcherUnreadable || brokenDispatcherLine) && doc.Dispatcher is null;
        return doc;
    }

    private sealed class SyntaxException : Exception
    {
    }

    private static bool HasArrow(Token[] tokens)
    {
        foreach (var t in tokens)
        {
            if (t.Kind == TokenKind.Arrow)
            {
                return true;
            }
        }

        return false;
    }

    private int Line => _tokens[0].Span.Line;

    private void ParseStatement()
    {
        Token first = _tokens[0];
        if (!_doc.HasRuleLines && (HasArrow(_tokens) || s_ruleKeywords.Contains(first.Text)))
        {
            _doc.HasRuleLines = true;
        }

        if (first.Kind != TokenKind.Word)
        {
            throw Error(first.Span, $"A statement cannot start with {Echo.Quoted(first.Text)}.");
        }

        switch (first.Text)
        {
            case "dispatcher": ParseDispatcher(); break;
            case "nic": ParseNic(); break;
            case "default-pool": ParseDefaultPool(); break;
            case "vxlan-port": ParseVxlanPort(); break;
            case "profile": ParseProfile(); break;
            case "switch": ParseSwitch(); break;
            case "tenant": ParseTenant(); break;
            case "pool": ParsePool(); break;
            case "class": ParseClass(); break;
            case "channel": ParseChannel(); break;
            case "mac":
            case "vlan":
            case "vxlan":
            case "nvgre":
            case "broadcast":
            case "multicast":
                ParseRule();
                break;
            case var word when LooksLikeDispatcher(word):
                throw Unreadable(first.Span, $"unknown keyword {Echo.Quoted(word)} (did you mean 'dispatcher'?)");
            default:
                string? near = Spelling.Nearest(first.Text, s_statementKeywords);
                throw Error(first.Span, near is not null
                    ? string.Equals(near, first.Text, StringComparison.OrdinalIgnoreCase)
                        ? $"Unknown keyword {Echo.Quoted(first.Text)}: keywords are lower case (did you mean {Echo.Quoted(near)}?)."
                        : $"Unknown keyword {Echo.Quoted(first.Text)} (did you mean {Echo.Quoted(near)}?)."
                    : $"Unknown keyword {Echo.Quoted(first.Text)}. Expected a statement: dispatcher, nic, default-pool, vxlan-port, profile, switch, tenant, pool, class, channel, or a rule (mac, vlan, vxlan, nvgre, broadcast, multicast).");
        }
    }

    /// <summary>
    /// Ends a statement before it is recorded: tokens left over are an error, and a statement that
    /// reported an error is dropped (after all of its errors were reported, not only the first).
    /// </summary>
    private void EndStatement()
    {
        if (!AtEnd)
        {
            Token extra = _tokens[_pos];
            throw Error(extra.Span, $"Unexpected {Echo.Quoted(extra.Text)} after the end of the statement.");
        }

        if (_failed)
        {
            throw new SyntaxException();
        }
    }

    /// <summary>
    /// After a rule line failed before its target was recorded: the well-formed pool names after its
    /// <c>-&gt;</c>, kept silently so that the pools it names do not read as unreachable.
    /// </summary>
    private void RecoverTarget()
    {
        if (_targetRecorded || s_declarationKeywords.Contains(_tokens[0].Text))
        {
            return;
        }

        int arrow = Array.FindIndex(_tokens, t => t.Kind == TokenKind.Arrow);
        for (int i = arrow < 0 ? _tokens.Length : arrow + 1; i < _tokens.Length; i += 2)
        {
            Token t = _tokens[i];
            int colon = t.Text.IndexOf(':');
            string name = colon < 0 ? t.Text : t.Text.Substring(0, colon);
            if (t.Kind != TokenKind.Word || !IsName(name) || name == "drop")
            {
                return;
            }

            _doc.RecoveredTargets.Add(new PoolRef(name, new SourceSpan(t.Span.Start, name.Length, t.Span.Line, t.Span.Column)));
            if (i + 1 < _tokens.Length && _tokens[i + 1].Kind != TokenKind.Comma)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A misspelled <c>dispatcher</c> keyword (case aside, at most two edits away, e.g. <c>dispacher</c>,
    /// <c>Dispatcher</c>): the line most likely names the type the user's code uses, so it is reported as an
    /// unreadable dispatcher line rather than an unknown keyword (a default-named shape would not help).
    /// </summary>
    internal static bool LooksLikeDispatcher(string word) =>
        word.Length is >= 8 and <= 12 && Spelling.Distance(word.ToLowerInvariant(), "dispatcher") <= 2;

    /// <summary>True for a dotted C# type name such as <c>Contoso.Fabric.TenantDispatcher</c> (no other statement writes one).</summary>
    private static bool IsDottedTypeName(string word) =>
        word.IndexOf('.') > 0 && Array.TrueForAll(word.Split('.'), CSharpNames.IsIdentifier);

    /// <summary>
    /// After a line failed to parse: when it looks like the <c>dispatcher</c> line (the keyword, misspelt or
    /// not, after another word; or a dotted type name first, as when the keyword is missing), its syntax errors are
    /// reported as VMDQ0020, since the user's code most likely names that type. Returns true if it did.
    /// </summary>
    private bool ReclassifyBrokenDispatcherLine(int firstNew)
    {
        // A dispatcher-like word anywhere (a word inserted before the keyword), or a line that starts with a
        // dotted type name (the keyword deleted). A dotted name elsewhere (`pool w.b 1`) is not enough.
        bool looksLikeDispatcher = Array.Exists(_tokens, t => t.Kind == TokenKind.Word && LooksLikeDispatcher(t.Text))
            || (_tokens[0].Kind == TokenKind.Word && IsDottedTypeName(_tokens[0].Text));
        if (!looksLikeDispatcher)
        {
            return false;
        }

        bool changed = false;
        for (int i = firstNew; i < _diagnostics.Count; i++)
        {
            var d = _diagnostics[i];
            if (d.Id == RuleDescriptors.SyntaxError.Id)
            {
                string reason = d.Message.TrimEnd('.');
                reason = reason.Length > 0 ? char.ToLowerInvariant(reason[0]) + reason.Substring(1) : reason;
                _diagnostics[i] = RuleDiagnostic.Create(RuleDescriptors.DispatcherUnreadable, d.Span, UnreadableMessage(reason));
                changed = true;
            }
            else if (d.Id == RuleDescriptors.DispatcherUnreadable.Id)
            {
                changed = true;
            }
        }

        return changed;
    }

    // ---- token helpers ----

    private bool AtEnd => _pos >= _tokens.Length;

    private Token Next(string expected)
    {
        if (AtEnd)
        {
            Token last = _tokens[_tokens.Length - 1];
            var at = new SourceSpan(last.Span.End, 0, last.Span.Line, last.Span.Column + last.Span.Length);
            throw Error(at, $"Expected {expected} after {Echo.Quoted(last.Text)}, but the line ends.");
        }

        return _tokens[_pos++];
    }

    private Token NextWord(string expected)
    {
        Token t = Next(expected);
        if (t.Kind != TokenKind.Word)
        {
            throw Error(t.Span, $"Expected {expected}, found {Echo.Quoted(t.Text)}.");
        }

        return t;
    }

    private bool PeekWord(string text) => !AtEnd && _tokens[_pos].Kind == TokenKind.Word && _tokens[_pos].Text == text;

    private SyntaxException Error(SourceSpan span, string message)
    {
        _diagnostics.Add(RuleDiagnostic.Create(RuleDescriptors.SyntaxError, span, message));
        return new SyntaxException();
    }

    private void Report(RuleDescriptor descriptor, SourceSpan span, string message) =>
        _diagnostics.Add(RuleDiagnostic.Create(descriptor, span, message));

    /// <summary>Reports an error the parser can read past: the statement goes on being read, then is dropped.</summary>
    private void Fail(RuleDescriptor descriptor, SourceSpan span, string message)
    {
        _diagnostics.Add(RuleDiagnostic.Create(descriptor, span, message));
        _failed = true;
    }

    // ---- values ----

    /// <summary>Parses decimal or 0x-hex. Values too large for a long saturate, so they report as out of range.</summary>
    internal static bool TryParseNumber(string text, out long value) => TryParseNumber(text, 0, text.Length, out value);

    /// <summary>Parses <c>text[start .. start + length)</c> as <see cref="TryParseNumber(string, out long)"/> does.</summary>
    internal static bool TryParseNumber(string text, int start, int length, out long value)
    {
        value = 0;
        bool hex = length >= 2 && text[start] == '0' && (text[start + 1] == 'x' || text[start + 1] == 'X');
        int from = hex ? start + 2 : start, end = start + length;
        if (from == end)
        {
            return false;
        }

        for (int i = from; i < end; i++)
        {
            char c = text[i];
            int d = c is >= '0' and <= '9' ? c - '0'
                : hex && c is >= 'a' and <= 'f' ? c - 'a' + 10
                : hex && c is >= 'A' and <= 'F' ? c - 'A' + 10
                : -1;
            if (d < 0)
            {
                return false;
            }

            int radix = hex ? 16 : 10;
            value = value > (long.MaxValue - d) / radix ? long.MaxValue : (value * radix) + d;
        }

        return true;
    }

    /// <summary>A number; a word that is not one is reported and read past (the statement is then dropped), punctuation stops the statement.</summary>
    private long Number(Token t, string what)
    {
        if (t.Kind != TokenKind.Word)
        {
            throw Error(t.Span, $"Expected {what} (a decimal or 0x-hex number), found {Echo.Quoted(t.Text)}.");
        }

        if (!TryParseNumber(t.Chars, t.Offset, t.Length, out long value))
        {
            Fail(RuleDescriptors.SyntaxError, t.Span, $"Expected {what} (a decimal or 0x-hex number), found {Echo.Quoted(t.Text)}.");
            return 0;
        }

        return value;
    }

    private long NumberInRange(Token t, string what, long min, long max)
    {
        bool failedBefore = _failed;
        _failed = false;
        long value = Number(t, what);
        bool malformed = _failed;
        _failed |= failedBefore;
        if (malformed)
        {
            return min;
        }

        if (value < min || value > max)
        {
            // A range error is not a syntax error: the rest of the statement is still read and checked.
            Fail(RuleDescriptors.ValueOutOfRange, t.Span, $"{Capitalize(what)} {Echo.Cut(t.Text)} is out of range: it must be {Str(min)}..{Str(max)}.");
            return min;
        }

        return value;
    }

    private ValueRange Range(Token t, string what, long min, long max)
    {
        string text = t.Text;
        int dash = text.IndexOf('-', 1);
        string loText = dash < 0 ? text : text.Substring(0, dash);
        string hiText = dash < 0 ? text : text.Substring(dash + 1);
        if (t.Kind != TokenKind.Word)
        {
            throw Error(t.Span, $"Expected a range of {what} (LO-HI), found {Echo.Quoted(text)}.");
        }

        if (!TryParseNumber(loText, out long lo) || !TryParseNumber(hiText, out long hi))
        {
            Fail(RuleDescriptors.SyntaxError, t.Span, $"Expected a range of {what} (LO-HI), found {Echo.Quoted(text)}.");
            return new ValueRange(min, min, t.Span);
        }

        if (lo > hi)
        {
            Fail(RuleDescriptors.ValueOutOfRange, t.Span, $"The range {Echo.Cut(text)} is empty: {Echo.Cut(loText)} is greater than {Echo.Cut(hiText)}.");
            return new ValueRange(min, min, t.Span);
        }

        if (lo < min || hi > max)
        {
            Fail(RuleDescriptors.ValueOutOfRange, t.Span, $"The range {Echo.Cut(text)} of {what} is out of range: {what} must be {Str(min)}..{Str(max)}.");
            return new ValueRange(min, min, t.Span);
        }

        return new ValueRange(lo, hi, t.Span);
    }

    /// <summary>A MAC address; a malformed one is reported and read past, punctuation stops the statement.</summary>
    private ulong MacAddress(Token t)
    {
        if (t.Kind != TokenKind.Word)
        {
            throw Error(t.Span, MacMessage(t));
        }

        if (!Mac.TryParse(t.Chars, t.Offset, t.Length, out ulong mac))
        {
            Fail(RuleDescriptors.SyntaxError, t.Span, MacMessage(t));
        }

        return mac;
    }

    private static string MacMessage(Token t) =>
        $"Expected a MAC address (six two-digit hex octets separated by ':' or '-', like 00:1b:21:0a:0b:01), found {Echo.Quoted(t.Text)}.";

    private static bool IsName(string text)
    {
        if (text.Length == 0 || !(char.IsLetter(text[0]) && text[0] < 128 || text[0] == '_'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!((c < 128 && char.IsLetterOrDigit(c)) || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private Token Name(string what)
    {
        Token t = NextWord(what);
        if (!IsName(t.Text))
        {
            throw Error(t.Span, $"Expected {what} (letters, digits, '_' and '-', starting with a letter or '_'), found {Echo.Quoted(t.Text)}.");
        }

        return t;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
