using System;

namespace Vmdq.Toolkit.Fuzz;

/// <summary>
/// A harness found an input on which the code under test broke one of its documented promises (a verdict that
/// differs between entry points, a diagnostic outside the text...). Under afl++ it is a crash like any other
/// exception that escapes a harness; the corpus test reports it with the input's name.
/// </summary>
public sealed class InvariantViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which invariant broke, and how.</param>
    public InvariantViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvariantViolationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which invariant broke, and how.</param>
    /// <param name="innerException">The cause.</param>
    public InvariantViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    /// <param name="condition">The invariant.</param>
    /// <param name="message">What broke, built only when it did.</param>
    internal static void Check(bool condition, Func<string> message)
    {
        if (!condition)
        {
            throw new InvariantViolationException(message());
        }
    }
}
