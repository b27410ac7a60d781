using System;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Syntax;
using Vmdq.Generator.Diagnostics;

namespace Vmdq.Generator;

/// <summary>What the analyzer and the generator share: which additional files are rules files, and locations in them.</summary>
internal static class RulesFiles
{
    /// <summary>The rules-file extension.</summary>
    public const string Extension = ".vmdq";

    /// <summary>True for <c>*.vmdq</c> additional files.</summary>
    public static bool IsRulesFile(AdditionalText file) => file.Path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The text to compile. The compiler decodes a file that is not valid UTF-8 with a fallback code page
    /// (Windows-1252 or Latin-1), which would hide that it is not UTF-8: such text is turned back into its
    /// bytes and decoded as UTF-8, so each invalid sequence becomes U+FFFD and the rules front end reports
    /// VMDQ0019 at the first one.
    /// </summary>
    /// <remarks>
    /// The same <see cref="SourceText"/> gives the same string instance (see <see cref="Compile"/>): the
    /// compiler hands the generator and the analyzer one text object per additional file.
    /// </remarks>
    public static string TextOf(SourceText text) => s_texts.GetValue(text, static t => Decode(t));

    private static readonly ConditionalWeakTable<SourceText, string> s_texts = new();

    private static readonly ConditionalWeakTable<string, RulesResult> s_results = new();

    /// <summary>
    /// <see cref="RulesCompiler.Compile"/>, done once per text: the generator and the analyzer run in one
    /// compiler process on the same text (<see cref="TextOf"/>), so the second one reuses the first one's
    /// result instead of parsing and checking the file again (seconds for a 1M-rule file). Keyed by the text
    /// instance, held only while that text lives; a different path compiles afresh.
    /// </summary>
    public static RulesResult Compile(string path, string text)
    {
        var result = s_results.GetValue(text, t => RulesCompiler.Compile(path, t));
        return result.Path == path ? result : RulesCompiler.Compile(path, text);
    }

    private static string Decode(SourceText text)
    {
        string decoded = text.ToString();
        if (text.Encoding is not { } encoding || encoding.CodePage == 65001)
        {
            return decoded;
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetString(encoding.GetBytes(decoded));
    }

    /// <summary>The location of <paramref name="span"/> in the rules file: the offending token, never the whole file.</summary>
    public static Location ToLocation(string path, SourceText text, SourceSpan span)
    {
        int start = Math.Min(Math.Max(0, span.Start), text.Length);
        int end = Math.Min(Math.Max(start, span.End), text.Length);
        var textSpan = TextSpan.FromBounds(start, end);
        return Location.Create(path, textSpan, text.Lines.GetLinePositionSpan(textSpan));
    }

    /// <summary>The location of <paramref name="span"/> from its own line and column (no text needed).</summary>
    public static Location ToLocation(string path, SourceSpan span)
    {
        var start = new LinePosition(Math.Max(0, span.Line - 1), Math.Max(0, span.Column - 1));
        var end = new LinePosition(start.Line, start.Character + Math.Max(0, span.Length));
        return Location.Create(path, new TextSpan(Math.Max(0, span.Start), Math.Max(0, span.Length)), new LinePositionSpan(start, end));
    }

    /// <summary>
    /// True when the generator reports the file's diagnostics itself: its <c>dispatcher</c> line cannot be
    /// read (VMDQ0020), so the user's code fails with CS0246 and the compiler skips analyzers. The analyzer
    /// then reports nothing for the file, so each diagnostic comes from one place.
    /// </summary>
    public static bool GeneratorReports(RulesResult result) => !result.IsDispatcherNameReadable;

    /// <summary>The Roslyn diagnostic for a rules diagnostic.</summary>
    public static Diagnostic ToDiagnostic(RuleDiagnostic diagnostic, string path, SourceText text) =>
        Diagnostic.Create(DiagnosticDescriptors.ById(diagnostic.Id), ToLocation(path, text, diagnostic.Span), diagnostic.Message);
}
