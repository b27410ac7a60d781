using System;
using System.Collections.Generic;

namespace Vmdq.Rules.Syntax;

/// <summary>
/// Splits rules text into lines of tokens. Never fails: every character is either skipped (white space, comments) or part of a token.
/// One line at a time (<see cref="NextLine"/>): a 1M-rule file is never held as tokens all at once, and the arrays that carry a
/// line's tokens are reused, one per line length.
/// </summary>
internal sealed class Lexer
{
    /// <summary>Lines this long (in tokens) or longer get an array of their own rather than a reused one.</summary>
    private const int ReusedLengths = 32;

    private readonly string _text;
    private readonly NameTable _names = new();
    private readonly List<Token> _current = new();
    private readonly Token[]?[] _arrays = new Token[ReusedLengths][];
    private int _i;
    private int _line = 1;
    private int _lineStart;

    /// <summary>A lexer at the start of <paramref name="text"/>.</summary>
    public Lexer(string text) => _text = text;

    /// <summary>Tokenizes <paramref name="text"/> line by line. Lines with no tokens are omitted.</summary>
    public static List<Token[]> Tokenize(string text)
    {
        var lexer = new Lexer(text);
        var lines = new List<Token[]>();
        while (lexer.NextLine(out Token[] tokens))
        {
            lines.Add((Token[])tokens.Clone());
        }

        return lines;
    }

    /// <summary>
    /// The tokens of the next line that has any, or false at the end of the text. The array is the lexer's: it is valid
    /// until the next call (copy the tokens to keep them; a <see cref="Token"/> itself stays valid).
    /// </summary>
    public bool NextLine(out Token[] tokens)
    {
        string text = _text;
        int i = _i;
        _current.Clear();
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n' || c == '\r')
            {
                // \r\n counts as one line break.
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                i++;
                _line++;
                _lineStart = i;
                if (_current.Count > 0)
                {
                    break;
                }

                continue;
            }

            if (c == ' ')
            {
                i++;
                continue;
            }

            if (c == '#')
            {
                while (i < text.Length && text[i] != '\n' && text[i] != '\r')
                {
                    i++;
                }

                continue;
            }

            if (char.IsWhiteSpace(c) || c == '\uFEFF')
            {
                i++;
                continue;
            }

            if (c == ',')
            {
                _current.Add(new Token(TokenKind.Comma, ",", new SourceSpan(i, 1, _line, i - _lineStart + 1)));
                i++;
                continue;
            }

            if (c == '-' && i + 1 < text.Length && text[i + 1] == '>')
            {
                _current.Add(new Token(TokenKind.Arrow, "->", new SourceSpan(i, 2, _line, i - _lineStart + 1)));
                i += 2;
                continue;
            }

            int start = i;
            while (i < text.Length)
            {
                char d = text[i];
                if (d > ' ' && d < '\u007F' && d != ',' && d != '#' && d != '-')
                {
                    // Printable ASCII that ends no word: most characters of a word.
                    i++;
                    continue;
                }

                if (d == ' ' || d == ',' || d == '#' || d == '\uFEFF' || char.IsWhiteSpace(d) || (d == '-' && i + 1 < text.Length && text[i + 1] == '>'))
                {
                    break;
                }

                i++;
            }

            var span = new SourceSpan(start, i - start, _line, start - _lineStart + 1);
            _current.Add(IsNameLike(text, start, i - start)
                ? new Token(TokenKind.Word, _names.Get(text, start, i - start), span)
                : new Token(TokenKind.Word, span, text));
        }

        _i = i;
        int count = _current.Count;
        if (count == 0)
        {
            tokens = Array.Empty<Token>();
            return false;
        }

        tokens = count < ReusedLengths ? _arrays[count] ??= new Token[count] : new Token[count];
        _current.CopyTo(tokens);
        return true;
    }

    /// <summary>
    /// Keywords and names (a letter or '_' first, short, not shaped like a MAC address): their text comes from the
    /// table, one string per spelling. Numbers, MACs and the like are values, parsed where they are.
    /// </summary>
    private static bool IsNameLike(string text, int start, int length)
    {
        char first = text[start];
        if (length > NameTable.MaxLength || !((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_'))
        {
            return false;
        }

        return !(length == 17 && text[start + 2] is ':' or '-');
    }

    /// <summary>
    /// Splits <paramref name="text"/> into lines where <see cref="Tokenize"/> counts line breaks (LF, CR, CRLF), without
    /// the breaks: element <c>n - 1</c> is line <c>n</c> of the diagnostics and verdicts. Text that ends with a break
    /// ends with an empty element.
    /// </summary>
    public static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || c == '\r')
            {
                lines.Add(text.Substring(start, i - start));
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        lines.Add(text.Substring(start));
        return lines;
    }
}

/// <summary>
/// One string per distinct spelling of the keywords and names of one file, looked up by the characters in the source
/// text without making a string first (an open-addressing hash table). Holds at most <see cref="MaxCount"/> spellings;
/// past that, a new spelling gets a fresh string each time.
/// </summary>
internal sealed class NameTable
{
    /// <summary>Longer words are not kept.</summary>
    public const int MaxLength = 64;

    /// <summary>The most spellings kept (a file has a few hundred names; garbage past this is not worth keeping).</summary>
    public const int MaxCount = 1 << 15;

    private string?[] _slots = new string?[256];
    private int[] _hashes = new int[256];
    private int _count;

    /// <summary>The string for <c>text[start .. start + length)</c>.</summary>
    public string Get(string text, int start, int length)
    {
        int hash = Hash(text, start, length);
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        while (_slots[slot] is { } candidate)
        {
            if (_hashes[slot] == hash && candidate.Length == length && string.CompareOrdinal(candidate, 0, text, start, length) == 0)
            {
                return candidate;
            }

            slot = (slot + 1) & mask;
        }

        string made = text.Substring(start, length);
        if (_count < MaxCount)
        {
            _slots[slot] = made;
            _hashes[slot] = hash;
            if (++_count * 2 > _slots.Length)
            {
                Grow();
            }
        }

        return made;
    }

    private static int Hash(string text, int start, int length)
    {
        // FNV-1a over the UTF-16 code units.
        uint hash = 2166136261;
        for (int i = start; i < start + length; i++)
        {
            hash = (hash ^ text[i]) * 16777619;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    private void Grow()
    {
        string?[] slots = _slots;
        int[] hashes = _hashes;
        _slots = new string?[slots.Length * 2];
        _hashes = new int[slots.Length * 2];
        int mask = _slots.Length - 1;
        for (int i = 0; i < slots.Length; i++)
        {
            if (slots[i] is { } s)
            {
                int slot = hashes[i] & mask;
                while (_slots[slot] is not null)
                {
                    slot = (slot + 1) & mask;
                }

                _slots[slot] = s;
                _hashes[slot] = hashes[i];
            }
        }
    }
}
