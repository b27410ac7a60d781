using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Toolkit.LiveProbe;

/// <summary>
/// <c>LiveProbe SEND-IF RECEIVE-IF RULES CAPTURE...</c>: sends every frame of each capture on SEND-IF and receives on
/// RECEIVE-IF (the other end of a veth pair), classifying each frame as read from the capture and as received.
/// Prints one JSON object per capture frame, then one per unexpected received frame, then a summary; the test decides
/// what is right. <c>LiveProbe --send IF CAPTURE...</c> only sends (for tests of programs that receive), printing a summary.
/// Exit code 0 when it ran to the end, 2 when it could not (the message on stderr).
/// </summary>
internal static class Program
{
    private static readonly JsonSerializerOptions s_json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static async Task<int> Main(string[] args)
    {
        if (args.Length < (args.Length > 0 && args[0] == "--send" ? 3 : 4))
        {
            Console.Error.WriteLine("usage: LiveProbe SEND-IF RECEIVE-IF RULES CAPTURE... | LiveProbe --send IF CAPTURE...");
            return 2;
        }

        try
        {
            if (args[0] == "--send")
            {
                Send(args[1], args[2..]);
                return 0;
            }

            await Run(args[0], args[1], args[2], args[3..]);
            return 0;
        }
        catch (Exception e) when (e is InterfaceException or IOException or PlatformNotSupportedException)
        {
            Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
            return 2;
        }
    }

    private static void Send(string sendInterface, string[] captures)
    {
        using var sender = InterfaceSender.Open(sendInterface);
        foreach (string capture in captures)
        {
            foreach (var frame in CaptureReader.ReadFile(capture))
            {
                sender.Send(frame.Data.Span);
            }
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(new { kind = "summary", sent = sender.FramesSent, notSendable = sender.FramesNotSendable }, s_json));
    }

    private static async Task Run(string sendInterface, string receiveInterface, string rulesPath, string[] captures)
    {
        var load = RuntimeDispatcher.LoadFile(rulesPath);
        var dispatcher = load.Dispatcher ?? throw new IOException("The rules have errors: " + string.Join("; ", load.Diagnostics));
        using var receiver = InterfaceReceiver.Open(receiveInterface);
        using var sender = InterfaceSender.Open(sendInterface);
        Console.Out.WriteLine(JsonSerializer.Serialize(new { kind = "open", sender = sender.InterfaceName, sendMtu = sender.Mtu, receiver = receiver.InterfaceName }, s_json));
        var received = new List<(byte[] Bytes, ReceivedFrameInfo Info)>();
        ReceivedFrameHandler collect = (ReadOnlySpan<byte> frame, in ReceivedFrameInfo info) => received.Add((frame.ToArray(), info));
        foreach (string capture in captures)
        {
            var frames = CaptureReader.ReadFile(capture).ToArray();
            var results = frames.Select(f => sender.Send(f.Data.Span)).ToArray();
            int expected = results.Count(r => r == SendResult.Sent);
            received.Clear();

            // Receive until every sent frame is in, then a little longer so that extra frames show up too.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (received.Count < expected && DateTime.UtcNow < deadline)
            {
                receiver.Receive(collect, TimeSpan.FromMilliseconds(200));
            }

            receiver.Receive(collect, TimeSpan.FromMilliseconds(100));
            int next = 0;
            for (int i = 0; i < frames.Length; i++)
            {
                var data = frames[i].Data.Span;
                byte[]? live = null;
                ReceivedFrameInfo info = default;
                if (results[i] == SendResult.Sent && next < received.Count)
                {
                    (live, info) = received[next++];
                }

                Console.Out.WriteLine(JsonSerializer.Serialize(new FrameLine(
                    "frame", Path.GetFileName(capture), frames[i].Number, data.Length, results[i].ToString(), Tag(data),
                    dispatcher.Classify(data).ToString(),
                    live is null ? null : live.AsSpan().SequenceEqual(data),
                    live is null ? null : dispatcher.Classify(live).ToString(),
                    live is null ? null : Tag(live),
                    live is null ? null : info.VlanTagRestored,
                    live is null ? null : info.OriginalLength), s_json));
            }

            for (; next < received.Count; next++)
            {
                var (bytes, _) = received[next];
                Console.Out.WriteLine(JsonSerializer.Serialize(new { kind = "extra", capture = Path.GetFileName(capture), length = bytes.Length, head = Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 34))) }, s_json));
            }
        }

        await Stream(sender, receiver, captures[^1]);
        var (kernelReceived, kernelDropped) = receiver.ReadKernelStatistics();
        Console.Out.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "summary",
            sent = sender.FramesSent,
            notSendable = sender.FramesNotSendable,
            received = receiver.FramesReceived,
            kernelReceived,
            kernelDropped,
        }, s_json));
    }

    /// <summary>
    /// The last capture's sendable frames once more: read on the receiving end through <see cref="InterfaceReceiver.ReadAllAsync"/>,
    /// and on the sending end by one receiver that includes outgoing frames and one that does not (the default).
    /// </summary>
    private static async Task Stream(InterfaceSender sender, InterfaceReceiver receiver, string capture)
    {
        var frames = CaptureReader.ReadFile(capture).Select(f => f.Data.ToArray()).Where(f => sender.Check(f) == SendResult.Sent).ToArray();
        using var outgoing = InterfaceReceiver.Open(sender.InterfaceName, new InterfaceReceiverOptions { IncludeOutgoing = true });
        using var incomingOnly = InterfaceReceiver.Open(sender.InterfaceName);
        long before = receiver.FramesReceived;
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        foreach (var frame in frames)
        {
            sender.Send(frame);
        }

        var streamed = new List<CapturedFrame>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await foreach (var frame in receiver.ReadAllAsync(timeout.Token))
            {
                streamed.Add(frame);
                if (streamed.Count == frames.Length)
                {
                    break;
                }
            }
        }

        var sent = new List<(byte[] Bytes, bool Outgoing)>();
        ReceivedFrameHandler collect = (ReadOnlySpan<byte> frame, in ReceivedFrameInfo info) => sent.Add((frame.ToArray(), info.Outgoing));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sent.Count < frames.Length && DateTime.UtcNow < deadline)
        {
            outgoing.Receive(collect, TimeSpan.FromMilliseconds(200));
        }

        int seenWithoutOutgoing = 0;
        incomingOnly.Receive((ReadOnlySpan<byte> frame, in ReceivedFrameInfo info) => seenWithoutOutgoing++, TimeSpan.FromMilliseconds(300));
        Console.Out.WriteLine(JsonSerializer.Serialize(new
        {
            kind = "stream",
            expected = frames.Length,
            streamed = streamed.Count,
            streamedSame = streamed.Select(f => f.Data.ToArray()).Zip(frames).All(p => p.First.AsSpan().SequenceEqual(p.Second)),
            numbers = streamed.Select(f => f.Number - before).ToArray(),
            timestampsAfterStart = streamed.All(f => f.TimestampNanoseconds >= start - 1_000_000_000 && f.IsEthernet),
            outgoing = sent.Count,
            outgoingFlagged = sent.All(f => f.Outgoing),
            outgoingSame = sent.Select(f => f.Bytes).Zip(frames).All(p => p.First.AsSpan().SequenceEqual(p.Second)),
            seenWithoutOutgoing,
        }, s_json));
    }

    /// <summary>The outer tag's TPID and TCI as "8100:0066", or null for an untagged frame.</summary>
    private static string? Tag(ReadOnlySpan<byte> frame) =>
        frame.Length >= 16 && (frame[12] << 8 | frame[13]) is 0x8100 or 0x88A8
            ? Convert.ToHexString(frame.Slice(12, 2)) + ":" + Convert.ToHexString(frame.Slice(14, 2))
            : null;

    /// <summary>One capture frame: how it was sent and what arrived for it.</summary>
    private sealed record FrameLine(
        string Kind, string Capture, int Number, int Length, string Send, string? Tag, string Verdict,
        bool? SameBytes, string? LiveVerdict, string? LiveTag, bool? Restored, int? LiveOriginalLength);
}
