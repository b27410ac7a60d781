using System.Globalization;
using System.Text;

namespace Vmdq.Rules.Diagnostics;

/// <summary>
/// How every message quotes text taken from a rules file: cut to <see cref="MaxLength"/> characters
/// with an ellipsis, control and invisible characters escaped (<c>\u0001</c>), so a hostile or
/// huge token never produces a huge or unreadable message.
/// </summary>
internal static class Echo
{
    /// <summary>The most characters of a token a message repeats.</summary>
    public const int MaxLength = 40;

    /// <summary><paramref name="text"/> in single quotes, cut and escaped: <c>'web'</c>.</summary>
    public static string Quoted(string text) => "'" + Cut(text) + "'";

    /// <summary><paramref name="text"/> cut to <see cref="MaxLength"/> characters (then "…") with control characters escaped.</summary>
    public static string Cut(string text)
    {
        bool cut = text.Length > MaxLength;
        int length = cut ? MaxLength : text.Length;
        // Do not split a surrogate pair at the cut.
        if (cut && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        var sb = new StringBuilder(length + 8);
        for (int i = 0; i < length; i++)
        {
            char c = text[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (NeedsEscape(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return cut ? sb.Append('…').ToString() : sb.ToString();
    }

    /// <summary>Characters a message must not carry raw: controls, line/paragraph separators, BOM, lone surrogates, U+FFFD.</summary>
    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF' or '\uFFFD' || char.IsSurrogate(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
