using System;
using System.Collections.Generic;

namespace Vmdq.Rules.Diagnostics;

/// <summary>"Did you mean" suggestions for keywords and names, by optimal string alignment distance.</summary>
internal static class Spelling
{
    /// <summary>
    /// The candidate <paramref name="written"/> most likely stands for, or null: a candidate equal but for
    /// case, else the nearest within about one edit in three (a transposition counts as one edit). Ties go
    /// to the ordinally first candidate.
    /// </summary>
    public static string? Nearest(string written, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            if (candidate == written)
            {
                continue;
            }

            int distance = string.Equals(candidate, written, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(written, candidate);
            if (distance < bestDistance || (distance == bestDistance && best is not null && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, written.Length / 3) ? best : null;
    }

    /// <summary>" (did you mean 'x'?)", or empty when nothing is near.</summary>
    public static string DidYouMean(string written, IEnumerable<string> candidates) =>
        Nearest(written, candidates) is { } best ? $" (did you mean {Echo.Quoted(best)}?)" : string.Empty;

    /// <summary>
    /// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
    /// adjacent characters each cost 1 ("wbe" is one edit from "web"). Inputs longer than 256 characters
    /// are not compared (<see cref="int.MaxValue"/>): nothing that long is a misspelt keyword or name.
    /// </summary>
    public static int Distance(string a, string b)
    {
        if (a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                }

                d[i, j] = v;
            }
        }

        return d[a.Length, b.Length];
    }
}
