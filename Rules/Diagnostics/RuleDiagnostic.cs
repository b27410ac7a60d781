using Vmdq.Rules.Syntax;

namespace Vmdq.Rules.Diagnostics;

/// <summary>
/// A value-equatable diagnostic: which check, its message, and where. The rules front end
/// reports nothing itself; the analyzer turns these into Roslyn diagnostics.
/// </summary>
/// <param name="Id">The descriptor's ID (see <see cref="RuleDescriptors"/>).</param>
/// <param name="Severity">The descriptor's default severity.</param>
/// <param name="Message">The full message, naming the other line involved where there is one.</param>
/// <param name="Span">The offending token.</param>
public sealed record RuleDiagnostic(string Id, RuleSeverity Severity, string Message, SourceSpan Span)
{
    /// <summary>Creates a diagnostic for <paramref name="descriptor"/>.</summary>
    public static RuleDiagnostic Create(RuleDescriptor descriptor, SourceSpan span, string message) =>
        new(descriptor.Id, descriptor.Severity, message, span);

    /// <inheritdoc />
    public override string ToString() => $"{Span}: {Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
}
