namespace Vmdq.Rules.Diagnostics;

/// <summary>The fixed part of a diagnostic: its stable ID, title and default severity.</summary>
/// <param name="Id">Stable ID, <c>VMDQ0001</c>...</param>
/// <param name="Title">Short title (also the heading in docs/diagnostics.md).</param>
/// <param name="Severity">Default severity.</param>
/// <param name="IsCompilationEnd">True for checks that need every rules file of a compilation.</param>
public sealed record RuleDescriptor(string Id, string Title, RuleSeverity Severity, bool IsCompilationEnd = false);
