using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Vmdq.Rules;
using Vmdq.Rules.Analysis;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Syntax;
using Vmdq.Toolkit.Engine;

namespace Vmdq.Toolkit;

/// <summary>
/// A dispatcher loaded from rules text at run time, with the surface of a generated one (<see cref="Classify(ReadOnlySpan{byte})"/>,
/// <see cref="ClassifyBatch(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, Span{Verdict})"/>, <see cref="Replicas"/>,
/// <see cref="Parse"/>, <see cref="Info"/>), the same checks (the rules front end the build uses) and the same kernels
/// (<see cref="Classification.DispatchKernel"/>, instantiated for the rule kinds present) on tables it builds itself.
/// Filter rules can be added and removed while other threads classify.
/// </summary>
/// <remarks>
/// <para>Pools, tenants and NIC geometry are fixed for the dispatcher's life; <see cref="Apply"/> takes filter
/// rules only (<c>mac</c>, <c>vlan</c>, <c>vxlan</c>, <c>nvgre</c>, <c>broadcast</c>, <c>multicast</c>).</para>
/// <para>Readers never block: every call reads the rule set in force once, so all the frames of one
/// <see cref="ClassifyBatch(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, Span{Verdict})"/> call are classified by one version.
/// A change is checked as the rules file with the change applied would be by the build, so a change with an
/// error is refused with the build's diagnostic and changes nothing. It costs what it changes, not a re-check of
/// the file: only the checks it can affect are re-run and the tables take its keys in place (docs/runtime-rules.md).</para>
/// </remarks>
public sealed class RuntimeDispatcher
{
    private static readonly string[] s_ruleKeywords = { "mac", "vlan", "vxlan", "nvgre", "broadcast", "multicast" };

    private readonly object _gate = new();
    private readonly string _path;
    private readonly string _fileText;
    private readonly int _fileLines;
    private readonly string[] _fileLineTexts;
    private readonly List<string> _runtimeLines = new();

    // The characters each runtime line takes in the dispatcher's document (a removed rule keeps its place as blanks, so
    // every rule keeps its offset), and the document's length: where the next runtime line starts.
    private readonly List<int> _runtimeLengths = new();
    private int _documentLength;

    // The checks as state, for changes that cost what they change (null: every change re-checks the whole document). Built at
    // the first change, from the loaded file's parse and check kept until then (_deferred), so a dispatcher whose rules never
    // change pays nothing for it at Load.
    private IncrementalRules? _incremental;
    private (RulesDocument Document, RulesResult Result)? _deferred;
    private readonly ConcurrentDictionary<int, int[]> _replicasByLine = new();
    private readonly Classification.RedirectionTables _redirection;
    private IReadOnlyList<RuleDiagnostic>? _diagnostics;
    private volatile RulesSnapshot _current;

    private RuntimeDispatcher(string path, string text, RulesResult result, RulesDocument document)
    {
        _path = path;
        // Lines are counted where the rules lexer counts them (LF, CR and CRLF each end one), so a verdict's line, a
        // runtime rule's line and RuleText agree with the diagnostics. A final LF ends the file's last line (after a
        // final CR it makes a CRLF, still one break), so runtime rules start on a line of their own.
        _fileText = text.Length == 0 || text[^1] == '\n' ? text : text + "\n";
        _fileLineTexts = Lexer.SplitLines(_fileText).ToArray();
        _fileLines = _fileLineTexts.Length - 1;
        _documentLength = _fileText.Length;
        _diagnostics = result.Diagnostics;
        _deferred = (document, result);
        _redirection = RulesSnapshot.RedirectionOf(result.Model!);
        _current = RulesSnapshot.Build(result.Model!, 1, _redirection);
        Remember(_current);
        var model = _current.Model;
        Info = new DispatcherInfo(
            "runtime:" + System.IO.Path.GetFileName(path), System.IO.Path.GetFileName(path),
            model.Geometry.Pools, model.Geometry.QueuesPerPool, model.Geometry.RingSize, model.DefaultPool, model.VxlanPort,
            model.Pools.Select(p => PoolInfoOf(p, model)).ToArray(),
            Classify, ClassifyBatch, Replicas, ClassifyBatchPadded)
        {
            Runtime = this,
            Switching = model.Switch == Vmdq.Rules.Model.SwitchKind.Vepa ? SwitchMode.Vepa : SwitchMode.Veb,
            Redirection = _redirection.Pools.Count > 0 ? _redirection : null,
            TrafficClasses = model.Classes.Select(c => new TrafficClassInfo(c.Name, c.TrafficClass, c.Strict, c.SharePercent, c.PriorityMask)).ToArray(),
        };
    }

    /// <summary>The <see cref="PoolInfo"/> of <paramref name="pool"/> under the rules of <paramref name="model"/>, as a generated dispatcher's <c>Info</c> carries it.</summary>
    internal static PoolInfo PoolInfoOf(Vmdq.Rules.Model.ResolvedPool pool, Vmdq.Rules.Model.RuleSet model)
    {
        var transmit = Vmdq.Rules.Model.PoolTransmit.Of(pool, model.Rules);
        var checks = (transmit.MacCheck ? AntiSpoofChecks.Mac : AntiSpoofChecks.None) | (transmit.VlanCheck ? AntiSpoofChecks.Vlan : AntiSpoofChecks.None);
        return new PoolInfo(
            pool.Name, pool.Index, pool.FirstQueue, pool.LastQueue, pool.Tenant, pool.Priority, pool.BandwidthPercent, pool.Rss,
            checks, transmit.Macs.Count > 0 ? transmit.Macs.AsArray() : null, transmit.Vlans.Count > 0 ? transmit.Vlans.AsArray() : null, transmit.VlanInsert, pool.RateBitsPerSecond);
    }

    /// <summary>The pools of the rules in force (their MACs and VLANs follow runtime rule changes), with the version they are of.</summary>
    internal (long Version, PoolInfo[] Pools) CurrentPools()
    {
        var current = _current;
        return (current.Version, current.Model.Pools.Select(p => PoolInfoOf(p, current.Model)).ToArray());
    }

    /// <summary>Checks <paramref name="text"/> as the build checks a rules file and, when it has no errors, loads it. Never throws on bad text.</summary>
    /// <param name="text">The rules.</param>
    /// <param name="path">The file name diagnostics and <see cref="Info"/> carry (and the default dispatcher name derives from).</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> or <paramref name="path"/> is null.</exception>
    public static RulesLoadResult Load(string text, string path = "rules.vmdq")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        var result = RulesCompiler.CompileDocument(path, text, out var document);
        return result.HasErrors || result.Model is null || document is null
            ? new RulesLoadResult(null, result.Diagnostics)
            : new RulesLoadResult(new RuntimeDispatcher(path, text, result, document), result.Diagnostics);
    }

    /// <summary>Reads a rules file (UTF-8) and <see cref="Load"/>s it. A file that is not UTF-8 text gets VMDQ0019, as in the build.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="IOException">The file cannot be read (not found, no access...).</exception>
    public static RulesLoadResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);

        // Decoded as the compiler hands additional files to the generator: invalid bytes become U+FFFD, which
        // the rules front end reports as VMDQ0019 with the offset.
        string text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetString(bytes);
        return Load(text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text, path);
    }

    /// <summary>Geometry, pools and entry points, for the NIC emulator (its delegates always use the rules in force).</summary>
    public DispatcherInfo Info { get; }

    /// <summary>The rule-set version in force: 1 as loaded, one more per accepted change.</summary>
    public long Version => _current.Version;

    /// <summary>Rules in force (file and runtime rules; duplicates count once).</summary>
    public int RuleCount => _current.RuleCount;

    /// <summary>Bytes of lookup-table data in force.</summary>
    public long TableBytes => _current.Tables.TableBytes;

    /// <summary>The kernel's tables of the rules in force now (benchmarks set their <see cref="Classification.ClassifierTables.PrefetchAhead"/>).</summary>
    internal Classification.ClassifierTables CurrentTables => _current.Tables;

    /// <summary>The switch's L2 forwarding data of the rules in force (<see cref="DispatcherInfo.L2Forwarding"/> reads it).</summary>
    public L2ForwardingTable L2Forwarding => _current.L2;

    /// <summary>The UDP destination port that carries VXLAN (<c>vxlan-port</c>).</summary>
    public int VxlanPort => _current.VxlanPort;

    /// <summary>The diagnostics of the rules in force (the file's warnings, and those of accepted changes).</summary>
    public IReadOnlyList<RuleDiagnostic> Diagnostics
    {
        get
        {
            if (Volatile.Read(ref _diagnostics) is { } diagnostics)
            {
                return diagnostics;
            }

            // After an incremental change the list is put together on first use.
            lock (_gate)
            {
                return _diagnostics ??= _incremental!.Diagnostics();
            }
        }
    }

    /// <summary>
    /// True to check every change as the full path does (the whole document re-checked, every table rebuilt): the reference the
    /// incremental path is tested against, and the before of the benchmarks.
    /// </summary>
    internal bool FullRecompile { get; set; }

    /// <summary>True when changes take the incremental path (the file's checks could be kept as state, and <see cref="FullRecompile"/> is off).</summary>
    internal bool Incremental
    {
        get
        {
            lock (_gate)
            {
                return IncrementalState() is not null && !FullRecompile;
            }
        }
    }

    /// <summary>
    /// The incremental state, built at the first change that asks (under <see cref="_gate"/>) from the loaded file's parse and
    /// check: with it, the current version (still the loaded file's) is built again with growable tables, so changes can update
    /// them in place. The same rules, so the same verdicts; readers of the first build keep it until they are done.
    /// </summary>
    private IncrementalRules? IncrementalState()
    {
        if (_deferred is { } deferred)
        {
            _deferred = null;
            _incremental = IncrementalRules.Create(deferred.Document, deferred.Result);
            if (_incremental is not null)
            {
                var current = _current;
                _current = RulesSnapshot.Build(deferred.Result.Model!, current.Version, _redirection, _incremental.Template);
            }
        }

        return _incremental;
    }

    /// <summary>The runtime rules in force, oldest first.</summary>
    public IReadOnlyList<RuleHandle> RuntimeRules
    {
        get
        {
            lock (_gate)
            {
                return _runtimeLines.Select((line, i) => (line, i)).Where(x => x.line.Length > 0).Select(x => new RuleHandle(_fileLines + 1 + x.i)).ToArray();
            }
        }
    }

    /// <summary>The text of the rule at <paramref name="line"/> (a file line or a runtime rule), or null when there is none.</summary>
    /// <param name="line">A line, e.g. a verdict's <see cref="Verdict.RuleLine"/>.</param>
    public string? RuleText(int line)
    {
        lock (_gate)
        {
            if (line > _fileLines)
            {
                int k = line - _fileLines - 1;
                return k < _runtimeLines.Count && _runtimeLines[k].Length > 0 ? _runtimeLines[k] : null;
            }

            return line >= 1 ? _fileLineTexts[line - 1] : null;
        }
    }

    /// <summary>Classifies one frame. Never throws; frames of any length (0 too) get a verdict.</summary>
    /// <param name="frame">An Ethernet frame from its first byte.</param>
    public Verdict Classify(ReadOnlySpan<byte> frame)
    {
        var s = _current;
        return s.Kernel.Classify(frame, s.Tables);
    }

    /// <summary>Classifies already-parsed fields (see <see cref="Parse"/>).</summary>
    /// <param name="fields">The frame's fields.</param>
    public Verdict Classify(in FrameFields fields)
    {
        var s = _current;
        return s.Kernel.Classify(in fields, s.Tables);
    }

    /// <summary>Classifies a batch of frames that lie in one buffer, all by one rule-set version.</summary>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="frames">Where each frame lies in <paramref name="buffer"/>.</param>
    /// <param name="verdicts">Receives one verdict per frame; at least as long as <paramref name="frames"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>, or a slice lies outside <paramref name="buffer"/>.</exception>
    public void ClassifyBatch(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts)
    {
        var s = _current;
        s.Kernel.ClassifyBatch(buffer, frames, verdicts, s.Tables);
    }

    /// <summary>
    /// Classifies a batch of frames that lie in one buffer with at least <see cref="FrameParser.PaddedFrameBytes"/> bytes of
    /// it from each frame's start (as in NIC receive buffers), all by one rule-set version: the verdicts of
    /// <see cref="ClassifyBatch(ReadOnlySpan{byte}, ReadOnlySpan{FrameSlice}, Span{Verdict})"/>, with no clamped loads.
    /// </summary>
    /// <param name="buffer">The bytes the frames lie in.</param>
    /// <param name="frames">Where each frame lies in <paramref name="buffer"/>.</param>
    /// <param name="verdicts">Receives one verdict per frame; at least as long as <paramref name="frames"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is too short, or a slice lies outside <paramref name="buffer"/> or lacks the padding.</exception>
    public void ClassifyBatchPadded(ReadOnlySpan<byte> buffer, ReadOnlySpan<FrameSlice> frames, Span<Verdict> verdicts)
    {
        var s = _current;
        s.Kernel.ClassifyBatchPadded(buffer, frames, verdicts, s.Tables);
    }

    /// <summary>Classifies a batch of frames, one array each (a null array is an empty frame), all by one rule-set version.</summary>
    /// <param name="frames">The frames.</param>
    /// <param name="verdicts">Receives one verdict per frame; at least as long as <paramref name="frames"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="frames"/>.</exception>
    public void ClassifyBatch(ReadOnlySpan<byte[]> frames, Span<Verdict> verdicts)
    {
        var s = _current;
        s.Kernel.ClassifyBatch(frames, verdicts, s.Tables);
    }

    /// <summary>
    /// Replaces the RSS redirection table of <paramref name="pool"/> (an <c>rss</c> pool) while other threads classify:
    /// calls that start after this returns use it, one in progress finishes with the table it started with.
    /// The table survives rule changes (pools are fixed for the dispatcher's life).
    /// </summary>
    /// <param name="pool">An <c>rss</c> pool's index.</param>
    /// <param name="queues"><see cref="Verdict.RetaSize"/> entries, each a queue of the pool's allowed range.</param>
    /// <exception cref="ArgumentException"><paramref name="pool"/> is not an <c>rss</c> pool, or <paramref name="queues"/> has another length or a queue outside the pool's.</exception>
    public void SetRedirectionTable(int pool, ReadOnlySpan<byte> queues) => _redirection.Set(pool, queues);

    /// <summary>A copy of the RSS redirection table of <paramref name="pool"/> (an <c>rss</c> pool): <see cref="Verdict.RetaSize"/> queues.</summary>
    /// <param name="pool">An <c>rss</c> pool's index.</param>
    /// <exception cref="ArgumentException"><paramref name="pool"/> is not an <c>rss</c> pool.</exception>
    public byte[] GetRedirectionTable(int pool) => _redirection.Get(pool);

    /// <summary>
    /// The pools a broadcast/multicast verdict replicates to, in the order its rule lists them; empty for other
    /// verdicts. Answers for the rule that decided the verdict, even when a later change replaced it.
    /// </summary>
    /// <param name="verdict">A verdict of this dispatcher.</param>
    public ReadOnlySpan<int> Replicas(Verdict verdict) =>
        verdict.Kind is RuleKind.Broadcast or RuleKind.Multicast && _replicasByLine.TryGetValue(verdict.RuleLine, out var pools)
            ? pools
            : default;

    /// <summary>
    /// Every rule in force whose match holds on <paramref name="fields"/>, each as the verdict it gives, in the
    /// spec's precedence order ("Which rule wins"): the first is the one that decides, so its verdict is
    /// <see cref="Classify(in FrameFields)"/>'s; the others are the rules it won over. Empty when no rule
    /// matches (the default pool decides). To explain a verdict: a scan of every rule, not for per-frame use.
    /// </summary>
    /// <param name="fields">The frame's fields (see <see cref="Parse"/>).</param>
    public IReadOnlyList<Verdict> MatchingRules(in FrameFields fields) => RuleMatcher.Matching(_current.Model, fields);

    /// <summary>Parses <paramref name="frame"/> as this dispatcher does (with its <see cref="VxlanPort"/>), to explain a verdict.</summary>
    /// <param name="frame">An Ethernet frame from its first byte; any length.</param>
    public FrameFields Parse(ReadOnlySpan<byte> frame) => FrameParser.Parse(frame, VxlanPort);

    /// <summary>
    /// Adds the filter rules of <paramref name="rules"/> (one per line, as in a rules file; comments and blank
    /// lines allowed), all or none: checked as the rules file with them appended would be by the build.
    /// </summary>
    /// <param name="rules">Filter rules, e.g. <c>mac 52:54:00:aa:bb:cc -&gt; web</c>.</param>
    /// <param name="options">Whether new warnings refuse the change.</param>
    /// <returns>Accepted with the new rules' handles and any new warnings, or refused with the diagnostics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> is null.</exception>
    public RuleChangeResult Apply(string rules, RuleChangeOptions? options = null) => Change(Array.Empty<RuleHandle>(), rules, options);

    /// <summary>Removes runtime rules, all or none.</summary>
    /// <param name="handles">Rules <see cref="Apply"/> added.</param>
    /// <returns>Accepted (with any new warnings, e.g. a pool no rule targets any more), or refused when a handle names no runtime rule in force.</returns>
    public RuleChangeResult Remove(params RuleHandle[] handles) => Change(handles, string.Empty, null);

    /// <summary>Removes runtime rules and adds others in one step, all or none (readers see the rules before or after, never between).</summary>
    /// <param name="remove">Rules <see cref="Apply"/> added.</param>
    /// <param name="add">Filter rules to add, one per line.</param>
    /// <param name="options">Whether new warnings refuse the change.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public RuleChangeResult Change(IEnumerable<RuleHandle> remove, string add, RuleChangeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(remove);
        ArgumentNullException.ThrowIfNull(add);
        lock (_gate)
        {
            var current = _current;
            var removed = new List<int>();
            var removedSet = new HashSet<int>();
            foreach (var handle in remove)
            {
                int k = handle.Line - _fileLines - 1;
                if (k < 0 || k >= _runtimeLines.Count || _runtimeLines[k].Length == 0 || !removedSet.Add(k))
                {
                    return Refused(current, new RuleDiagnostic(
                        RuleDescriptors.NotARuntimeRule.Id, RuleSeverity.Error,
                        $"There is no runtime rule at line {handle.Line} to remove: only rules Apply added (and not yet removed) can be removed.",
                        new SourceSpan(0, 0, Math.Max(handle.Line, 1), 1)));
                }

                removed.Add(k);
            }

            var problems = new List<RuleDiagnostic>();
            var added = new List<RuleHandle>();
            var newLines = new List<string>();
            var newRules = new List<(int Line, int Offset, string Text)>();
            int offset = _documentLength;

            // One document line per line of the change (LF, CR and CRLF end lines, as in a file); final line breaks end
            // the last line, they do not start others.
            var addLines = add.Length == 0 ? new List<string>() : Lexer.SplitLines(add.TrimEnd('\n', '\r'));
            foreach (string line in addLines)
            {
                int lineNumber = _fileLines + 1 + _runtimeLines.Count + newLines.Count;
                string code = line.Split('#')[0].Trim();
                if (code.Length > 0)
                {
                    string keyword = code.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0];
                    if (!s_ruleKeywords.Contains(keyword, StringComparer.Ordinal))
                    {
                        int column = line.IndexOf(keyword, StringComparison.Ordinal) + 1;
                        problems.Add(new RuleDiagnostic(
                            RuleDescriptors.NotAFilterRule.Id, RuleSeverity.Error,
                            $"'{keyword}' cannot change at run time: pools, tenants and the NIC are fixed for a dispatcher's life; only filter rules (mac, vlan, vxlan, nvgre, broadcast, multicast) can be added.",
                            new SourceSpan(0, keyword.Length, lineNumber, column)));
                    }

                    added.Add(new RuleHandle(lineNumber));
                    newRules.Add((lineNumber, offset, line));
                }

                // Blank and comment-only lines keep their place, so every rule keeps the line it was given.
                string kept = code.Length > 0 ? line : string.Empty;
                newLines.Add(kept);
                offset += kept.Length + 1;
            }

            if (problems.Count > 0)
            {
                return Refused(current, problems.ToArray());
            }

            var options2 = options ?? new RuleChangeOptions();
            // Text that is not text (VMDQ0019) is reported with its byte offset in the whole document: that refusal takes the full path.
            bool incremental = !FullRecompile && IncrementalState() is not null;
            current = _current;
            return incremental && !newRules.Any(r => TextCheck.FindHostile(r.Text) is not null)
                ? ChangeIncremental(current, removed, newLines, newRules, added, options2)
                : ChangeFull(current, removed, newLines, added, options2);
        }
    }

    /// <summary>A change checked by the incremental state: only the checks and tables it can affect are re-run.</summary>
    private RuleChangeResult ChangeIncremental(
        RulesSnapshot current, List<int> removed, List<string> newLines, List<(int Line, int Offset, string Text)> newRules,
        List<RuleHandle> added, RuleChangeOptions options)
    {
        var state = _incremental!;
        var pending = state.Change(_path, removed.Select(k => _fileLines + 1 + k).ToArray(), newRules);
        var fresh = pending.Fresh;
        if (pending.HasErrors || (options.WarningsAsErrors && fresh.Any(d => d.Severity == RuleSeverity.Warning)))
        {
            var diagnostics = fresh.Count > 0 ? fresh.ToArray() : pending.Errors().ToArray();
            pending.Rollback();
            return Refused(current, diagnostics);
        }

        var (left, entered) = pending.Commit();
        var next = RulesSnapshot.Next(current, left, entered, current.Version + 1, _redirection);
        foreach (var rule in entered)
        {
            if (rule.Kind is Vmdq.Rules.Model.MatchKind.Broadcast or Vmdq.Rules.Model.MatchKind.Multicast)
            {
                _replicasByLine.TryAdd(rule.Line, rule.Replicas.ToArray());
            }
        }

        Commit(removed, newLines);
        Volatile.Write(ref _diagnostics, null);
        _current = next;
        return new RuleChangeResult(true, fresh.ToArray(), added, next.Version);
    }

    /// <summary>A change checked as the rules file with it applied: the whole document re-checked, every table rebuilt (the reference path).</summary>
    private RuleChangeResult ChangeFull(RulesSnapshot current, List<int> removed, List<string> newLines, List<RuleHandle> added, RuleChangeOptions options)
    {
        var document = new StringBuilder(_documentLength + newLines.Sum(l => l.Length + 1) + 1).Append(_fileText);
        var removedSet = new HashSet<int>(removed);
        for (int k = 0; k < _runtimeLines.Count; k++)
        {
            // A removed rule's line stays, blank, as long as it was: the lines and offsets after it do not move.
            document.Append(removedSet.Contains(k) || _runtimeLines[k].Length == 0 ? new string(' ', _runtimeLengths[k]) : _runtimeLines[k]);
            document.Append('\n');
        }

        foreach (string line in newLines)
        {
            document.Append(line).Append('\n');
        }

        if (_runtimeLines.Count + newLines.Count == 0)
        {
            document.Append('\n');
        }

        var result = RulesCompiler.Compile(_path, document.ToString());
        var before = new HashSet<RuleDiagnostic>(Diagnostics);
        var fresh = result.Diagnostics.Where(d => !before.Contains(d)).ToArray();
        bool refuse = result.HasErrors || result.Model is null
            || (options.WarningsAsErrors && fresh.Any(d => d.Severity == RuleSeverity.Warning));
        if (refuse)
        {
            return Refused(current, fresh.Length > 0 ? fresh : result.Diagnostics.Where(d => d.Severity == RuleSeverity.Error).ToArray());
        }

        // From now on every change takes this path (the incremental state no longer follows the rules).
        _incremental = null;
        _deferred = null;
        var next = RulesSnapshot.Build(result.Model!, current.Version + 1, _redirection);
        Remember(next);
        Commit(removed, newLines);
        Volatile.Write(ref _diagnostics, result.Diagnostics);
        _current = next;
        return new RuleChangeResult(true, fresh, added, next.Version);
    }

    /// <summary>Records an accepted change's lines: removed rules become blank (keeping their length in the document), new lines follow.</summary>
    private void Commit(List<int> removed, List<string> newLines)
    {
        foreach (int k in removed)
        {
            _runtimeLines[k] = string.Empty;
        }

        foreach (string line in newLines)
        {
            _runtimeLines.Add(line);
            _runtimeLengths.Add(line.Length);
            _documentLength += line.Length + 1;
        }
    }

    private static RuleChangeResult Refused(RulesSnapshot current, params RuleDiagnostic[] diagnostics) =>
        new(false, diagnostics, Array.Empty<RuleHandle>(), current.Version);

    private void Remember(RulesSnapshot snapshot)
    {
        foreach (var pair in snapshot.GroupReplicas())
        {
            _replicasByLine.TryAdd(pair.Key, pair.Value);
        }
    }
}
