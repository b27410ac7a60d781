using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Analysis;

/// <summary>
/// The checks of a loaded rules file kept as state, so that filter rules can be added and removed at a cost that
/// follows the change, not the file: each rule line keeps its parse, its resolution and its own diagnostics; rules
/// are indexed by match (for duplicates, conflicts, redundancy and overrides, and for the witness frames of their
/// messages), and the per-pool counts the pool checks need are kept up to date. A change re-runs only the checks it
/// can affect: the changed lines' own checks, the checks of the matches they share or refine, and the per-pool
/// checks (O(pools)). The diagnostics are those <see cref="RulesCompiler.Compile"/> gives for the whole text with
/// the change applied: the same messages, spans and order (Rules.Tests and Runtime.Tests compare the two).
/// </summary>
/// <remarks>
/// Built only from a file with no errors (a loaded dispatcher's), and only when its own diagnostics of the file's
/// rules agree with the full check's (<see cref="Create"/> returns null otherwise, and callers use the full path).
/// With a <c>profile</c>, the capacity check (VMDQ0008 on the first rule over a limit) rescans the rules in force:
/// O(rules), about a millisecond per 10K rules.
/// </remarks>
internal sealed class IncrementalRules
{
    /// <summary>Locally administered unicast MACs (02:00:00:00:00:01 up) are the free addresses a witness uses (as <see cref="Counterexample"/>).</summary>
    private const ulong FreeUnicastBase = 0x0200_0000_0000UL;

    /// <summary>IPv4 multicast MACs (01:00:5e:00:00:01 up) are the free group addresses a <c>multicast</c> witness uses.</summary>
    private const ulong FreeMulticastBase = 0x0100_5E00_0000UL;

    private static readonly DiagnosticOrder s_order = new();

    private readonly RulesDocument _doc;
    private readonly NicGeometry _geometry;
    private readonly int _defaultPool;
    private readonly int _vxlanPort;
    private readonly Dictionary<string, TenantDecl> _tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PoolDecl> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PoolDecl> _poolsByIndex = new();
    private readonly List<PoolDecl> _poolsByLine;
    private readonly List<TenantDecl> _tenantsByLine;
    private readonly CapacityProfile? _profile;

    private readonly Dictionary<int, RuleLine> _lines = new();
    private readonly SortedDictionary<int, RuleLine> _linesInOrder = new();
    private readonly Dictionary<MatchKey, List<RuleLine>> _docByKey = new();
    private readonly Dictionary<MatchKey, List<RuleLine>> _resolvedByKey = new();
    private readonly Dictionary<ulong, HashSet<MatchKey>> _macVlanByMac = new();
    private readonly Dictionary<uint, HashSet<MatchKey>> _macVlanByVlan = new();
    private readonly Dictionary<uint, HashSet<MatchKey>> _vxlanInnerByVni = new();
    private readonly Dictionary<uint, HashSet<MatchKey>> _nvgreInnerByVsid = new();
    private readonly Dictionary<ulong, int> _usedMacs = new();
    private readonly Dictionary<string, int> _named = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _targeted = new();
    private readonly Dictionary<string, int> _stations = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _poolMacRules = new();
    private readonly Dictionary<int, int> _poolVlanRules = new();
    private int _runtimeRuleLines;

    // Diagnostics, by what they depend on: a line's own, a match's (duplicates, conflicts, specificity), the pools'.
    private readonly List<RuleDiagnostic> _fixed = new();
    private readonly Dictionary<MatchKey, Source> _keyDiagnostics = new();
    private Source _global = Source.Empty;
    private Source _noRules = Source.Empty;
    private readonly Dictionary<RuleDiagnostic, int> _all = new();
    private int _errors;
    private (ulong Outer, ulong Inner, ulong Multicast) _free;

    // The change under way.
    private readonly HashSet<MatchKey> _dirty = new();
    private readonly Dictionary<MatchKey, RuleLine?> _firstBefore = new();
    private Dictionary<RuleDiagnostic, int>? _delta;

    private IncrementalRules(RulesDocument doc, RuleSet model)
    {
        _doc = doc;
        _geometry = model.Geometry;
        _defaultPool = model.DefaultPool;
        _vxlanPort = model.VxlanPort;
        Template = new RuleSetTemplate(model, doc.Tenants.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Vlan, StringComparer.Ordinal));
        foreach (var tenant in doc.Tenants)
        {
            if (!_tenants.ContainsKey(tenant.Name))
            {
                _tenants.Add(tenant.Name, tenant);
            }
        }

        foreach (var pool in doc.Pools)
        {
            if (_pools.ContainsKey(pool.Name))
            {
                continue;
            }

            _pools.Add(pool.Name, pool);
            if (pool.Index >= 0 && pool.Index < _geometry.Pools && !_poolsByIndex.ContainsKey(pool.Index))
            {
                _poolsByIndex.Add(pool.Index, pool);
            }
        }

        _poolsByLine = _pools.Values.OrderBy(p => p.Line).ToList();
        _tenantsByLine = _tenants.Values.OrderBy(t => t.Line).ToList();
        _profile = doc.Profile is { } named ? CapacityProfile.Find(named.Name) : null;
    }

    /// <summary>The resolved model's fixed parts, to build the model of any version of the rules.</summary>
    public RuleSetTemplate Template { get; }

    /// <summary>Rules in force (first rule of each match), as <see cref="RuleSet.Rules"/> counts them.</summary>
    public int UniqueCount { get; private set; }

    /// <summary>
    /// The incremental state of a file that checked with no errors (<paramref name="doc"/>, <paramref name="result"/>), or
    /// null when this class's own checks of its rules do not reproduce the full check's (then every change takes the full path).
    /// </summary>
    public static IncrementalRules? Create(RulesDocument doc, RulesResult result)
    {
        if (result.HasErrors || result.Model is not { } model)
        {
            return null;
        }

        // S-channels make conflicts, duplicates and table keys per channel and add checks across sections, which this state
        // does not keep: a file with channels takes the full path for every change.
        if (model.HasChannels)
        {
            return null;
        }

        var state = new IncrementalRules(doc, model);
        foreach (var poolRef in doc.BrokenRuleTargets.Concat(doc.RecoveredTargets))
        {
            Count(state._named, state.NamedAs(poolRef.Name), 1);
        }

        if (doc.DefaultPool?.Name is { } defaultName)
        {
            Count(state._named, state.NamedAs(defaultName), 1);
        }

        var computed = new List<RuleDiagnostic>();
        foreach (var rule in doc.Rules)
        {
            var line = state.Resolve(new RuleLine(rule.Line, doc.Text, 0, rule, null, Array.Empty<PoolRef>(), Array.Empty<PoolRef>(), runtime: false));
            state.Attach(line);
            computed.AddRange(line.Local.Items);
        }

        state._free = state.FreeAddresses();
        foreach (var key in state._dirty)
        {
            var source = state.KeySource(key);
            state._keyDiagnostics[key] = source;
            computed.AddRange(source.Items);
        }

        state._global = state.GlobalSource();
        computed.AddRange(state._global.Items);
        state._noRules = state.NoRulesSource(errors: 0);
        computed.AddRange(state._noRules.Items);
        state._dirty.Clear();
        state._firstBefore.Clear();

        // The fixed diagnostics are the file's others; every computed one must be among the file's, and the rules in force
        // must be the model's.
        var remaining = new Dictionary<RuleDiagnostic, int>();
        foreach (var d in result.Diagnostics)
        {
            Count(remaining, d, 1);
        }

        foreach (var d in computed)
        {
            if (!remaining.TryGetValue(d, out int n) || n == 0)
            {
                return null;
            }

            remaining[d] = n - 1;
        }

        foreach (var d in result.Diagnostics)
        {
            if (remaining.TryGetValue(d, out int n) && n > 0)
            {
                state._fixed.Add(d);
                remaining[d] = n - 1;
            }
        }

        if (model.Rules.Count != state.UniqueCount
            || model.Rules.Any(r => !state._resolvedByKey.TryGetValue(r.Key, out var list) || list.Count == 0 || !Equals(list[0].Resolved, r)))
        {
            return null;
        }

        state._all.Clear();
        state._errors = 0;
        foreach (var d in result.Diagnostics)
        {
            state.AddToAll(d);
        }

        return state;
    }

    /// <summary>The rules in force, by line (each the first rule of its match).</summary>
    public IEnumerable<ResolvedRule> UniqueRules() =>
        _linesInOrder.Values.Where(IsUnique).Select(l => l.Resolved!);

    /// <summary>Every diagnostic of the rules in force, ordered as <see cref="RulesCompiler.Compile"/> orders them.</summary>
    public RuleDiagnostic[] Diagnostics()
    {
        var all = new List<(RuleDiagnostic D, int Source, int Index)>();
        void Add(IReadOnlyList<RuleDiagnostic> items, int source)
        {
            for (int i = 0; i < items.Count; i++)
            {
                all.Add((items[i], source, i));
            }
        }

        Add(_fixed, 0);
        foreach (var line in _linesInOrder.Values)
        {
            Add(line.Local.Items, 1);
        }

        foreach (var pair in _keyDiagnostics)
        {
            Add(pair.Value.Items, 2);
        }

        Add(_global.Items, 3);
        Add(_noRules.Items, 4);
        all.Sort((a, b) =>
        {
            int c = s_order.Compare(a.D, b.D);
            return c != 0 ? c : a.Source != b.Source ? a.Source.CompareTo(b.Source) : a.Index.CompareTo(b.Index);
        });
        return all.Select(x => x.D).ToArray();
    }

    /// <summary>
    /// Applies a change: removes the runtime rules at <paramref name="remove"/>, adds <paramref name="add"/> (each line's number, its
    /// offset in the whole text and its text: filter rules only, as the runtime's pre-check ensures), and reports what the full check
    /// of the whole text would: whether it has errors, and the diagnostics that are new. Call <see cref="PendingChange.Commit"/> or
    /// <see cref="PendingChange.Rollback"/> next.
    /// </summary>
    public PendingChange Change(string path, IReadOnlyList<int> remove, IReadOnlyList<(int Line, int Offset, string Text)> add)
    {
        _delta = new Dictionary<RuleDiagnostic, int>();
        var removed = new List<RuleLine>();
        foreach (int number in remove)
        {
            var line = _lines[number];
            Detach(line);
            removed.Add(line);
        }

        var added = new List<RuleLine>();
        foreach (var (number, offset, text) in add)
        {
            var line = ParseLine(path, number, offset, text);
            Attach(line);
            added.Add(line);
        }

        Settle();

        // New: in the rules with the change, and not before it (as the full path compares the two sets).
        var fresh = _delta.Where(p => p.Value > 0 && _all.TryGetValue(p.Key, out int now) && now - p.Value == 0)
            .Select(p => p.Key).OrderBy(d => d, s_order).ToList();
        _delta = null;
        return new PendingChange(this, removed, added, fresh, _errors > 0);
    }

    /// <summary>A change <see cref="Change"/> applied: its diagnostics, and what it did to the rules in force.</summary>
    internal sealed class PendingChange
    {
        private readonly IncrementalRules _owner;

        internal PendingChange(IncrementalRules owner, List<RuleLine> removed, List<RuleLine> added, List<RuleDiagnostic> fresh, bool hasErrors)
        {
            _owner = owner;
            Removed = removed;
            Added = added;
            Fresh = fresh;
            HasErrors = hasErrors;
        }

        internal List<RuleLine> Removed { get; }

        internal List<RuleLine> Added { get; }

        /// <summary>The diagnostics of the whole text with the change that were not there before, in the full check's order.</summary>
        public IReadOnlyList<RuleDiagnostic> Fresh { get; }

        /// <summary>True when the whole text with the change has an error.</summary>
        public bool HasErrors { get; }

        /// <summary>The errors of the whole text with the change, in order.</summary>
        public IReadOnlyList<RuleDiagnostic> Errors() => _owner._all.Keys.Where(d => d.Severity == RuleSeverity.Error).OrderBy(d => d, s_order).ToArray();

        /// <summary>Keeps the change; returns the rules that left the rules in force and those that entered it.</summary>
        public (List<ResolvedRule> Left, List<ResolvedRule> Entered) Commit() => _owner.CommitChange();

        /// <summary>Undoes the change: the state is as before <see cref="Change"/>.</summary>
        public void Rollback() => _owner.RollbackChange(this);
    }

    private (List<ResolvedRule> Left, List<ResolvedRule> Entered) CommitChange()
    {
        var left = new List<ResolvedRule>();
        var entered = new List<ResolvedRule>();
        foreach (var pair in _firstBefore)
        {
            var now = First(_resolvedByKey, pair.Key);
            if (!ReferenceEquals(now, pair.Value))
            {
                if (pair.Value is not null)
                {
                    left.Add(pair.Value.Resolved!);
                }

                if (now is not null)
                {
                    entered.Add(now.Resolved!);
                }
            }
        }

        _firstBefore.Clear();
        return (left, entered);
    }

    private void RollbackChange(PendingChange change)
    {
        for (int i = change.Added.Count - 1; i >= 0; i--)
        {
            Detach(change.Added[i]);
        }

        foreach (var line in change.Removed)
        {
            Attach(line);
        }

        Settle();
        _firstBefore.Clear();
    }

    /// <summary>Re-runs the checks the attached and detached lines can affect.</summary>
    private void Settle()
    {
        var free = FreeAddresses();
        if (free != _free)
        {
            // Every witness frame changes: re-render every match's diagnostics.
            _free = free;
            foreach (var key in _keyDiagnostics.Keys.ToList())
            {
                _dirty.Add(key);
            }
        }

        foreach (var key in _dirty)
        {
            var before = _keyDiagnostics.TryGetValue(key, out var old) ? old : Source.Empty;
            var after = KeySource(key);
            Replace(before, after);
            if (after.Items.Count == 0)
            {
                _keyDiagnostics.Remove(key);
            }
            else
            {
                _keyDiagnostics[key] = after;
            }
        }

        _dirty.Clear();
        var global = GlobalSource();
        Replace(_global, global);
        _global = global;
        var noRules = NoRulesSource(_errors);
        Replace(_noRules, noRules);
        _noRules = noRules;
    }

    private void Replace(Source before, Source after)
    {
        if (before.Items.Count == 0 && after.Items.Count == 0)
        {
            return;
        }

        foreach (var d in before.Items)
        {
            RemoveFromAll(d);
        }

        foreach (var d in after.Items)
        {
            AddToAll(d);
        }
    }

    private void AddToAll(RuleDiagnostic d)
    {
        Count(_all, d, 1);
        if (_delta is not null)
        {
            _delta.TryGetValue(d, out int n);
            _delta[d] = n + 1;
        }

        if (d.Severity == RuleSeverity.Error)
        {
            _errors++;
        }
    }

    private void RemoveFromAll(RuleDiagnostic d)
    {
        Count(_all, d, -1);
        if (_delta is not null)
        {
            _delta.TryGetValue(d, out int n);
            _delta[d] = n - 1;
        }

        if (d.Severity == RuleSeverity.Error)
        {
            _errors--;
        }
    }

    private static void Count<T>(Dictionary<T, int> counts, T key, int delta)
        where T : notnull
    {
        counts.TryGetValue(key, out int n);
        n += delta;
        if (n == 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = n;
        }
    }

    // ---- lines ----

    /// <summary>Parses one runtime line alone and moves its spans to where the line lies in the whole text.</summary>
    private RuleLine ParseLine(string path, int number, int offset, string text)
    {
        var diagnostics = new List<RuleDiagnostic>();
        var doc = Parser.Parse(path, text, diagnostics);
        SourceSpan S(SourceSpan s) => new(s.Start + offset, s.Length, number, s.Column);
        SourceSpan? N(SourceSpan? s) => s is { } v ? S(v) : null;
        PoolRef P(PoolRef p) => new(p.Name, S(p.Span));
        FilterRule? rule = null;
        if (doc.Rules.Count > 0)
        {
            var r = doc.Rules[0];
            var target = new RuleTarget(r.Target.IsDrop, r.Target.Pools.Select(P).ToEquatableArray(), r.Target.Queue, N(r.Target.QueueSpan), S(r.Target.Span));
            rule = new FilterRule(r.Match, target, number, S(r.KindSpan), N(r.MacSpan), N(r.IdSpan));
        }

        var local = diagnostics.Count == 0 ? null : diagnostics.Select(d => d with { Span = S(d.Span) }).ToList();
        var line = new RuleLine(number, text, offset, rule, local, doc.BrokenRuleTargets.Select(P).ToArray(), doc.RecoveredTargets.Select(P).ToArray(), runtime: doc.HasRuleLines);
        foreach (var broken in line.Broken)
        {
            ReportUndefinedPool(line, broken);
        }

        return rule is null ? line.Seal() : Resolve(line);
    }

    /// <summary>The rule's own checks, as <c>RulesChecker</c> runs them on each rule: resolution, then the match, tenant and replication checks.</summary>
    private RuleLine Resolve(RuleLine line)
    {
        var rule = line.Rule!;
        line.Resolved = ResolveTarget(line, rule);
        CheckMatch(line, rule);
        if (line.Resolved is { } resolved)
        {
            CheckTenantLeak(line, rule, resolved);
            CheckUnowned(line, rule, resolved);
            CheckSharedReplication(line, rule, resolved);
        }

        return line.Seal();
    }

    private void Attach(RuleLine line)
    {
        _lines.Add(line.Number, line);
        _linesInOrder.Add(line.Number, line);
        foreach (var d in line.Local.Items)
        {
            AddToAll(d);
        }

        if (line.RuntimeRuleLine)
        {
            _runtimeRuleLines++;
        }

        foreach (string name in NamesOf(line))
        {
            Count(_named, name, 1);
        }

        if (line.Rule is { } rule)
        {
            Touch(rule.Match);
            Insert(_docByKey, rule.Match, line);
            Count(_usedMacs, rule.Match.Mac, 1);

            if (StationOf(rule) is { } station)
            {
                Count(_stations, station, 1);
            }

            if (rule.Match.Kind == MatchKind.Mac && rule.Match.Mac == Mac.Broadcast)
            {
                Touch(new MatchKey(MatchKind.Broadcast, 0, 0));
            }
        }

        if (line.Resolved is { } resolved)
        {
            var key = resolved.Key;
            var first = First(_resolvedByKey, key);
            Insert(_resolvedByKey, key, line);
            IndexFamily(key);
            foreach (int pool in TargetsOf(resolved))
            {
                Count(_targeted, pool, 1);
            }

            if (!ReferenceEquals(first, First(_resolvedByKey, key)))
            {
                UniqueChanged(first, line);
            }
        }
    }

    private void Detach(RuleLine line)
    {
        _lines.Remove(line.Number);
        _linesInOrder.Remove(line.Number);
        foreach (var d in line.Local.Items)
        {
            RemoveFromAll(d);
        }

        if (line.RuntimeRuleLine)
        {
            _runtimeRuleLines--;
        }

        foreach (string name in NamesOf(line))
        {
            Count(_named, name, -1);
        }

        if (line.Rule is { } rule)
        {
            Touch(rule.Match);
            RemoveFrom(_docByKey, rule.Match, line);
            Count(_usedMacs, rule.Match.Mac, -1);
            if (StationOf(rule) is { } station)
            {
                Count(_stations, station, -1);
            }

            if (rule.Match.Kind == MatchKind.Mac && rule.Match.Mac == Mac.Broadcast)
            {
                Touch(new MatchKey(MatchKind.Broadcast, 0, 0));
            }
        }

        if (line.Resolved is { } resolved)
        {
            var key = resolved.Key;
            var first = First(_resolvedByKey, key);
            RemoveFrom(_resolvedByKey, key, line);
            IndexFamily(key);
            foreach (int pool in TargetsOf(resolved))
            {
                Count(_targeted, pool, -1);
            }

            var now = First(_resolvedByKey, key);
            if (!ReferenceEquals(first, now))
            {
                UniqueChanged(first, now);
            }
        }
    }

    /// <summary>The first rule of a match changed: the rules it is broader than are re-checked, and the per-pool counts follow.</summary>
    private void UniqueChanged(RuleLine? before, RuleLine? after)
    {
        foreach (var (line, delta) in new[] { (before, -1), (after, 1) })
        {
            if (line?.Resolved is not { } r)
            {
                continue;
            }

            UniqueCount += delta;
            if (!r.IsDrop && r.Kind is MatchKind.Mac or MatchKind.MacVlan)
            {
                Count(_poolMacRules, r.Pool, delta);
            }

            if (!r.IsDrop && r.Kind is MatchKind.MacVlan or MatchKind.Vlan)
            {
                Count(_poolVlanRules, r.Pool, delta);
            }
        }

        var key = (before ?? after)!.Resolved!.Key;
        var narrower = key.Kind switch
        {
            MatchKind.Mac => _macVlanByMac.TryGetValue(key.Mac, out var set) ? set : null,
            MatchKind.Vlan => _macVlanByVlan.TryGetValue(key.Id, out var set) ? set : null,
            MatchKind.Vxlan => _vxlanInnerByVni.TryGetValue(key.Id, out var set) ? set : null,
            MatchKind.Nvgre => _nvgreInnerByVsid.TryGetValue(key.Id, out var set) ? set : null,
            _ => null,
        };
        if (narrower is not null)
        {
            foreach (var k in narrower)
            {
                _dirty.Add(k);
            }
        }
    }

    private void Touch(MatchKey key)
    {
        _dirty.Add(key);
        if (!_firstBefore.ContainsKey(key))
        {
            _firstBefore[key] = First(_resolvedByKey, key);
        }
    }

    private void IndexFamily(MatchKey key)
    {
        (Dictionary<ulong, HashSet<MatchKey>>? byMac, ulong mac) = key.Kind == MatchKind.MacVlan ? (_macVlanByMac, key.Mac) : (null, 0UL);
        Dictionary<uint, HashSet<MatchKey>>? byId = key.Kind switch
        {
            MatchKind.MacVlan => _macVlanByVlan,
            MatchKind.VxlanInner => _vxlanInnerByVni,
            MatchKind.NvgreInner => _nvgreInnerByVsid,
            _ => null,
        };
        bool present = _resolvedByKey.TryGetValue(key, out var list) && list.Count > 0;
        if (byMac is not null)
        {
            Family(byMac, mac, key, present);
        }

        if (byId is not null)
        {
            Family(byId, key.Id, key, present);
        }
    }

    private static void Family<T>(Dictionary<T, HashSet<MatchKey>> index, T at, MatchKey key, bool present)
        where T : notnull
    {
        if (present)
        {
            if (!index.TryGetValue(at, out var set))
            {
                index[at] = set = new HashSet<MatchKey>();
            }

            set.Add(key);
        }
        else if (index.TryGetValue(at, out var set))
        {
            set.Remove(key);
            if (set.Count == 0)
            {
                index.Remove(at);
            }
        }
    }

    private static RuleLine? First(Dictionary<MatchKey, List<RuleLine>> index, MatchKey key) =>
        index.TryGetValue(key, out var list) && list.Count > 0 ? list[0] : null;

    private bool IsUnique(RuleLine line) =>
        line.Resolved is { } r && ReferenceEquals(First(_resolvedByKey, r.Key), line);

    private static void Insert(Dictionary<MatchKey, List<RuleLine>> index, MatchKey key, RuleLine line)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = new List<RuleLine>(1);
        }

        int at = list.Count;
        while (at > 0 && list[at - 1].Number > line.Number)
        {
            at--;
        }

        list.Insert(at, line);
    }

    private static void RemoveFrom(Dictionary<MatchKey, List<RuleLine>> index, MatchKey key, RuleLine line)
    {
        var list = index[key];
        list.Remove(line);
        if (list.Count == 0)
        {
            index.Remove(key);
        }
    }

    private List<string> NamesOf(RuleLine line)
    {
        var names = new List<string>();
        if (line.Rule is { } rule)
        {
            foreach (var p in rule.Target.Pools)
            {
                names.Add(NamedAs(p.Name));
            }
        }

        foreach (var p in line.Broken)
        {
            names.Add(NamedAs(p.Name));
        }

        foreach (var p in line.Recovered)
        {
            names.Add(NamedAs(p.Name));
        }

        return names;
    }

    private string NamedAs(string name) => _pools.ContainsKey(name) ? name : Spelling.Nearest(name, _pools.Keys) ?? name;

    private static List<int> TargetsOf(ResolvedRule rule)
    {
        var pools = new List<int>();
        if (!rule.IsDrop)
        {
            pools.Add(rule.Pool);
            pools.AddRange(rule.Replicas.AsArray());
        }

        return pools;
    }

    private static string? StationOf(FilterRule r) =>
        r.Match.Kind is MatchKind.Mac or MatchKind.MacVlan && !r.Target.IsDrop && r.Target.Pools.Count == 1 ? r.Target.Pools[0].Name : null;

    // ---- a rule's own checks (RulesChecker.ResolveRules, CheckMatches, CheckTenantLeaks, CheckUnownedIdentifiers, CheckSharedReplication) ----

    private void Report(RuleLine line, RuleDescriptor descriptor, SourceSpan span, string message) =>
        (line.Pending ??= new List<RuleDiagnostic>()).Add(RuleDiagnostic.Create(descriptor, span, message));

    private void ReportUndefinedPool(RuleLine line, PoolRef poolRef)
    {
        if (!_pools.ContainsKey(poolRef.Name) && !_doc.PoisonedPools.Contains(poolRef.Name))
        {
            Report(line, RuleDescriptors.Undefined, poolRef.Span, RuleMessages.PoolNotDeclared(poolRef.Name, Spelling.DidYouMean(poolRef.Name, _pools.Keys)));
        }
    }

    private static string Spelled(RuleLine line, SourceSpan span)
    {
        int start = span.Start - line.TextBase;
        return Echo.Cut(start >= 0 && span.Length >= 0 && start + span.Length <= line.Text.Length ? line.Text.Substring(start, span.Length) : string.Empty);
    }

    /// <summary>A pool declaration's value as the file spells it.</summary>
    private string Spelled(SourceSpan span) => Echo.Cut(_doc.Spelling(span));

    private ResolvedRule? ResolveTarget(RuleLine line, FilterRule rule)
    {
        var target = rule.Target;
        if (target.IsDrop)
        {
            return new ResolvedRule(rule.Match.Kind, rule.Match.Mac, rule.Match.Id, true, 0, 0, rule.Line, EquatableArray<int>.Empty);
        }

        bool ok = true;
        var replicas = new List<int>();
        PoolDecl? firstPool = null;
        foreach (var poolRef in target.Pools)
        {
            if (!_pools.TryGetValue(poolRef.Name, out var pool))
            {
                ok = false;
                ReportUndefinedPool(line, poolRef);
                continue;
            }

            if (replicas.Contains((int)pool.Index))
            {
                Report(line, RuleDescriptors.DuplicateDeclaration, poolRef.Span, RuleMessages.PoolListedTwice(poolRef.Name));
                ok = false;
                continue;
            }

            firstPool ??= pool;
            replicas.Add((int)pool.Index);
        }

        if (!ok || firstPool is null || firstPool.Index < 0 || firstPool.Index >= _geometry.Pools)
        {
            return null;
        }

        int queue = firstPool.FirstQueue;
        if (target.Queue is { } explicitQueue && target.QueueSpan is { } queueSpan)
        {
            if (!_doc.GeometryInvalid && explicitQueue >= _geometry.QueuesPerPool)
            {
                Report(line, RuleDescriptors.ValueOutOfRange, queueSpan, RuleMessages.QueueOutOfRange(Spelled(line, queueSpan), _geometry.QueuesPerPool, _doc.NicLine));
                return null;
            }

            if (firstPool.Queues is { } allowed && !allowed.Contains(explicitQueue))
            {
                Report(line, RuleDescriptors.ValueOutOfRange, queueSpan, RuleMessages.QueueOutsidePool(Spelled(line, queueSpan), firstPool, Spelled(allowed.Span)));
                return null;
            }

            queue = (int)explicitQueue;
        }

        bool spread = firstPool.Rss && target.Queue is null;
        bool group = rule.Match.Kind is MatchKind.Broadcast or MatchKind.Multicast;
        return new ResolvedRule(rule.Match.Kind, rule.Match.Mac, rule.Match.Id, false, (int)firstPool.Index, queue, rule.Line,
            group ? replicas.ToEquatableArray() : EquatableArray<int>.Empty, spread);
    }

    private void CheckMatch(RuleLine line, FilterRule rule)
    {
        var key = rule.Match;
        if (key.Kind is MatchKind.Vlan or MatchKind.MacVlan && rule.IdSpan is { } vlanSpan && IsReservedId(key))
        {
            Report(line, RuleDescriptors.ReservedValue, vlanSpan, RuleMessages.ReservedVlan(key.Id));
        }

        if (key.Kind is MatchKind.Nvgre or MatchKind.NvgreInner && rule.IdSpan is { } vsidSpan && IsReservedId(key))
        {
            Report(line, RuleDescriptors.ReservedValue, vsidSpan, RuleMessages.ReservedVsid(key.Id, Spelled(line, vsidSpan)));
        }

        if (key.Kind is MatchKind.Mac or MatchKind.MacVlan && rule.MacSpan is { } macSpan && Mac.IsGroup(key.Mac))
        {
            Report(line, RuleDescriptors.GroupMac, macSpan, RuleMessages.GroupMac(key.Mac));
        }
    }

    private static bool IsReservedId(MatchKey key) => RulesChecker.IsReservedId(key);

    private TenantDecl? OwnerOf(MatchKey key) => RulesChecker.OwnerOf(_tenantsByLine, key);

    private string IdSpelling(RuleLine line, FilterRule syntax, ResolvedRule rule) =>
        syntax.IdSpan is { } span ? Spelled(line, span) : rule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void CheckTenantLeak(RuleLine line, FilterRule syntax, ResolvedRule rule)
    {
        if (rule.IsDrop || OwnerOf(rule.Key) is not { } owner)
        {
            return;
        }

        var pool = _poolsByIndex[rule.Pool];
        if (pool.Tenant is not null && pool.Tenant != owner.Name)
        {
            Report(line, RuleDescriptors.TenantLeak, syntax.Target.Pools[0].Span, RuleMessages.TenantLeak(rule.Kind, IdSpelling(line, syntax, rule), owner, pool));
        }
    }

    private void CheckUnowned(RuleLine line, FilterRule syntax, ResolvedRule rule)
    {
        (string What, Func<TenantDecl, ValueRange?> Range)? identifierOrNull = rule.Key.Kind switch
        {
            MatchKind.Vlan or MatchKind.MacVlan => ("VLAN", t => t.Vlan),
            MatchKind.Vxlan or MatchKind.VxlanInner => ("VNI", t => t.Vni),
            MatchKind.Nvgre or MatchKind.NvgreInner => ("VSID", t => t.Vsid),
            _ => null,
        };
        if (_doc.PoisonedTenants.Count > 0 || rule.IsDrop || syntax.IdSpan is not { } idSpan || identifierOrNull is not { } identifier || IsReservedId(rule.Key))
        {
            return;
        }

        if (!_tenants.Values.Any(t => identifier.Range(t) is not null) || OwnerOf(rule.Key) is not null)
        {
            return;
        }

        var pool = _pools[syntax.Target.Pools[0].Name];
        if (pool.Tenant is null || !_tenants.TryGetValue(pool.Tenant, out var tenant))
        {
            return;
        }

        var range = identifier.Range(tenant);
        Report(line, RuleDescriptors.UnownedIdentifier, idSpan,
            RuleMessages.UnownedIdentifier(identifier.What, Spelled(line, idSpan), pool, tenant, range is null ? null : Spelled(range.Span)));
    }

    private void CheckSharedReplication(RuleLine line, FilterRule syntax, ResolvedRule rule)
    {
        if (rule.Kind is not (MatchKind.Broadcast or MatchKind.Multicast) || rule.IsDrop)
        {
            return;
        }

        (PoolDecl Pool, TenantDecl Tenant)? first = null;
        foreach (var poolRef in syntax.Target.Pools)
        {
            if (!_pools.TryGetValue(poolRef.Name, out var pool) || pool.Tenant is null || !_tenants.TryGetValue(pool.Tenant, out var tenant))
            {
                continue;
            }

            if (first is null)
            {
                first = (pool, tenant);
                continue;
            }

            if (first.Value.Tenant.Name == tenant.Name)
            {
                continue;
            }

            Report(line, RuleDescriptors.SharedReplication, poolRef.Span, RuleMessages.SharedReplication(rule.Kind, first.Value.Pool, first.Value.Tenant, pool, tenant));
            break;
        }
    }

    // ---- a match's checks (RulesChecker.CheckDuplicatesAndConflicts, CheckSpecificity) ----

    private string? PoolName(int index) => _poolsByIndex.TryGetValue(index, out var p) ? p.Name : null;

    private static bool SameTarget(ResolvedRule a, ResolvedRule b) =>
        a.IsDrop == b.IsDrop && a.Pool == b.Pool && a.Queue == b.Queue && a.Replicas == b.Replicas && a.Spread == b.Spread;

    /// <summary><see cref="Counterexample.Find(MatchKey, Counterexample.RuleIndex, int)"/> over the indexes: the free addresses are kept, and only the matches a witness frame can reach are looked up.</summary>
    private string Witness(MatchKey key, string claim)
    {
        ulong outer = _free.Outer, inner = _free.Inner;
        var frame = key.Kind switch
        {
            MatchKind.Mac => new WitnessFrame(key.Mac, null, null, null, null, _vxlanPort),
            MatchKind.MacVlan => new WitnessFrame(key.Mac, key.Id, null, null, null, _vxlanPort),
            MatchKind.Vlan => new WitnessFrame(outer, key.Id, null, null, null, _vxlanPort),
            MatchKind.Broadcast => new WitnessFrame(Mac.Broadcast, null, null, null, null, _vxlanPort),
            MatchKind.Multicast => new WitnessFrame(_free.Multicast, null, null, null, null, _vxlanPort),
            MatchKind.Vxlan => new WitnessFrame(outer, null, key.Id, null, inner, _vxlanPort),
            MatchKind.VxlanInner => new WitnessFrame(outer, null, key.Id, null, key.Mac, _vxlanPort),
            MatchKind.Nvgre => new WitnessFrame(outer, null, null, key.Id, inner, _vxlanPort),
            _ => new WitnessFrame(outer, null, null, key.Id, key.Mac, _vxlanPort),
        };

        // Every match the frame satisfies, by kind; the first rule (by line) of a lower kind takes the frame first.
        var candidates = new List<MatchKey>();
        if (frame.Vni is { } vni)
        {
            candidates.Add(new MatchKey(MatchKind.VxlanInner, frame.InnerDst ?? 0, vni));
            candidates.Add(new MatchKey(MatchKind.Vxlan, 0, vni));
        }

        if (frame.Vsid is { } vsid)
        {
            candidates.Add(new MatchKey(MatchKind.NvgreInner, frame.InnerDst ?? 0, vsid));
            candidates.Add(new MatchKey(MatchKind.Nvgre, 0, vsid));
        }

        if (frame.Cvid is { } cvid)
        {
            candidates.Add(new MatchKey(MatchKind.MacVlan, frame.Dst, cvid));
            candidates.Add(new MatchKey(MatchKind.Vlan, 0, cvid));
        }

        candidates.Add(new MatchKey(MatchKind.Mac, frame.Dst, 0));
        candidates.Add(new MatchKey(MatchKind.Broadcast, 0, 0));
        candidates.Add(new MatchKey(MatchKind.Multicast, 0, 0));
        FilterRule? takenBy = null;
        foreach (var candidate in candidates)
        {
            if (candidate.Kind < key.Kind && frame.IsMatchedBy(candidate) && First(_docByKey, candidate) is { } line
                && (takenBy is null || line.Number < takenBy.Line))
            {
                takenBy = line.Rule;
            }
        }

        return RuleMessages.Witness(takenBy is null ? frame.ToString() : null, claim, takenBy);
    }

    private (ulong, ulong, ulong) FreeAddresses()
    {
        ulong outer = Free(FreeUnicastBase, 0);
        return (outer, Free(FreeUnicastBase, outer), Free(FreeMulticastBase, 0));
    }

    private ulong Free(ulong start, ulong taken)
    {
        ulong mac = start + 1;
        while (_usedMacs.ContainsKey(mac) || mac == taken)
        {
            mac++;
        }

        return mac;
    }

    private Source KeySource(MatchKey key)
    {
        if (!_resolvedByKey.TryGetValue(key, out var entries) || entries.Count == 0
            || (entries.Count == 1 && key.Kind is not (MatchKind.MacVlan or MatchKind.VxlanInner or MatchKind.NvgreInner)))
        {
            return Source.Empty;
        }

        var items = new List<RuleDiagnostic>();
        var earlier = entries[0].Resolved!;
        for (int i = 1; i < entries.Count; i++)
        {
            var entry = entries[i];
            var rule = entry.Resolved!;
            if (SameTarget(earlier, rule))
            {
                items.Add(RuleDiagnostic.Create(RuleDescriptors.Duplicate, entry.Rule!.KindSpan,
                    RuleMessages.Duplicate(key, rule, earlier, PoolName) + Witness(key, RuleMessages.DuplicateClaim(rule, PoolName))));
            }
            else
            {
                items.Add(RuleDiagnostic.Create(RuleDescriptors.Conflict, entry.Rule!.KindSpan,
                    RuleMessages.Conflict(key, rule, earlier, PoolName) + Witness(key, RuleMessages.ConflictClaim(rule, earlier, PoolName))));
            }
        }

        ResolvedRule? Unique(MatchKey k) => First(_resolvedByKey, k)?.Resolved;
        ResolvedRule? broader = key.Kind switch
        {
            MatchKind.MacVlan => Unique(new MatchKey(MatchKind.Mac, key.Mac, 0)) ?? Unique(new MatchKey(MatchKind.Vlan, 0, key.Id)),
            MatchKind.VxlanInner => Unique(new MatchKey(MatchKind.Vxlan, 0, key.Id)),
            MatchKind.NvgreInner => Unique(new MatchKey(MatchKind.Nvgre, 0, key.Id)),
            _ => null,
        };
        if (broader is not null)
        {
            var syntax = entries[0].Rule!;
            var rule = earlier;
            if (SameTarget(rule, broader))
            {
                items.Add(RuleDiagnostic.Create(RuleDescriptors.Redundant, syntax.KindSpan,
                    RuleMessages.Redundant(rule, broader, PoolName) + Witness(rule.Key, RuleMessages.RedundantClaim(rule, broader, PoolName))));
            }
            else
            {
                items.Add(RuleDiagnostic.Create(RuleDescriptors.Override, syntax.KindSpan,
                    RuleMessages.Override(rule, broader, PoolName) + Witness(rule.Key, RuleMessages.OverrideClaim(rule, broader, PoolName))));
            }
        }

        return items.Count == 0 ? Source.Empty : new Source(items);
    }

    // ---- the pools' checks (RulesChecker.CheckTransmit, CheckCapacity, CheckUnreachablePools, CheckSwitching, CheckHasRules) ----

    private Source GlobalSource()
    {
        var items = new List<RuleDiagnostic>();
        foreach (var pool in _poolsByLine)
        {
            if (pool.AntiSpoof is not { } antiSpoof)
            {
                continue;
            }

            bool hasMacs = _poolMacRules.ContainsKey((int)pool.Index);
            bool hasVlans = _poolVlanRules.ContainsKey((int)pool.Index) || (pool.VlanInsert ?? 0) != 0;
            if (antiSpoof.Mac && !hasMacs)
            {
                items.Add(RuleDiagnostic.Create(RuleDescriptors.AntiSpoofSendsNothing, antiSpoof.Span, RuleMessages.AntiSpoofNoMac(pool.Name)));
            }

            if (antiSpoof.Vlan && !hasVlans)
            {
                items.Add(RuleDiagnostic.Create(RuleDescriptors.AntiSpoofSendsNothing, antiSpoof.Span, RuleMessages.AntiSpoofNoVlan(pool.Name)));
            }
        }

        Capacity(items);

        foreach (var pool in _doc.Pools)
        {
            if (_pools.TryGetValue(pool.Name, out var declared) && ReferenceEquals(declared, pool)
                && pool.Index != _defaultPool && !_targeted.ContainsKey((int)pool.Index) && !_named.ContainsKey(pool.Name))
            {
                items.Add(RuleDiagnostic.Create(RuleDescriptors.UnreachablePool, pool.NameSpan, RuleMessages.UnreachablePool(pool.Name, Spelled(pool.IndexSpan))));
            }
        }

        if (_doc.Switch is { Mode: SwitchKind.Vepa } statement)
        {
            foreach (var pool in _poolsByLine)
            {
                if (!_stations.ContainsKey(pool.Name))
                {
                    items.Add(RuleDiagnostic.Create(RuleDescriptors.VepaNoStationMac, pool.NameSpan,
                        RuleMessages.VepaNoStationMac(pool.Name, RuleMessages.NicInVepaMode(statement.Span.Line))));
                }
            }
        }

        return new Source(items);
    }

    /// <summary>VMDQ0008 on the first rule over each of the profile's filter limits: a scan of the rules in force (O(rules)).</summary>
    private void Capacity(List<RuleDiagnostic> items)
    {
        if (_profile is not { } profile || _doc.Profile is not { } named)
        {
            return;
        }

        string where = $"profile {profile.Name} ({profile.Nic}, line {named.Span.Line})";
        var macs = new HashSet<ulong>();
        var macVlanEntries = new HashSet<(ulong, uint, bool)>();
        var vlans = new HashSet<uint>();
        int tunnels = 0;
        var over = new Dictionary<string, (SourceSpan Span, int Limit)>();
        var order = new List<string>();
        var needed = new Dictionary<string, int>();

        void Count(string resource, int count, int limit, SourceSpan span)
        {
            needed[resource] = count;
            if (count > limit && !over.ContainsKey(resource))
            {
                over[resource] = (span, limit);
                order.Add(resource);
            }
        }

        foreach (var line in _linesInOrder.Values)
        {
            if (!IsUnique(line))
            {
                continue;
            }

            var rule = line.Resolved!;
            var span = line.Rule!.KindSpan;
            switch (rule.Kind)
            {
                case MatchKind.Mac:
                case MatchKind.MacVlan:
                    if (profile.VlanFilters is int vlanLimit)
                    {
                        macs.Add(rule.Mac);
                        Count("exact dst-MAC filters", macs.Count, profile.MacFilters, span);
                        if (rule.Kind == MatchKind.MacVlan && vlans.Add(rule.Id))
                        {
                            Count("VLAN filters", vlans.Count, vlanLimit, span);
                        }
                    }
                    else
                    {
                        macVlanEntries.Add((rule.Mac, rule.Id, rule.Kind == MatchKind.MacVlan));
                        Count("MAC/VLAN filters", macVlanEntries.Count, profile.MacFilters, span);
                    }

                    break;
                case MatchKind.Vlan:
                    if (profile.VlanFilters is int limit)
                    {
                        if (vlans.Add(rule.Id))
                        {
                            Count("VLAN filters", vlans.Count, limit, span);
                        }
                    }
                    else
                    {
                        macVlanEntries.Add((ulong.MaxValue, rule.Id, true));
                        Count("MAC/VLAN filters", macVlanEntries.Count, profile.MacFilters, span);
                    }

                    break;
                case MatchKind.Vxlan:
                case MatchKind.VxlanInner:
                case MatchKind.Nvgre:
                case MatchKind.NvgreInner:
                    tunnels++;
                    Count("tunnel filters", tunnels, profile.TunnelFilters, span);
                    break;
            }
        }

        foreach (string resource in order)
        {
            var value = over[resource];
            items.Add(RuleDiagnostic.Create(RuleDescriptors.Capacity, value.Span, RuleMessages.FilterCapacity(resource, needed[resource], where, value.Limit)));
        }
    }

    private Source NoRulesSource(int errors)
    {
        if (_doc.HasRuleLines || _runtimeRuleLines > 0 || errors > 0)
        {
            return Source.Empty;
        }

        return new Source(new List<RuleDiagnostic>
        {
            RuleDiagnostic.Create(RuleDescriptors.NoRules, new SourceSpan(0, 0, 1, 1), RuleMessages.NoRules(_defaultPool, PoolName(_defaultPool))),
        });
    }

    /// <summary>Diagnostics in the full check's order: by position, then by ID.</summary>
    private sealed class DiagnosticOrder : IComparer<RuleDiagnostic>
    {
        public int Compare(RuleDiagnostic? a, RuleDiagnostic? b)
        {
            int c = a!.Span.Start.CompareTo(b!.Span.Start);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        }
    }

    /// <summary>The diagnostics one check produced, in the order it reported them.</summary>
    internal sealed class Source
    {
        public static readonly Source Empty = new(new List<RuleDiagnostic>());

        public Source(List<RuleDiagnostic> items) => Items = items;

        public List<RuleDiagnostic> Items { get; }
    }

    /// <summary>One rule line (of the file or added at run time): its parse, its resolution and its own diagnostics.</summary>
    internal sealed class RuleLine
    {
        public RuleLine(int number, string text, int textBase, FilterRule? rule, List<RuleDiagnostic>? parse, PoolRef[] broken, PoolRef[] recovered, bool runtime)
        {
            Number = number;
            Text = text;
            TextBase = textBase;
            Rule = rule;
            Pending = parse;
            Broken = broken;
            Recovered = recovered;
            RuntimeRuleLine = runtime;
        }

        public int Number { get; }

        /// <summary>The text the spans point into, and the offset of its first character in the whole text.</summary>
        public string Text { get; }

        public int TextBase { get; }

        public FilterRule? Rule { get; }

        public ResolvedRule? Resolved { get; set; }

        public PoolRef[] Broken { get; }

        public PoolRef[] Recovered { get; }

        /// <summary>True for a runtime line the parser counts as a rule line (for VMDQ0018).</summary>
        public bool RuntimeRuleLine { get; }

        public List<RuleDiagnostic>? Pending { get; set; }

        public Source Local { get; private set; } = Source.Empty;

        public RuleLine Seal()
        {
            Local = Pending is { Count: > 0 } ? new Source(Pending) : Source.Empty;
            Pending = null;
            return this;
        }
    }
}

/// <summary>The fixed parts of a runtime dispatcher's model (pools, geometry, tenants), to build the model of any set of rules.</summary>
internal sealed class RuleSetTemplate
{
    private readonly RuleSet _model;
    private readonly IReadOnlyDictionary<string, ValueRange?> _tenantVlans;

    internal RuleSetTemplate(RuleSet model, IReadOnlyDictionary<string, ValueRange?> tenantVlans)
    {
        _model = model;
        _tenantVlans = tenantVlans;
    }

    /// <summary>The model with <paramref name="rules"/> (in line order) in force, as the full check builds it.</summary>
    public RuleSet With(IReadOnlyList<ResolvedRule> rules)
    {
        var array = rules.ToEquatableArray();
        return _model with { Rules = array, VlanMembers = Switching.Membership(_model.Pools, _tenantVlans, array) };
    }
}
