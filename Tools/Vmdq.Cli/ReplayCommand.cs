using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Spectre.Console;
using Vmdq.Hosting;
using Vmdq.Toolkit;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Cli;

/// <summary>
/// <c>vmdq replay FILE (CAP [--transmit IF] [--rate M] | --interface IF [--count N] [--duration S] [--promiscuous])
/// [--verdicts PATH] [--split DIR] [--no-live]</c>.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Builds the command; its action writes to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "The rules file." };
        var capture = new Argument<string?>("CAP")
        {
            Description = "A pcap or pcapng capture to replay (its Ethernet frames, once, in order). Give CAP or --interface, not both.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var verdicts = new Option<string?>("--verdicts")
        {
            Description = "Write one JSON line per frame replayed: its verdict (as 'explain --json' gives it), the pools and queues it was delivered to, and its outcome.",
            HelpName = "PATH",
        };
        var split = new Option<string?>("--split")
        {
            Description = "Write one pcapng per pool into DIR ('{index}-{name}.pcapng', every frame a pool's VM received, so a replicated frame is in each of its pools' files) and 'dropped.pcapng' (the frames no pool received).",
            HelpName = "DIR",
        };
        var rate = new Option<double?>("--rate")
        {
            Description = "Offer the capture's frames at M million frames/s, as a traffic generator paces them (0: as fast as possible); VMs that fall behind lose frames to full rings. Without it the replay is lossless: each burst waits for room in the rings.",
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
        var iface = new Option<string?>("--interface")
        {
            Description = "Replay the frames a live Linux interface receives, as they arrive, instead of a capture's (AF_PACKET socket; needs CAP_NET_RAW). Stops at --count, --duration or Ctrl+C, then prints the summary.",
            HelpName = "IF",
        };
        var count = CountOption.Create("With --interface: stop after N frames.");
        var duration = new Option<double?>("--duration")
        {
            Description = "With --interface: stop after SECONDS seconds.",
            HelpName = "SECONDS",
        };
        duration.CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                result.AddError($"--duration '{token}': a number of seconds greater than 0 (10, 0.5...) is expected.");
                return null;
            }

            return seconds;
        };
        var promiscuous = new Option<bool>("--promiscuous") { Description = "With --interface: receive frames addressed to other MAC addresses too, as a VMDq NIC's port does (promiscuous mode while replaying)." };
        var transmit = new Option<string?>("--transmit")
        {
            Description = "With CAP: also send each Ethernet frame of the capture out of this Linux interface, byte for byte (frames larger than its MTU, or shorter than an Ethernet header, are counted as not sendable). Needs CAP_NET_RAW.",
            HelpName = "IF",
        };

        var command = new Command(
            "replay",
            "Replay a capture, or the frames a live interface receives, through the NIC emulator with the rules: a VM per pool, the per-pool/queue table (frames, deliveries, drops by reason, congestion) and a summary; per-frame verdicts as JSON lines and per-pool pcapng files on request; --transmit also sends the capture out of an interface. Exit code: 0 replayed, 1 the rules file has errors, 2 usage error, unreadable input, or an interface that cannot be used.")
        {
            file, capture, iface, count, duration, promiscuous, transmit, verdicts, split, rate, noLive,
        };
        command.SetAction(parsed =>
        {
            var request = new ReplayRequest(parsed.GetValue(file)!, parsed.GetValue(capture), parsed.GetValue(verdicts), parsed.GetValue(split), parsed.GetValue(rate), parsed.GetValue(noLive))
            {
                Interface = parsed.GetValue(iface),
                Count = parsed.GetValue(count),
                Duration = parsed.GetValue(duration) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Promiscuous = parsed.GetValue(promiscuous),
                Transmit = parsed.GetValue(transmit),
            };
            if (request.Interface is null)
            {
                return Execute(request, stdout, stderr);
            }

            // Ctrl+C ends a live replay as --count and --duration do: the summary, exit code 0.
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return Execute(request, stdout, stderr, stop.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    /// <summary>Replays the capture or the interface's frames and writes the report and the files; returns the exit code.</summary>
    /// <param name="request">The arguments.</param>
    /// <param name="stdout">Where the report goes.</param>
    /// <param name="stderr">Where diagnostics, warnings and the live replay's start line go.</param>
    /// <param name="cancellationToken">Ends a live replay (Ctrl+C): the frames received so far are reported.</param>
    internal static int Execute(ReplayRequest request, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        CheckSources(request);
        if (RulesInput.Load(request.Rules, "replay", stderr) is not { } dispatcher)
        {
            return 1;
        }

        // A VM on every pool a verdict can name: the declared pools and the default pool.
        var info = dispatcher.Info;
        var pools = info.Pools.Select(p => (p.Index, p.Name)).Append((Index: info.DefaultPool, Name: info.PoolName(info.DefaultPool))).Distinct().OrderBy(p => p.Index).ToArray();
        bool record = request.Verdicts is not null || request.Split is not null;
        return request.Interface is { } interfaceName
            ? ReplayInterface(request, interfaceName, dispatcher, pools, record, stdout, stderr, cancellationToken)
            : ReplayCapture(request, request.Capture!, dispatcher, pools, record, stdout, stderr);
    }

    /// <summary>Exactly one of CAP and <c>--interface</c>, and only the options that go with the one given.</summary>
    /// <exception cref="CliUsageException">The arguments do not fit together.</exception>
    private static void CheckSources(ReplayRequest request)
    {
        const string Help = "see 'vmdq replay --help'.";
        if (request.Capture is null && request.Interface is null)
        {
            throw new CliUsageException($"replay needs a capture (CAP) or a live interface (--interface IF) to replay; {Help}");
        }

        if (request.Capture is not null && request.Interface is not null)
        {
            throw new CliUsageException($"replay takes a capture (CAP) or a live interface (--interface IF), not both; {Help}");
        }

        if (request.Interface is null && (request.Count is not null || request.Duration is not null || request.Promiscuous))
        {
            string option = request.Count is not null ? "--count" : request.Duration is not null ? "--duration" : "--promiscuous";
            throw new CliUsageException($"{option} applies to a live replay (--interface IF), not to a capture's; {Help}");
        }

        if (request.Interface is not null && request.Transmit is not null)
        {
            throw new CliUsageException($"--transmit sends a capture's frames (CAP) out of an interface; a live replay (--interface) has no capture to send; {Help}");
        }

        if (request.Interface is not null && request.RateMfps is not null)
        {
            throw new CliUsageException($"--rate paces a capture's frames; a live replay (--interface) takes frames at the pace they arrive; {Help}");
        }
    }

    private static int ReplayCapture(
        ReplayRequest request, string capturePath, RuntimeDispatcher dispatcher, (int Index, string Name)[] pools, bool record, TextWriter stdout, TextWriter stderr)
    {
        var frames = FrameInput.ReadCapture(capturePath, null, out string? warning, "replaying");
        if (warning is not null)
        {
            stderr.WriteLine($"vmdq: warning: {warning}");
        }

        var ethernet = frames.Where(f => f.Captured!.Value.IsEthernet).ToArray();
        if (ethernet.Length < frames.Count)
        {
            var linkTypes = frames.Where(f => !f.Captured!.Value.IsEthernet).Select(f => f.Captured!.Value.LinkType).Distinct().Order();
            stderr.WriteLine($"vmdq: warning: {Frames(frames.Count - ethernet.Length)} of '{capturePath}' {(frames.Count - ethernet.Length == 1 ? "is" : "are")} not Ethernet (link type {string.Join(", ", linkTypes)}): not replayed.");
        }

        if (frames.Count == 0)
        {
            stderr.WriteLine($"vmdq: warning: '{capturePath}' has no frames.");
        }

        using var sender = request.Transmit is { } transmitName ? Open(() => InterfaceSender.Open(transmitName)) : null;
        using var outputs = ReplayOutputs.Open(request.Verdicts, request.Split, pools);
        using var host = new EmulatedHost(dispatcher.Info, dispatcher.Info.Name, pools.Select(p => new HostVm(p.Name + "-vm", p.Index)).ToArray(), record);
        var data = ethernet.Select(f => f.Data).ToArray();
        var extra = new List<(string Figure, string Value)>();
        if (sender is not null)
        {
            // The capture's Ethernet frames go out of the interface first, in order, then through the emulator.
            long tooLarge = 0, tooShort = 0;
            foreach (byte[] frame in data)
            {
                var result = Open(() => sender.Send(frame));
                tooLarge += result == SendResult.TooLarge ? 1 : 0;
                tooShort += result == SendResult.TooShort ? 1 : 0;
            }

            extra.Add(($"sent on {sender.InterfaceName}", HostDashboard.N(sender.FramesSent)));
            extra.Add(($"not sendable on {sender.InterfaceName}: too large for MTU {sender.Mtu} / too short", $"{HostDashboard.N(tooLarge)} / {HostDashboard.N(tooShort)}"));
        }

        string title = $"replaying {Path.GetFileName(capturePath)} ({Frames(ethernet.Length)}) with {Path.GetFileName(request.Rules)}"
            + (sender is null ? string.Empty : $", sent on {sender.InterfaceName}");
        double rate = request.RateMfps ?? -1;
        return Run(
            request, host, dispatcher, outputs, title, data.Length, stdout,
            tick => host.Receive(data, data.Length, rate, _ => tick()),
            extra,
            () => frames);
    }

    private static int ReplayInterface(
        ReplayRequest request,
        string interfaceName,
        RuntimeDispatcher dispatcher,
        (int Index, string Name)[] pools,
        bool record,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        using var receiver = Open(() => InterfaceReceiver.Open(interfaceName, new InterfaceReceiverOptions { Promiscuous = request.Promiscuous }));
        using var outputs = ReplayOutputs.Open(request.Verdicts, request.Split, pools);
        using var host = new EmulatedHost(dispatcher.Info, dispatcher.Info.Name, pools.Select(p => new HostVm(p.Name + "-vm", p.Index)).ToArray(), record);
        var frames = new List<InputFrame>();
        var arrived = new List<byte[]>();
        long? limit = request.Count;
        long received = 0;
        ReceivedFrameHandler collect = (ReadOnlySpan<byte> frame, in ReceivedFrameInfo info) =>
        {
            if (limit is { } n && received >= n)
            {
                return; // the rest of the ring block, after the last frame asked for
            }

            byte[] data = frame.ToArray();
            arrived.Add(data);
            if (record)
            {
                int number = (int)Math.Min(received + 1, int.MaxValue);
                frames.Add(new InputFrame(number - 1, data, new CapturedFrame(number, info.TimestampNanoseconds, data, info.OriginalLength, CaptureReader.EthernetLinkType, 0)));
            }

            received++;
        };

        string until = (limit, request.Duration) switch
        {
            ({ } n, { } d) => $" until {Frames(n)} or {Seconds(d)}",
            ({ } n, null) => $" until {Frames(n)}",
            (null, { } d) => $" for {Seconds(d)}",
            _ => string.Empty,
        };
        string title = $"replaying frames from {interfaceName} with {Path.GetFileName(request.Rules)}";

        void Feed(Action tick)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                while (!cancellationToken.IsCancellationRequested && (limit is not { } n || received < n))
                {
                    var wait = TimeSpan.FromMilliseconds(200);
                    if (request.Duration is { } duration)
                    {
                        var left = duration - clock.Elapsed;
                        if (left <= TimeSpan.Zero)
                        {
                            break;
                        }

                        wait = left < wait ? left : wait;
                    }

                    arrived.Clear();
                    receiver.Receive(collect, wait);
                    host.ReceiveArrived(arrived);
                    tick();
                }
            }
            catch (InterfaceException e)
            {
                throw new CliUsageException(e.Message);
            }
        }

        // On stderr, so that stdout stays the report; scripts may wait for this line before sending (the socket is
        // open: what arrives from now on waits in its ring). Written before a live view takes the terminal.
        stderr.WriteLine($"vmdq: replaying from {interfaceName}{until}; Ctrl+C stops.");
        stderr.Flush();
        var extra = new List<(string Figure, string Value)>();
        int code = Run(request, host, dispatcher, outputs, title, limit, stdout, Feed, extra, () => frames, () =>
        {
            var (_, dropped) = Open(receiver.ReadKernelStatistics);
            extra.Add(($"received from {interfaceName}", HostDashboard.N(received)));
            extra.Add(($"dropped by the kernel before the replay (its ring was full)", HostDashboard.N(dropped)));
            if (dropped > 0)
            {
                stderr.WriteLine($"vmdq: warning: the kernel dropped {Frames(dropped)} from {interfaceName} before the replay could take them (its ring was full).");
            }
        });
        return code;
    }

    /// <summary>
    /// Starts the host, lets <paramref name="feed"/> offer the frames (calling its argument now and then, so the live
    /// view can refresh), drains the host, and writes the table, the summary and the output files.
    /// </summary>
    private static int Run(
        ReplayRequest request,
        EmulatedHost host,
        RuntimeDispatcher dispatcher,
        ReplayOutputs outputs,
        string title,
        long? total,
        TextWriter stdout,
        Action<Action> feed,
        List<(string Figure, string Value)> extra,
        Func<IReadOnlyList<InputFrame>> frames,
        Action? fed = null)
    {
        bool live = !request.NoLive && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = live ? AnsiConsole.Console : PlainConsole(stdout);

        host.Start();
        if (live)
        {
            console.Live(HostDashboard.Render(host, total, title)).AutoClear(false).Start(ctx =>
            {
                var lastRefresh = DateTime.UtcNow;
                feed(() =>
                {
                    if ((DateTime.UtcNow - lastRefresh).TotalMilliseconds > 250)
                    {
                        ctx.UpdateTarget(HostDashboard.Render(host, total, title));
                        lastRefresh = DateTime.UtcNow;
                    }
                });
                fed?.Invoke();
                host.Drain();
                ctx.UpdateTarget(HostDashboard.Render(host, total, title));
            });
        }
        else
        {
            console.MarkupLine($"{Markup.Escape(title)}");
            feed(() => { });
            fed?.Invoke();
            host.Drain();
            console.Write(HostDashboard.Table(host.Nic.Snapshot(), host.Nic.Name).Border(TableBorder.Ascii));
            foreach (string e in host.Events)
            {
                console.MarkupLine(e);
            }
        }

        var summary = HostDashboard.Summary(host, out bool conserved);
        foreach (var (figure, value) in extra)
        {
            summary.AddRow(Markup.Escape(figure), Markup.Escape(value));
        }

        console.Write(live ? summary : summary.Border(TableBorder.Ascii));
        console.MarkupLine(conserved ? "[green]conservation: OK[/]" : "[red]conservation: FAILED[/] (an emulator bug: please report it)");

        if (request.Verdicts is not null || request.Split is not null)
        {
            var replayed = Outcomes(frames(), dispatcher, host);
            foreach (string line in outputs.Write(replayed, new Explainer(dispatcher), dispatcher.Info))
            {
                console.WriteLine(line);
            }
        }

        return conserved ? 0 : 1;
    }

    /// <summary>Runs <paramref name="use"/> on a live interface, turning its errors (no such interface, no CAP_NET_RAW, not Linux) into usage errors.</summary>
    private static T Open<T>(Func<T> use)
    {
        try
        {
            return use();
        }
        catch (Exception e) when (e is InterfaceException or PlatformNotSupportedException)
        {
            throw new CliUsageException(e.Message);
        }
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

    private static string Frames(long count) => count == 1 ? "1 frame" : $"{count.ToString(CultureInfo.InvariantCulture)} frames";

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds == 1 ? "1 second" : $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} seconds";
}

/// <summary>The arguments of one <c>vmdq replay</c>.</summary>
/// <param name="Rules">The rules file.</param>
/// <param name="Capture">The capture, or null for a live replay (<see cref="Interface"/>).</param>
/// <param name="Verdicts">Where to write the JSON lines, or null.</param>
/// <param name="Split">Where to write the per-pool pcapng files, or null.</param>
/// <param name="RateMfps">The offered load in millions of frames/s (0 unpaced), or null for a lossless replay.</param>
/// <param name="NoLive">True for plain output even on a terminal.</param>
internal sealed record ReplayRequest(string Rules, string? Capture, string? Verdicts, string? Split, double? RateMfps, bool NoLive)
{
    /// <summary>The live interface to receive from instead of a capture, or null.</summary>
    public string? Interface { get; init; }

    /// <summary>With <see cref="Interface"/>: stop after this many frames, or null.</summary>
    public long? Count { get; init; }

    /// <summary>With <see cref="Interface"/>: stop after this long, or null.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>With <see cref="Interface"/>: receive frames for other MAC addresses too.</summary>
    public bool Promiscuous { get; init; }

    /// <summary>With <see cref="Capture"/>: the interface to send the capture's Ethernet frames out of, or null.</summary>
    public string? Transmit { get; init; }
}
