using System.Collections.Generic;

namespace Vmdq.Rules.Syntax;

/// <summary>Checks that a dispatcher name is usable as C# code.</summary>
internal static class CSharpNames
{
    private static readonly HashSet<string> s_keywords = new()
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    public static bool IsIdentifier(string text)
    {
        if (text.Length == 0 || s_keywords.Contains(text) || !(char.IsLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>PascalCase of a file name: "tenant-rules" becomes "TenantRules".</summary>
    public static string PascalCase(string fileName)
    {
        var chars = new List<char>();
        bool upper = true;
        foreach (char c in fileName)
        {
            if (char.IsLetterOrDigit(c) && c < 128)
            {
                chars.Add(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        if (chars.Count == 0 || char.IsDigit(chars[0]))
        {
            chars.Insert(0, '_');
        }

        return new string(chars.ToArray());
    }
}
