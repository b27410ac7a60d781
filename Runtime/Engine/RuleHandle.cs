namespace Vmdq.Toolkit;

/// <summary>
/// A filter rule added to a <see cref="RuntimeDispatcher"/> at run time. Runtime rules continue the rules
/// file's line numbers (the first rule added to a 20-line file is line 21, the next 22, and a number is
/// never reused), so <see cref="Line"/> is also the <see cref="Verdict.RuleLine"/> of every verdict the
/// rule decides and the line of every diagnostic about it.
/// </summary>
/// <param name="Line">The rule's line in the dispatcher's document (the file, then the runtime rules).</param>
public readonly record struct RuleHandle(int Line)
{
    /// <inheritdoc />
    public override string ToString() => $"rule at line {Line}";
}
