using System.Collections.Generic;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit;

/// <summary>Options for a change to a <see cref="RuntimeDispatcher"/>'s rules.</summary>
public sealed record RuleChangeOptions
{
    /// <summary>Refuse a change that brings a new warning, as a build with warnings as errors would.</summary>
    public bool WarningsAsErrors { get; init; }
}

/// <summary>What became of a change to a <see cref="RuntimeDispatcher"/>'s rules.</summary>
public sealed class RuleChangeResult
{
    internal RuleChangeResult(bool accepted, IReadOnlyList<RuleDiagnostic> diagnostics, IReadOnlyList<RuleHandle> added, long version)
    {
        Accepted = accepted;
        Diagnostics = diagnostics;
        Added = added;
        Version = version;
    }

    /// <summary>True when the change is in force; false when it was refused and nothing changed.</summary>
    public bool Accepted { get; }

    /// <summary>
    /// The change's diagnostics, with the IDs, messages, lines and columns the build would report for the
    /// rules file with the change applied: the errors that refused it, or the new warnings that came with it.
    /// </summary>
    public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

    /// <summary>The rules added, one per rule line of the change, in order (empty when refused).</summary>
    public IReadOnlyList<RuleHandle> Added { get; }

    /// <summary>The rule-set version in force after the change (unchanged when refused).</summary>
    public long Version { get; }

    /// <inheritdoc />
    public override string ToString() =>
        (Accepted ? $"accepted (version {Version})" : "refused") + (Diagnostics.Count > 0 ? ": " + string.Join("; ", Diagnostics) : string.Empty);
}

/// <summary>The result of loading rules at run time: a dispatcher, or the diagnostics that prevent one.</summary>
public sealed class RulesLoadResult
{
    internal RulesLoadResult(RuntimeDispatcher? dispatcher, IReadOnlyList<RuleDiagnostic> diagnostics)
    {
        Dispatcher = dispatcher;
        Diagnostics = diagnostics;
    }

    /// <summary>The dispatcher, or null when the rules have errors.</summary>
    public RuntimeDispatcher? Dispatcher { get; }

    /// <summary>Every diagnostic, as the build reports them for the same file (IDs, messages, lines, columns), ordered by position.</summary>
    public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

    /// <summary>True when there is a dispatcher (the rules have no errors; they may have warnings).</summary>
    public bool Succeeded => Dispatcher is not null;
}
