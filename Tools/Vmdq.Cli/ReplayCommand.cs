using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Spectre.Console;
using Vmdq.Hosting;
using Vmdq.Toolkit;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Cli;

/// <summary><c>vmdq replay FILE CAP [--verdicts PATH] [--split DIR] [--rate M] [--no-live]</c>.</summary>
internal static class ReplayCommand
{
    /// <summary>Builds the command; its action writes to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "The rules file." };
        var capture = new Argument<string>("CAP") { Description = "A pcap or pcapng capture to replay (its Ethernet frames, once, in order)." };
        var verdicts = new Option<string?>("--verdicts")
        {
            Description = "Write one JSON line per frame of the capture: its verdict (as 'explain --json' gives it), the pools and queues it was delivered to, and its outcome.",
            HelpName = "PATH",
        };
        var split = new Option<string?>("--split")
        {
            Description = "Write one pcapng per pool into DIR ('{index}-{name}.pcapng', every frame a pool's VM received, so a replicated frame is in each of its pools' files) and 'dropped.pcapng' (the frames no pool received).",
            HelpName = "DIR",
        };
        var rate = new Option<double?>("--rate")
        {
            Description = "Offer the frames at M million frames/s, as a traffic generator paces them (0: as fast as possible); VMs that fall behind lose frames to full rings. Without it the replay is lossless: each burst waits for room in the rings.",
            HelpName = "M",
        };
        rate.CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) || !(m >= 0) || double.IsInfinity(m))
            {
                result.AddError($"--rate '{token}': a rate in millions of frames per second (0, 0.5, 2...) is expected.");
                return null;
            }

            return m;
        };
        var noLive = new Option<bool>("--no-live") { Description = "No live table or progress bar: print the results only (the default when output is redirected)." };

        var command = new Command(
            "replay",
            "Replay a capture through the NIC emulator with the rules: a VM per pool, the per-pool/queue table (frames, deliveries, drops by reason, congestion) and a summary; per-frame verdicts as JSON lines and per-pool pcapng files on request. Exit code: 0 replayed, 1 the rules file has errors, 2 usage error or unreadable input.")
        {
            file, capture, verdicts, split, rate, noLive,
        };
        command.SetAction(parsed => Execute(
            new ReplayRequest(parsed.GetValue(file)!, parsed.GetValue(capture)!, parsed.GetValue(verdicts), parsed.GetValue(split), parsed.GetValue(rate), parsed.GetValue(noLive)),
            stdout,
            stderr));
        return command;
    }

    /// <summary>Replays the capture and writes the report and the files; returns the exit code.</summary>
    internal static int Execute(ReplayRequest request, TextWriter stdout, TextWriter stderr)
    {
        if (RulesInput.Load(request.Rules, "replay", stderr) is not { } dispatcher)
        {
            return 1;
        }

        var frames = FrameInput.ReadCapture(request.Capture, null, out string? warning, "replaying");
        if (warning is not null)
        {
            stderr.WriteLine($"vmdq: warning: {warning}");
        }

        var ethernet = frames.Where(f => f.Captured!.Value.IsEthernet).ToArray();
        if (ethernet.Length < frames.Count)
        {
            var linkTypes = frames.Where(f => !f.Captured!.Value.IsEthernet).Select(f => f.Captured!.Value.LinkType).Distinct().Order();
            stderr.WriteLine($"vmdq: warning: {Frames(frames.Count - ethernet.Length)} of '{request.Capture}' {(frames.Count - ethernet.Length == 1 ? "is" : "are")} not Ethernet (link type {string.Join(", ", linkTypes)}): not replayed.");
        }

        if (frames.Count == 0)
        {
            stderr.WriteLine($"vmdq: warning: '{request.Capture}' has no frames.");
        }

        // A VM on every pool a verdict can name: the declared pools and the default pool.
        var info = dispatcher.Info;
        var pools = info.Pools.Select(p => (p.Index, p.Name)).Append((Index: info.DefaultPool, Name: info.PoolName(info.DefaultPool))).Distinct().OrderBy(p => p.Index).ToArray();
        using var outputs = ReplayOutputs.Open(request.Verdicts, request.Split, pools);
        bool record = request.Verdicts is not null || request.Split is not null;
        using var host = new EmulatedHost(info, info.Name, pools.Select(p => new HostVm(p.Name + "-vm", p.Index)).ToArray(), record);

        bool live = !request.NoLive && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = live ? AnsiConsole.Console : PlainConsole(stdout);
        string title = $"replaying {Path.GetFileName(request.Capture)} ({Frames(ethernet.Length)}) with {Path.GetFileName(request.Rules)}";
        var data = ethernet.Select(f => f.Data).ToArray();
        double rate = request.RateMfps ?? -1;

        host.Start();
        if (live)
        {
            console.Live(HostDashboard.Render(host, data.Length, title)).AutoClear(false).Start(ctx =>
            {
                var lastRefresh = DateTime.UtcNow;
                host.Receive(data, data.Length, rate, _ =>
                {
                    if ((DateTime.UtcNow - lastRefresh).TotalMilliseconds > 250)
                    {
                        ctx.UpdateTarget(HostDashboard.Render(host, data.Length, title));
                        lastRefresh = DateTime.UtcNow;
                    }
                });
                host.Drain();
                ctx.UpdateTarget(HostDashboard.Render(host, data.Length, title));
            });
        }
        else
        {
            console.MarkupLine($"{Markup.Escape(title)}");
            host.Receive(data, data.Length, rate, _ => { });
            host.Drain();
            console.Write(HostDashboard.Table(host.Nic.Snapshot(), host.Nic.Name).Border(TableBorder.Ascii));
            foreach (string e in host.Events)
            {
                console.MarkupLine(e);
            }
        }

        var summary = HostDashboard.Summary(host, out bool conserved);
        console.Write(live ? summary : summary.Border(TableBorder.Ascii));
        console.MarkupLine(conserved ? "[green]conservation: OK[/]" : "[red]conservation: FAILED[/] (an emulator bug: please report it)");

        if (record)
        {
            var replayed = Outcomes(frames, dispatcher, host);
            foreach (string line in outputs.Write(replayed, new Explainer(dispatcher), info))
            {
                console.WriteLine(line);
            }
        }

        return conserved ? 0 : 1;
    }

    /// <summary>What became of each frame: its verdict, the VMs that received it (by arrival number) and the outcome.</summary>
    internal static IReadOnlyList<ReplayedFrame> Outcomes(IReadOnlyList<InputFrame> frames, RuntimeDispatcher dispatcher, EmulatedHost host)
    {
        // The NIC numbers the frames it receives from 0, and it received the Ethernet frames in order.
        var deliveries = host.Vms.SelectMany(vm => host.Deliveries(vm.Name)).ToLookup(d => d.Sequence);
        int bufferSize = host.Nic.Buffers.BufferSize;
        var result = new List<ReplayedFrame>(frames.Count);
        long sequence = 0;
        foreach (var frame in frames)
        {
            if (!frame.Captured!.Value.IsEthernet)
            {
                result.Add(new ReplayedFrame(frame, null, [], "not_ethernet"));
                continue;
            }

            var delivered = deliveries[sequence++].OrderBy(d => d.Pool).ToArray();
            Verdict verdict = dispatcher.Classify(frame.Data);
            int expected = Math.Max(1, dispatcher.Replicas(verdict).Length);
            string outcome = frame.Data.Length < 14 ? NicMetrics.ReasonName(DropReason.Runt)
                : frame.Data.Length > bufferSize ? NicMetrics.ReasonName(DropReason.Oversize)
                : verdict.IsDrop ? NicMetrics.ReasonName(DropReason.RuleDrop)
                : delivered.Length == 0 ? "not_delivered"
                : delivered.Length < expected ? "partly_delivered"
                : "delivered";
            result.Add(new ReplayedFrame(frame, verdict, delivered, outcome));
        }

        return result;
    }

    /// <summary>A console for redirected output: no colours or cursor codes, 160 columns so tables do not wrap.</summary>
    private static IAnsiConsole PlainConsole(TextWriter stdout)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
        console.Profile.Width = 160;
        return console;
    }

    private static string Frames(int count) => count == 1 ? "1 frame" : $"{count} frames";
}

/// <summary>The arguments of one <c>vmdq replay</c>.</summary>
/// <param name="Rules">The rules file.</param>
/// <param name="Capture">The capture.</param>
/// <param name="Verdicts">Where to write the JSON lines, or null.</param>
/// <param name="Split">Where to write the per-pool pcapng files, or null.</param>
/// <param name="RateMfps">The offered load in millions of frames/s (0 unpaced), or null for a lossless replay.</param>
/// <param name="NoLive">True for plain output even on a terminal.</param>
internal sealed record ReplayRequest(string Rules, string Capture, string? Verdicts, string? Split, double? RateMfps, bool NoLive);
