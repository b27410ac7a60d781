using System;
using System.Linq;
using System.Text;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>Binary, NUL-laden or mis-encoded files get one VMDQ0019 at the first offending character, never a flood of echoes.</summary>
public class HostileFileTests
{
    private static RuleDiagnostic Only(string text)
    {
        var result = RulesCompiler.Compile("x.vmdq", text);
        Assert.Null(result.Model);
        return Assert.Single(result.Diagnostics);
    }

    [Theory]
    [InlineData("pool web 1\nvlan 7\0 -> web\n", 2, 7, 17, "a NUL (U+0000): this looks like a binary file")]
    [InlineData("\u0001\u0002\u0003", 1, 1, 0, "the control character U+0001")]
    [InlineData("pool web 1\r\nvlan 7 -> web\r\n# \u001b[31m\r\n", 3, 3, 29, "the control character U+001B")]
    [InlineData("pool web 1\n# caf\uFFFD\n", 2, 6, 16, "not valid UTF-8 (it decodes to U+FFFD, the replacement character)")]
    [InlineData("pool web 1\n# \u0085\n", 2, 3, 13, "the control character U+0085")]
    public void TheFirstOffendingCharacterIsReportedOnce(string text, int line, int column, int bytes, string what)
    {
        var d = Only(text);
        Assert.Equal(("VMDQ0019", RuleSeverity.Error, line, column, 1), (d.Id, d.Severity, d.Span.Line, d.Span.Column, d.Span.Length));
        Assert.Equal(
            $"This is not a UTF-8 text rules file: byte {bytes} (line {line}, column {column}) is {what}. Save the file as UTF-8 text, or keep it out of the rules files (VmdqRules items, *.vmdq).",
            d.Message);
    }

    [Fact]
    public void AnUnpairedSurrogateIsNotUtf8()
    {
        // Not an InlineData: attribute arguments cannot carry a lone surrogate.
        var d = Only("pool web 1\n# " + '\uD800' + "x\n");
        Assert.Equal((2, 3), (d.Span.Line, d.Span.Column));
        Assert.Contains("byte 13 (line 2, column 3) is an unpaired surrogate U+D800, which UTF-8 cannot encode.", d.Message);
    }

    [Fact]
    public void AHighSurrogateAtTheVeryEndIsUnpairedNotReadPast()
    {
        // The pair check looks one character ahead: at the last character there is none to read.
        var d = Only("pool web 1\n# " + '\uDBFF');
        Assert.Equal((2, 3), (d.Span.Line, d.Span.Column));
        Assert.Contains("byte 13 (line 2, column 3) is an unpaired surrogate U+DBFF, which UTF-8 cannot encode.", d.Message);
    }

    [Fact]
    public void TheByteOffsetCountsUtf8BytesNotCharacters()
    {
        // "é" and "😀" are 2 and 4 bytes (1 and 2 UTF-16 code units): the NUL is at byte 2 + 2 + 4 + 1 = 9.
        var d = Only("# é😀 \0");
        Assert.Equal(6, d.Span.Start);
        Assert.Contains("byte 9 (line 1, column 7)", d.Message);
    }

    [Theory]
    [InlineData("pool web 1\tpriority 3\fvlan\n")]
    [InlineData("pool web 1\nvlan 7 -> web   # naïve café 日本 😀\n")]
    [InlineData("\uFEFFpool web 1\nvlan 7 -> web\n")]
    public void TabsFormFeedsBomAndNonAsciiTextAreFine(string text) =>
        Assert.DoesNotContain(RulesCompiler.Compile("x.vmdq", text).Diagnostics, d => d.Id == "VMDQ0019");

    [Fact]
    public void ABinaryFileGetsOneShortError()
    {
        var bytes = new byte[64 * 1024];
        new Random(3).NextBytes(bytes);
        string text = new UTF8Encoding(false, false).GetString(bytes);
        var d = Only(text);
        Assert.Equal("VMDQ0019", d.Id);
        Assert.True(d.Message.Length < 300, d.Message);
    }

    [Fact]
    public void ALineOf100KilobytesGivesShortMessages()
    {
        string line = "vlan " + string.Concat(Enumerable.Repeat("1234567890", 10_000)) + " -> " + new string('w', 100_000);
        var result = RulesCompiler.Compile("x.vmdq", "pool web 1\nvlan 1 -> web\n" + line + "\n");
        Assert.Equal(new[] { "VMDQ0002", "VMDQ0003" }, result.Diagnostics.Select(d => d.Id));
        Assert.All(result.Diagnostics, d => Assert.True(d.Message.Length < 200, d.Message));
        Assert.StartsWith("VLAN ID 1234567890123456789012345678901234567890… is out of range", result.Diagnostics[0].Message);
    }
}
