using System;
using System.Collections.Generic;
using System.Linq;
using Vmdq.Rules.Diagnostics;

namespace Vmdq.Toolkit;

/// <summary>A change to a runtime dispatcher's rules that a caller could not return refused (e.g. <c>NicEmulator.AttachVm</c> with rules) was refused.</summary>
public sealed class RuleChangeException : Exception
{
    /// <summary>Creates the exception for a refused change.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="change">The refused change, with its diagnostics.</param>
    public RuleChangeException(string message, RuleChangeResult change)
        : base(message + " " + string.Join(" ", (change ?? throw new ArgumentNullException(nameof(change))).Diagnostics.Select(d => d.ToString())))
    {
        Change = change;
    }

    /// <summary>The refused change.</summary>
    public RuleChangeResult Change { get; }

    /// <summary>Why it was refused: the build's diagnostics for the rules with the change applied.</summary>
    public IReadOnlyList<RuleDiagnostic> Diagnostics => Change.Diagnostics;
}
