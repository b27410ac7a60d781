using System;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace Vmdq.Toolkit.Benchmarks;

/// <summary>
/// Runs the suite with BenchmarkSwitcher. With no arguments: every benchmark, BenchmarkDotNet's
/// default job (the full run). <c>--quick</c>: a short job (1 launch, 2 warmups, 3 iterations of
/// 100 ms) that runs everything in a few minutes, for checks only. <c>--medium</c>: 3 warmups and
/// 10 iterations of 250 ms, for repeated runs. Other arguments go to
/// BenchmarkDotNet (<c>--filter *Classify10K*</c>, <c>--list flat</c>, ...). <c>--check</c>: no
/// measurement; runs every setup (with its baseline checks) and every benchmark method once.
/// <c>--emulator-split [seconds]</c>: the emulator loop timed in parts against a bare batch (<see cref="EmulatorSplit"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--check"))
        {
            return Check.Run();
        }

        int split = Array.IndexOf(args, "--emulator-split");
        if (split >= 0)
        {
            return EmulatorSplit.Run(split + 1 < args.Length ? double.Parse(args[split + 1], System.Globalization.CultureInfo.InvariantCulture) : 10);
        }

        bool quick = args.Contains("--quick");
        bool medium = args.Contains("--medium");
        args = args.Where(a => a is not ("--quick" or "--medium")).ToArray();
        if (!args.Any(a => a.StartsWith("--filter", StringComparison.Ordinal) || a == "-f" || a.StartsWith("--list", StringComparison.Ordinal)))
        {
            args = [.. args, "--filter", "*"];
        }

        Job job = quick
            ? Job.Default.WithId("Quick").WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100))
            : medium
                ? Job.Default.WithId("Medium").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithIterationTime(TimeInterval.FromMilliseconds(250))
                : Job.Default.WithId("Full");

        // The child processes BenchmarkDotNet builds must see the same rules files as this build.
        if (WithMillion)
        {
            job = job.WithArguments([new MsBuildArgument("/p:VmdqBenchMillion=true")]);
        }

        var config = DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddColumn(StatisticColumn.Median);

        Console.WriteLine($"// Vmdq.Toolkit.Benchmarks: {job.Id} job; 1M-filter dispatcher {(WithMillion ? "built" : "not built (build with -p:VmdqBenchMillion=true)")}.");
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>True when this assembly was built with the 1M-filter dispatcher.</summary>
    private static bool WithMillion =>
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Any(a => a.Key == "VmdqBenchMillion" && a.Value == "true");
}
