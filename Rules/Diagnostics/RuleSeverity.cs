namespace Vmdq.Rules.Diagnostics;

/// <summary>Default severity of a rules diagnostic (users can change it; see docs/diagnostics.md).</summary>
public enum RuleSeverity
{
    /// <summary>Informational: nothing is wrong, but a person may want to know.</summary>
    Info,
    /// <summary>Probably a mistake; the dispatcher is still generated.</summary>
    Warning,
    /// <summary>The file is wrong; no dispatcher is generated for it.</summary>
    Error,
}
