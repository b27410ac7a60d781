using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Vmdq.Rules.Diagnostics;
using Vmdq.Toolkit;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Cli;

/// <summary>
/// <c>vmdq capture --interface IF [--rules FILE] [--count N] [--promiscuous] [--json]</c>: explains the frames a live
/// Linux interface receives, one by one as they arrive, as <c>vmdq explain</c> explains a capture's.
/// </summary>
internal static class CaptureCommand
{
    /// <summary>Builds the command; its action writes to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var iface = new Option<string>("--interface")
        {
            Description = "The Linux network interface to receive from (AF_PACKET socket; needs CAP_NET_RAW).",
            HelpName = "IF",
            Required = true,
        };
        var rules = new Option<string?>("--rules")
        {
            Description = "The rules file whose verdicts to show; without it every frame goes to the default pool and only its fields are of interest.",
            HelpName = "FILE",
        };
        var count = CountOption.Create("Stop after N frames (default: until interrupted with Ctrl+C).");
        var promiscuous = new Option<bool>("--promiscuous") { Description = "Receive frames addressed to other MAC addresses too (promiscuous mode while capturing)." };
        var json = new Option<bool>("--json") { Description = "Write one JSON object per line per frame (the fields of 'vmdq explain --json') instead of text." };

        var command = new Command(
            "capture",
            "Explain the frames a live Linux interface receives, as they arrive: fields, verdict, deciding rule and the rules that lost. "
            + "VLAN tags the kernel took out of frames are put back first. Exit code: 0 done, 1 the rules file has errors, 2 usage error, "
            + "unreadable input, or the interface cannot be opened (no such interface, no CAP_NET_RAW, not Linux).")
        {
            iface, rules, count, promiscuous, json,
        };

        command.SetAction(parsed =>
        {
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return Execute(
                    parsed.GetValue(iface)!, parsed.GetValue(rules), parsed.GetValue(count), parsed.GetValue(promiscuous), parsed.GetValue(json),
                    stdout, stderr, stop.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    /// <summary>Receives and explains frames until <paramref name="count"/> or <paramref name="cancellationToken"/>; returns the exit code.</summary>
    internal static int Execute(
        string interfaceName, string? rulesPath, long? count, bool promiscuous, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        RuntimeDispatcher dispatcher;
        if (rulesPath is null)
        {
            dispatcher = RuntimeDispatcher.Load(string.Empty, "(no rules)").Dispatcher!;
        }
        else if (Load(rulesPath, stderr) is { } loaded)
        {
            dispatcher = loaded;
        }
        else
        {
            return 1;
        }

        InterfaceReceiver receiver;
        try
        {
            receiver = InterfaceReceiver.Open(interfaceName, new InterfaceReceiverOptions { Promiscuous = promiscuous });
        }
        catch (Exception e) when (e is InterfaceException or PlatformNotSupportedException)
        {
            throw new CliUsageException(e.Message);
        }

        using (receiver)
        {
            // On stderr, so that stdout stays the explanations; scripts may wait for this line before sending.
            stderr.WriteLine($"vmdq: capturing on {interfaceName}{(count is { } n ? $" until {n} frame{(n == 1 ? string.Empty : "s")}" : string.Empty)}; Ctrl+C stops.");
            stderr.Flush();
            var explainer = new Explainer(dispatcher);
            long explained = 0;
            ReceivedFrameHandler explain = (ReadOnlySpan<byte> frame, in ReceivedFrameInfo info) =>
            {
                if (count is { } limit && explained >= limit)
                {
                    return; // the rest of the ring block, after the last frame asked for
                }

                var input = new InputFrame((int)Math.Min(explained, int.MaxValue), frame.ToArray(), info.ToCapturedFrame(frame));
                var explanation = explainer.Explain(input);
                if (json)
                {
                    WriteJsonLine(explanation, stdout);
                }
                else
                {
                    if (explained > 0)
                    {
                        stdout.WriteLine();
                    }

                    ExplainText.Write([explanation], stdout);
                }

                stdout.Flush();
                explained++;
            };

            try
            {
                while (!cancellationToken.IsCancellationRequested && (count is not { } limit || explained < limit))
                {
                    receiver.Receive(explain, TimeSpan.FromMilliseconds(200));
                }

                var (_, dropped) = receiver.ReadKernelStatistics();
                stderr.WriteLine($"vmdq: {explained} frame{(explained == 1 ? string.Empty : "s")} explained from {interfaceName}"
                    + (dropped > 0 ? $"; the kernel dropped {dropped} (the ring was full)." : "."));
            }
            catch (InterfaceException e)
            {
                throw new CliUsageException(e.Message);
            }
        }

        return 0;
    }

    /// <summary>Loads the rules file, printing its diagnostics as <c>vmdq explain</c> does; null when it has errors.</summary>
    private static RuntimeDispatcher? Load(string path, TextWriter stderr)
    {
        string text = InputFiles.ReadText(path, "rules file");
        var loaded = RuntimeDispatcher.Load(text, path);
        foreach (var diagnostic in loaded.Diagnostics)
        {
            if (diagnostic.Severity == RuleSeverity.Info && loaded.Dispatcher is not null)
            {
                continue;
            }

            stderr.WriteLine($"{path}{diagnostic.Span}: {ReportedDiagnostic.SeverityName(diagnostic.Severity)} {diagnostic.Id}: {diagnostic.Message}");
        }

        if (loaded.Dispatcher is null)
        {
            int errors = loaded.Diagnostics.Count(d => d.Severity == RuleSeverity.Error);
            stderr.WriteLine($"vmdq: {path} has {(errors == 1 ? "1 error" : $"{errors} errors")}; nothing to capture with.");
        }

        return loaded.Dispatcher;
    }

    /// <summary>The explanation as <c>vmdq explain --json</c> writes it, on one line (JSON lines: a frame as soon as it is explained).</summary>
    private static void WriteJsonLine(FrameExplanation explanation, TextWriter output)
    {
        using var indented = new StringWriter();
        ExplainJson.Write([explanation], asArray: false, indented);
        using var document = JsonDocument.Parse(indented.ToString());
        output.WriteLine(JsonSerializer.Serialize(document.RootElement, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
