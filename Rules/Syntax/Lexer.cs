using System.Collections.Generic;

namespace Vmdq.Rules.Syntax;

/// <summary>Splits rules text into lines of tokens. Never fails: every character is either skipped (white space, comments) or part of a token.</summary>
internal static class Lexer
{
    /// <summary>Tokenizes <paramref name="text"/> line by line. Lines with no tokens are omitted.</summary>
    public static List<Token[]> Tokenize(string text)
    {
        var lines = new List<Token[]>();
        var current = new List<Token>();
        int line = 1;
        int lineStart = 0;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n' || c == '\r')
            {
                Flush(lines, current);
                // \r\n counts as one line break.
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                i++;
                line++;
                lineStart = i;
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
                current.Add(new Token(TokenKind.Comma, ",", new SourceSpan(i, 1, line, i - lineStart + 1)));
                i++;
                continue;
            }

            if (c == '-' && i + 1 < text.Length && text[i + 1] == '>')
            {
                current.Add(new Token(TokenKind.Arrow, "->", new SourceSpan(i, 2, line, i - lineStart + 1)));
                i += 2;
                continue;
            }

            int start = i;
            while (i < text.Length)
            {
                char d = text[i];
                if (char.IsWhiteSpace(d) || d == ',' || d == '#' || d == '\uFEFF' || (d == '-' && i + 1 < text.Length && text[i + 1] == '>'))
                {
                    break;
                }

                i++;
            }

            current.Add(new Token(TokenKind.Word, text.Substring(start, i - start), new SourceSpan(start, i - start, line, start - lineStart + 1)));
        }

        Flush(lines, current);
        return lines;
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

    private static void Flush(List<Token[]> lines, List<Token> current)
    {
        if (current.Count > 0)
        {
            lines.Add(current.ToArray());
            current.Clear();
        }
    }
}
