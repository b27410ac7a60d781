using System;
using System.Linq;
using CsCheck;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// The parser never throws, whatever the text, and text that is not valid always gets an error
/// located on the line that broke it.
/// </summary>
public class ParserFuzzTests
{
    private const string Valid = """
        dispatcher Contoso.Fabric.TenantDispatcher
        nic pools 64 queues 4 ring 1024
        default-pool 0
        vxlan-port 4789
        profile x710
        tenant blue vlan 100-199 vni 5000-5999 vsid 70000-70999
        tenant red vlan 200-299 vni 6000-6999 vsid 80000-80999
        pool web 1 tenant blue
        pool storage 2 tenant blue priority 5 bandwidth 40%
        pool db 3 tenant red queues 2-3
        mac 00:1b:21:0a:0b:01 -> web
        mac 00:1b:21:0a:0b:02 vlan 150 -> storage
        vlan 250 -> db
        vxlan 5001 -> web
        vxlan 5001 inner 52:54:00:12:34:56 -> web:2
        nvgre 70001 -> storage
        nvgre 70001 inner 52:54:00:12:34:57 -> storage:1
        mac 00:1b:21:0a:0b:66 -> drop
        broadcast -> web, storage
        multicast -> web
        """;

    private static void AssertWellLocated(string text, RulesResult result)
    {
        // Line breaks as the lexer counts them: \r\n, \n or a lone \r.
        int lines = text.Replace("\r\n", "\n").Split('\n', '\r').Length;
        foreach (var d in result.Diagnostics)
        {
            Assert.InRange(d.Span.Start, 0, text.Length);
            Assert.InRange(d.Span.End, d.Span.Start, text.Length);
            Assert.InRange(d.Span.Line, 1, lines);
            Assert.True(d.Span.Column >= 1, d.ToString());
            Assert.False(string.IsNullOrWhiteSpace(d.Message));
        }
    }

    [Fact]
    public void TheBaseFileIsValid()
    {
        var result = RulesCompiler.Compile("t.vmdq", Valid);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity != RuleSeverity.Info);
        Assert.NotNull(result.Model);
    }

    [Fact]
    public void RandomTextNeverThrowsAndEveryDiagnosticIsLocated()
    {
        var alphabet = Gen.OneOf(Gen.Char["a-z0-9:>-# ,%\n\r\tx."], Gen.Char);
        Gen.OneOf(alphabet.Array[0, 300].Select(c => new string(c)), Gen.String).Sample(text =>
        {
            var result = RulesCompiler.Compile("fuzz.vmdq", text);
            AssertWellLocated(text, result);
            Assert.Equal(result.HasErrors, result.Model is null);
        }, iter: 3000);
    }

    [Fact]
    public void ReplacingAnyTokenWithGarbageGivesAnErrorOnThatLine()
    {
        var lines = Valid.Split('\n');
        Gen.Select(Gen.Int[0, lines.Length - 1], Gen.Int[0, 20], Gen.OneOf("%%%", "@", "0x", "--", "999999999999")).Sample((line, token, garbage) =>
        {
            var words = lines[line].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int index = token % words.Length;
            if (words[index] == garbage)
            {
                return;
            }

            words[index] = garbage;
            var mutated = lines.ToArray();
            mutated[line] = string.Join(' ', words);
            string text = string.Join('\n', mutated);
            var result = RulesCompiler.Compile("fuzz.vmdq", text);
            AssertWellLocated(text, result);
            Assert.True(
                result.Diagnostics.Any(d => d.Severity == RuleSeverity.Error && d.Span.Line == line + 1),
                $"No error on line {line + 1} '{mutated[line]}':\n{string.Join("\n", result.Diagnostics)}");
        }, iter: 2000);
    }

    [Fact]
    public void DeletingCharactersNeverThrows()
    {
        Gen.Select(Gen.Int[0, Valid.Length - 1], Gen.Int[1, 40]).Sample((start, count) =>
        {
            string text = Valid.Remove(start, Math.Min(count, Valid.Length - start));
            AssertWellLocated(text, RulesCompiler.Compile("fuzz.vmdq", text));
        }, iter: 2000);
    }
}
