using System.Globalization;

namespace Vmdq.Samples.MultiTenantHost;

/// <summary>Command-line options of the sample.</summary>
internal sealed record HostOptions(int Frames, string? Replay, int Loops, string SlowVm, bool Live, int Seed, double RateMfps, bool Balancer = true)
{
    public const string Usage = """
        Usage: dotnet run --project Samples/MultiTenantHost -c Release [-- options]
          --frames N      frames of generated traffic (default 12000000)
          --rate M        offered load in millions of frames per second, as a traffic generator paces it (default 2; 0 = as fast as possible)
          --replay FILE   replay a pcap or pcapng capture instead of generated traffic
          --loops N       how many times to replay the capture (default: enough for ~1M frames)
          --slow VM       a VM that consumes slowly, to show congestion and ring-full drops (default analytics; 'none' for none)
          --no-balancer   no queue balancer: each rss pool stays on its first queue (to compare drops with and without)
          --no-live       no live table: print the summary only (also when output is redirected)
          --seed N        seed of the generated traffic mix (default 42)
        """;

    public static HostOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var o = new HostOptions(12_000_000, null, 0, "analytics", !Console.IsOutputRedirected, 42, 2.0);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
            try
            {
                o = args[i] switch
                {
                    "--frames" => o with { Frames = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--replay" => o with { Replay = Next() },
                    "--loops" => o with { Loops = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--slow" => o with { SlowVm = Next() },
                    "--no-live" => o with { Live = false },
                    "--no-balancer" => o with { Balancer = false },
                    "--seed" => o with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--rate" => o with { RateMfps = double.Parse(Next(), CultureInfo.InvariantCulture) },
                    "-h" or "--help" => throw new FormatException(string.Empty),
                    _ => throw new FormatException($"Unknown option '{args[i]}'."),
                };
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return null;
            }
        }

        if (o.Frames <= 0)
        {
            error = "--frames must be positive.";
            return null;
        }

        return o;
    }
}
