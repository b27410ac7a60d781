namespace Vmdq.Rules.Syntax;

/// <summary>A span of characters in a rules file: offsets into the text plus the 1-based line and column of its start.</summary>
/// <param name="Start">Zero-based character offset of the first character.</param>
/// <param name="Length">Number of characters (may be 0 for "expected something here").</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">1-based column of <paramref name="Start"/>.</param>
public readonly record struct SourceSpan(int Start, int Length, int Line, int Column)
{
    /// <summary>Offset just past the span.</summary>
    public int End => Start + Length;

    /// <inheritdoc />
    public override string ToString() => $"({Line},{Column})";
}
