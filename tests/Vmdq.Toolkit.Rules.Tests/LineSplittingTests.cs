using Vmdq.Rules;
using Vmdq.Rules.Syntax;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// <see cref="Lexer.SplitLines"/>: element n - 1 is line n as diagnostics, verdicts and runtime rules count lines (LF, CR and
/// CRLF each end one). The runtime engine and <c>vmdq export</c> use it to find a rule's text by its line; a mutation run found it
/// exercised only by those projects' tests.
/// </summary>
public class LineSplittingTests
{
    [Theory]
    [InlineData("", new[] { "" })]
    [InlineData("a", new[] { "a" })]
    [InlineData("a\n", new[] { "a", "" })]
    [InlineData("a\nb\r\nc\rd", new[] { "a", "b", "c", "d" })]
    [InlineData("\r\n\r\n", new[] { "", "", "" })]
    [InlineData("\n\r", new[] { "", "", "" })]
    [InlineData("a\r\r\nb", new[] { "a", "", "b" })]
    [InlineData("mac 00:1b:21:0a:0b:01 -> web # c\r\n", new[] { "mac 00:1b:21:0a:0b:01 -> web # c", "" })]
    public void Each_break_ends_one_line_and_a_CRLF_is_one_break(string text, string[] lines) =>
        Assert.Equal(lines, Lexer.SplitLines(text));

    [Fact]
    public void The_lines_agree_with_the_lines_diagnostics_give()
    {
        // Line 3 in diagnostics is element 2, whatever breaks came before it.
        const string text = "pool web 1\r\n\rmac 00:1b:21:0a:0b:01 -> wbe\n";
        var result = RulesCompiler.Compile("rules.vmdq", text);
        var undefined = Assert.Single(result.Diagnostics, d => d.Id == "VMDQ0003");
        Assert.Equal(3, undefined.Span.Line);
        Assert.StartsWith("mac 00:1b:21:0a:0b:01", Lexer.SplitLines(text)[undefined.Span.Line - 1], System.StringComparison.Ordinal);
    }
}
