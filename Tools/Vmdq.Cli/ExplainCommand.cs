using System.Collections.Generic;
using System.Globalization;
using System.CommandLine;
using System.IO;
using System.Linq;

namespace Vmdq.Cli;

/// <summary><c>vmdq explain FILE (--frame HEX | --pcap CAP [--index N | --all]) [--json]</c>.</summary>
internal static class ExplainCommand
{
    /// <summary>Builds the command; its action writes to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "The rules file." };
        var frame = new Option<string?>("--frame")
        {
            Description = "One frame as hex, from its destination MAC (spaces, colons, dashes and dots between digits allowed; quote it).",
            HelpName = "HEX",
        };
        var pcap = new Option<string?>("--pcap")
        {
            Description = "A pcap or pcapng capture; explains its first frame unless --index or --all says otherwise.",
            HelpName = "CAP",
        };
        var index = new Option<int?>("--index")
        {
            Description = "With --pcap: the frame to explain, counted from 0 (the first frame is 0, not 1 as in Wireshark).",
            HelpName = "N",
        };
        index.CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (!int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 0)
            {
                result.AddError($"--index '{token}': a frame number counted from 0 (0, 1, 2...) is expected.");
                return null;
            }

            return n;
        };
        var all = new Option<bool>("--all") { Description = "With --pcap: explain every frame." };
        var json = new Option<bool>("--json") { Description = "Write JSON (one object, or an array with --all) instead of text." };

        var command = new Command(
            "explain",
            "Explain where frames go: the fields the dispatcher parses, its verdict, the deciding rule, and the rules that also matched and why they lost. Exit code: 0 explained, 1 the rules file has errors, 2 usage error or unreadable input.")
        {
            file, frame, pcap, index, all, json,
        };

        // Usage errors are parse errors, so they end as every other one does (a message, exit code 2).
        command.Validators.Add(result =>
        {
            bool hasFrame = result.GetResult(frame) is not null, hasPcap = result.GetResult(pcap) is not null;
            bool hasIndex = result.GetResult(index) is not null, hasAll = result.GetValue(all);
            if (hasFrame == hasPcap)
            {
                result.AddError("Give exactly one of --frame HEX and --pcap CAP.");
            }

            if ((hasIndex || hasAll) && !hasPcap)
            {
                result.AddError("--index and --all select frames of a capture: use them with --pcap.");
            }

            if (hasIndex && hasAll)
            {
                result.AddError("Give --index N or --all, not both.");
            }
        });

        command.SetAction(parsed => Execute(
            parsed.GetValue(file)!, parsed.GetValue(frame), parsed.GetValue(pcap), parsed.GetValue(index), parsed.GetValue(all),
            parsed.GetValue(json), stdout, stderr));
        return command;
    }

    /// <summary>Explains the frames and writes the report; returns the exit code.</summary>
    internal static int Execute(string path, string? hex, string? capture, int? index, bool all, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (RulesInput.Load(path, "explain", stderr) is not { } dispatcher)
        {
            return 1;
        }

        string? warning = null;
        IReadOnlyList<InputFrame> frames = hex is not null
            ? [new InputFrame(0, FrameInput.ParseHex(hex), null)]
            : FrameInput.ReadCapture(capture!, all ? null : index ?? 0, out warning);

        var explainer = new Explainer(dispatcher);
        var explanations = frames.Select(explainer.Explain).ToArray();
        if (json)
        {
            ExplainJson.Write(explanations, asArray: all, stdout);
        }
        else
        {
            ExplainText.Write(explanations, stdout);
        }

        if (warning is not null)
        {
            stderr.WriteLine($"vmdq: warning: {warning}");
        }

        if (all && frames.Count == 0)
        {
            stderr.WriteLine($"vmdq: '{capture}' has no frames.");
        }

        return 0;
    }
}
