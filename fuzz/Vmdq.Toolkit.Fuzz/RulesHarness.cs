using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;
using static Vmdq.Toolkit.Fuzz.InvariantViolationException;

namespace Vmdq.Toolkit.Fuzz;

/// <summary>
/// The rules harness: the input as a rules file (decoded as <see cref="RuntimeDispatcher.LoadFile"/> decodes one) through
/// the rules front end (<see cref="RulesCompiler.Compile"/>) and the runtime engine (<see cref="RuntimeDispatcher.Load"/>,
/// then <see cref="RuntimeDispatcher.Apply"/> of the same text as runtime rules). Bad text must end in diagnostics, never
/// an exception, and a loaded dispatcher must classify consistently.
/// </summary>
public static class RulesHarness
{
    /// <summary>The file name the text is checked under (the dispatcher name derives from it).</summary>
    public const string FileName = "fuzz.vmdq";

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Runs one input. Invariants:
    /// <list type="bullet">
    /// <item>neither entry point throws;</item>
    /// <item>every diagnostic has a VMDQ ID, a message, and a span inside the text whose line and column are the span's start (lines end at LF, CR or CRLF);</item>
    /// <item><see cref="RuntimeDispatcher.Load"/> gives the front end's diagnostics and loads exactly when there is no error;</item>
    /// <item>a loaded dispatcher's verdicts on probe frames (built from the MAC addresses and numbers of the text) agree
    /// between its entry points and its rule scan, and name its pools, queues and rule lines;</item>
    /// <item>applying the text as runtime rules is accepted or refused with diagnostics, and bumps the version only when accepted.</item>
    /// </list>
    /// </summary>
    /// <param name="data">The rules file's bytes.</param>
    /// <exception cref="InvariantViolationException">An invariant broke.</exception>
    public static void Run(ReadOnlySpan<byte> data)
    {
        string text = s_utf8.GetString(data);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var compiled = RulesCompiler.Compile(FileName, text);
        CheckDiagnostics(text, compiled.Diagnostics, "RulesCompiler.Compile", located: true);

        var loaded = RuntimeDispatcher.Load(text, FileName);
        Check(loaded.Succeeded == !compiled.HasErrors,
            () => $"RuntimeDispatcher.Load {(loaded.Succeeded ? "loaded" : "refused")} rules the front end finds {(compiled.HasErrors ? "in error" : "free of errors")}.");
        Check(loaded.Diagnostics.SequenceEqual(compiled.Diagnostics),
            () => $"RuntimeDispatcher.Load reports [{string.Join("; ", loaded.Diagnostics)}], the front end [{string.Join("; ", compiled.Diagnostics)}].");
        if (loaded.Dispatcher is not { } d)
        {
            return;
        }

        var info = d.Info;
        Check(d.Version == 1 && info.PoolCount >= 1 && info.QueuesPerPool >= 1 && info.DefaultPool >= 0 && info.DefaultPool < info.PoolCount,
            () => $"A loaded dispatcher has version {d.Version}, {info.PoolCount} pools x {info.QueuesPerPool} queues, default pool {info.DefaultPool}.");
        foreach (var pool in info.Pools)
        {
            Check(pool.Index >= 0 && pool.Index < info.PoolCount && pool.FirstQueue >= 0 && pool.FirstQueue <= pool.LastQueue && pool.LastQueue < info.QueuesPerPool,
                () => $"Pool {pool.Name} is {pool.Index} queues {pool.FirstQueue}-{pool.LastQueue} of {info.PoolCount} x {info.QueuesPerPool}.");
        }

        var probes = Probes(text, d.VxlanPort);
        foreach (var frame in probes)
        {
            DispatcherChecks.CheckOne("rules", d, frame);
        }

        var change = d.Apply(text);
        CheckDiagnostics(text, change.Diagnostics, "RuntimeDispatcher.Apply", located: false);
        Check(change.Accepted ? d.Version == 2 && change.Version == 2 : d.Version == 1 && change.Version == 1 && change.Added.Count == 0,
            () => $"Apply {(change.Accepted ? "accepted" : "refused")} the change but the version is {d.Version} ({change.Version}), {change.Added.Count} rules added.");
        Check(change.Accepted || change.Diagnostics.Any(x => x.Severity == RuleSeverity.Error),
            () => $"Apply refused the change without an error: [{string.Join("; ", change.Diagnostics)}].");
        if (!change.Accepted)
        {
            return;
        }

        foreach (var frame in probes)
        {
            DispatcherChecks.CheckOne("rules+apply", d, frame);
        }

        if (change.Added.Count > 0)
        {
            var removed = d.Remove(change.Added.ToArray());
            Check(removed.Accepted && d.Version == 3 && d.RuntimeRules.Count == 0,
                () => $"Removing the {change.Added.Count} rules just added: {removed}; version {d.Version}, {d.RuntimeRules.Count} runtime rules left.");
        }
    }

    /// <summary>
    /// Every diagnostic: an ID VMDQ0000-VMDQ9999, a message, a span inside <paramref name="text"/>; when
    /// <paramref name="located"/>, its line and column are those of its start offset.
    /// </summary>
    private static void CheckDiagnostics(string text, IReadOnlyList<RuleDiagnostic> diagnostics, string source, bool located)
    {
        int[]? lineStarts = null;
        foreach (var d in diagnostics)
        {
            Check(d.Id.Length == 8 && d.Id.StartsWith("VMDQ", StringComparison.Ordinal) && d.Id.Skip(4).All(char.IsAsciiDigit),
                () => $"{source}: diagnostic ID '{d.Id}' ({d}).");
            Check(!string.IsNullOrWhiteSpace(d.Message), () => $"{source}: diagnostic {d.Id} has no message.");
            Check(d.Span.Line >= 1 && d.Span.Column >= 1 && d.Span.Length >= 0, () => $"{source}: diagnostic {d} has span {d.Span.Start}+{d.Span.Length} at ({d.Span.Line},{d.Span.Column}).");
            if (!located)
            {
                continue;
            }

            Check(d.Span.Start >= 0 && d.Span.End <= text.Length, () => $"{source}: diagnostic {d} spans {d.Span.Start}..{d.Span.End} of a {text.Length}-character text.");
            lineStarts ??= LineStarts(text);
            int line = UpperBound(lineStarts, d.Span.Start);
            int column = d.Span.Start - lineStarts[line - 1] + 1;
            Check(d.Span.Line == line && d.Span.Column == column,
                () => $"{source}: diagnostic {d} starts at offset {d.Span.Start}, which is ({line},{column}).");
        }
    }

    /// <summary>Offsets where lines start (lines end at LF, CR or CRLF, as the lexer reads them).</summary>
    private static int[] LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
            }

            if (text[i] is '\n' or '\r')
            {
                starts.Add(i + 1);
            }
        }

        return starts.ToArray();
    }

    /// <summary>The 1-based line holding <paramref name="offset"/>: how many line starts are at or before it.</summary>
    private static int UpperBound(int[] starts, int offset)
    {
        int lo = 0, hi = starts.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Max(lo, 1);
    }

    /// <summary>
    /// Frames that reach the tables of the text's rules: to the first few MAC literals, untagged, C-tagged, S+C-tagged and
    /// tunnelled (VXLAN and NVGRE with the first few numbers of the text as VLAN, VNI and VSID), plus broadcast, multicast,
    /// a runt and the empty frame.
    /// </summary>
    private static List<byte[]> Probes(string text, int vxlanPort)
    {
        var macs = new List<byte[]> { ProbeFrames.Unicast };
        var numbers = new List<int> { 0 };
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (macs.Count < 4 && TryMac(word, out var mac))
            {
                macs.Add(mac);
            }
            else if (numbers.Count < 4 && int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= 0xFFFFFF)
            {
                numbers.Add(n);
            }
        }

        var frames = new List<byte[]>
        {
            Array.Empty<byte>(),
            ProbeFrames.Broadcast,
            ProbeFrames.Ethernet(ProbeFrames.Broadcast, 0x0806),
            ProbeFrames.Ethernet(ProbeFrames.Multicast, 0x0800),
        };
        foreach (var mac in macs)
        {
            frames.Add(ProbeFrames.Ethernet(mac, 0x0800));
            foreach (int n in numbers)
            {
                frames.Add(ProbeFrames.Ethernet(mac, 0x0800, null, (0x8100, n)));
                frames.Add(ProbeFrames.Ethernet(mac, 0x0800, null, (0x88A8, 7), (0x8100, n)));
                frames.Add(ProbeFrames.Vxlan(ProbeFrames.Unicast, n, ProbeFrames.Inner(mac), vxlanPort));
                frames.Add(ProbeFrames.Nvgre(ProbeFrames.Unicast, n, ProbeFrames.Inner(mac, n)));
            }
        }

        return frames;
    }

    /// <summary>Reads aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff.</summary>
    private static bool TryMac(string word, out byte[] mac)
    {
        mac = new byte[6];
        if (word.Length != 17)
        {
            return false;
        }

        for (int i = 0; i < 6; i++)
        {
            if ((i < 5 && word[(i * 3) + 2] is not (':' or '-'))
                || !byte.TryParse(word.AsSpan(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mac[i]))
            {
                return false;
            }
        }

        return true;
    }
}
