using System.Globalization;
using System.Text;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Rules.Syntax;

/// <summary>
/// Refuses text that is not a UTF-8 text file before the parser sees it: one VMDQ0019 at the first
/// offending character instead of a syntax error per line echoing binary garbage.
/// </summary>
internal static class TextCheck
{
    /// <summary>
    /// The diagnostic for the first character no UTF-8 text rules file contains, or null. Offending are
    /// U+FFFD (what a decoder makes of invalid UTF-8), unpaired surrogates, and control characters other
    /// than tab, line feed, carriage return and form feed (NUL among them).
    /// </summary>
    public static RuleDiagnostic? FindHostile(string text)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c >= ' ' && c <= '~')
            {
                // Printable ASCII, nearly all of a rules file: never offending, never a line break.
                continue;
            }

            if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                line++;
                lineStart = i + 1;
                continue;
            }

            string? what = Describe(text, i);
            if (what is null)
            {
                if (char.IsHighSurrogate(c))
                {
                    i++; // a valid pair
                }

                continue;
            }

            int bytes = Utf8Length(text, i);
            var span = new SourceSpan(i, 1, line, i - lineStart + 1);
            return RuleDiagnostic.Create(RuleDescriptors.NotText, span,
                $"This is not a UTF-8 text rules file: byte {bytes.ToString(CultureInfo.InvariantCulture)} (line {line.ToString(CultureInfo.InvariantCulture)}, column {span.Column.ToString(CultureInfo.InvariantCulture)}) is {what}. "
                + "Save the file as UTF-8 text, or keep it out of the rules files (VmdqRules items, *.vmdq).");
        }

        return null;
    }

    private static string? Describe(string text, int i)
    {
        char c = text[i];
        if (c == '\uFFFD')
        {
            return "not valid UTF-8 (it decodes to U+FFFD, the replacement character)";
        }

        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            return null;
        }

        if (char.IsSurrogate(c))
        {
            return $"an unpaired surrogate U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}, which UTF-8 cannot encode";
        }

        if (char.IsControl(c) && c is not '\t' and not '\f')
        {
            return c == '\0' ? "a NUL (U+0000): this looks like a binary file" : $"the control character U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}";
        }

        return null;
    }

    /// <summary>UTF-8 length of <c>text[0..count)</c>: the offending character's byte offset (all before it is valid).</summary>
    private static int Utf8Length(string text, int count) => new UTF8Encoding(false).GetByteCount(text.Substring(0, count));
}
