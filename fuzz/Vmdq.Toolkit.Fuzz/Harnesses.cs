using System;
using System.Collections.Generic;

namespace Vmdq.Toolkit.Fuzz;

/// <summary>One fuzz harness: runs an input through the code under test and checks its invariants.</summary>
/// <param name="data">The input, as afl++ or a corpus file gives it.</param>
/// <exception cref="InvariantViolationException">An invariant broke.</exception>
public delegate void Harness(ReadOnlySpan<byte> data);

/// <summary>The harnesses by name: the names of fuzz/run.sh, fuzz/corpus/NAME and fuzz/regressions/NAME.</summary>
public static class Harnesses
{
    /// <summary>rules, capture and frame.</summary>
    public static IReadOnlyDictionary<string, Harness> All { get; } = new Dictionary<string, Harness>(StringComparer.Ordinal)
    {
        ["rules"] = RulesHarness.Run,
        ["capture"] = CaptureHarness.Run,
        ["frame"] = FrameHarness.Run,
    };
}
