using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using System.Text.Json;
using Vmdq.Hosting;
using Vmdq.Toolkit;
using Vmdq.Toolkit.Capture;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Cli;

/// <summary>What became of one replayed frame: its verdict and the pools (and queues) whose VMs received it.</summary>
/// <param name="Frame">The frame as read from the capture.</param>
/// <param name="Verdict">The dispatcher's verdict for its bytes (null for a frame that is not Ethernet, which is not replayed).</param>
/// <param name="Delivered">The deliveries, in pool order; a replicated frame has one per pool that took it.</param>
/// <param name="Outcome">
/// <c>delivered</c>; <c>rule_drop</c>, <c>runt</c> or <c>oversize</c> (the NIC's drop reasons); <c>not_delivered</c> or
/// <c>partly_delivered</c> (ring full or no buffer, for all or some of its pools); <c>not_ethernet</c> (not replayed).
/// </param>
internal sealed record ReplayedFrame(InputFrame Frame, Verdict? Verdict, IReadOnlyList<Delivery> Delivered, string Outcome);

/// <summary>
/// The files <c>vmdq replay</c> writes: <c>--verdicts</c> (JSON lines) and <c>--split</c> (a pcapng per pool, and
/// <c>dropped.pcapng</c>). Opened before the replay, so an unwritable path is a usage error before any work, and
/// written after it.
/// </summary>
internal sealed class ReplayOutputs : IDisposable
{
    /// <summary>The file of <c>--split</c> that holds the frames no pool received.</summary>
    public const string DroppedFile = "dropped.pcapng";

    private readonly StreamWriter? _verdicts;
    private readonly string? _verdictsPath;
    private readonly Dictionary<int, (string Path, PcapNgWriter Writer)> _pools = new();
    private (string Path, PcapNgWriter Writer)? _dropped;

    private ReplayOutputs(string? verdictsPath, StreamWriter? verdicts)
    {
        _verdictsPath = verdictsPath;
        _verdicts = verdicts;
    }

    /// <summary>The name of <paramref name="pool"/>'s file in the <c>--split</c> directory: <c>{index}-{name}.pcapng</c>.</summary>
    public static string PoolFile(int pool, string name) => $"{pool.ToString(CultureInfo.InvariantCulture)}-{name}.pcapng";

    /// <summary>Creates the files: the verdicts file, and the split directory with one file per pool in <paramref name="pools"/> and <see cref="DroppedFile"/>.</summary>
    /// <exception cref="CliUsageException">A file or the directory cannot be created or written.</exception>
    public static ReplayOutputs Open(string? verdictsPath, string? splitDirectory, IEnumerable<(int Index, string Name)> pools)
    {
        StreamWriter? verdicts = null;
        if (verdictsPath is not null)
        {
            verdicts = Create(verdictsPath, "--verdicts file", path => new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" });
        }

        var outputs = new ReplayOutputs(verdictsPath, verdicts);
        if (splitDirectory is null)
        {
            return outputs;
        }

        try
        {
            if (File.Exists(splitDirectory))
            {
                throw new CliUsageException($"cannot write --split directory '{splitDirectory}': it is a file.");
            }

            try
            {
                Directory.CreateDirectory(splitDirectory);
            }
            catch (Exception e) when (IsIoError(e))
            {
                throw new CliUsageException($"cannot create --split directory '{splitDirectory}': {e.Message}");
            }

            foreach (var (index, name) in pools)
            {
                string path = Path.Combine(splitDirectory, PoolFile(index, name));
                outputs._pools[index] = (path, Create(path, "--split file", p => new PcapNgWriter(File.Create(p))));
            }

            string dropped = Path.Combine(splitDirectory, DroppedFile);
            outputs._dropped = (dropped, Create(dropped, "--split file", p => new PcapNgWriter(File.Create(p))));
            return outputs;
        }
        catch
        {
            outputs.Dispose();
            throw;
        }
    }

    /// <summary>Writes every frame's line to the verdicts file and every delivered frame to its pools' files (the rest to <see cref="DroppedFile"/>).</summary>
    /// <returns>What was written, one line per file, for the report.</returns>
    /// <exception cref="CliUsageException">A write failed (disk full...).</exception>
    public IReadOnlyList<string> Write(IReadOnlyList<ReplayedFrame> frames, Explainer explainer, DispatcherInfo info)
    {
        var written = new List<string>();
        try
        {
            if (_verdicts is not null)
            {
                foreach (var frame in frames)
                {
                    _verdicts.WriteLine(VerdictLine(frame, explainer, info));
                }

                _verdicts.Flush();
                written.Add($"verdicts: {Lines(frames.Count)} in {_verdictsPath}");
            }

            if (_dropped is { } dropped)
            {
                foreach (var frame in frames)
                {
                    var captured = frame.Frame.Captured!.Value;
                    if (frame.Verdict is null)
                    {
                        continue;
                    }

                    if (frame.Delivered.Count == 0)
                    {
                        dropped.Writer.Write(captured.TimestampNanoseconds, frame.Frame.Data, captured.OriginalLength);
                    }

                    foreach (var delivery in frame.Delivered)
                    {
                        _pools[delivery.Pool].Writer.Write(captured.TimestampNanoseconds, frame.Frame.Data, captured.OriginalLength);
                    }
                }

                foreach (var (_, (path, writer)) in _pools.OrderBy(p => p.Key))
                {
                    writer.Dispose();
                    written.Add($"split: {Frames(writer.Count)} in {path}");
                }

                dropped.Writer.Dispose();
                written.Add($"split: {Frames(dropped.Writer.Count)} no pool received in {dropped.Path}");
            }
        }
        catch (Exception e) when (IsIoError(e))
        {
            throw new CliUsageException($"cannot write the replay's output files: {e.Message}");
        }

        return written;
    }

    /// <summary>Closes the files.</summary>
    public void Dispose()
    {
        _verdicts?.Dispose();
        foreach (var (_, writer) in _pools.Values)
        {
            writer.Dispose();
        }

        _dropped?.Writer.Dispose();
    }

    /// <summary>
    /// One line of <c>--verdicts</c>: <c>{index, captureFrame, timestamp, length, originalLength, verdict{...as explain
    /// --json...}, delivered[{pool, poolName, queue}], outcome}</c>; <c>timestamp</c> is ISO 8601 UTC to the nanosecond,
    /// or null when the capture records none; <c>verdict</c> is null for a frame that is not Ethernet.
    /// </summary>
    internal static string VerdictLine(ReplayedFrame frame, Explainer explainer, DispatcherInfo info)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var captured = frame.Frame.Captured!.Value;
            json.WriteStartObject();
            json.WriteNumber("index", frame.Frame.Index);
            json.WriteNumber("captureFrame", captured.Number);
            ExplainJson.StringOrNull(json, "timestamp", captured.TimestampNanoseconds > 0 ? Timestamp(captured.TimestampNanoseconds) : null);
            json.WriteNumber("length", frame.Frame.Data.Length);
            json.WriteNumber("originalLength", captured.OriginalLength);
            if (frame.Verdict is { } verdict)
            {
                var (target, decider, replicas) = explainer.Describe(verdict);
                ExplainJson.WriteVerdict(json, verdict, target, decider, replicas);
            }
            else
            {
                json.WriteNull("verdict");
            }

            json.WriteStartArray("delivered");
            foreach (var delivery in frame.Delivered)
            {
                json.WriteStartObject();
                json.WriteNumber("pool", delivery.Pool);
                json.WriteString("poolName", info.PoolName(delivery.Pool));
                json.WriteNumber("queue", delivery.Queue);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("outcome", frame.Outcome);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary><paramref name="nanoseconds"/> since the Unix epoch as <c>2014-02-05T12:34:56.123456789Z</c>.</summary>
    internal static string Timestamp(long nanoseconds)
    {
        var seconds = DateTimeOffset.FromUnixTimeSeconds(nanoseconds / 1_000_000_000);
        return seconds.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + (nanoseconds % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture) + "Z";
    }

    private static T Create<T>(string path, string what, Func<string, T> open)
    {
        if (Directory.Exists(path))
        {
            throw new CliUsageException($"cannot write {what} '{path}': it is a directory.");
        }

        try
        {
            return open(path);
        }
        catch (Exception e) when (IsIoError(e))
        {
            throw new CliUsageException($"cannot write {what} '{path}': {e.Message}");
        }
    }

    private static bool IsIoError(Exception e) =>
        e is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException or ArgumentException;

    private static string Lines(int count) => count == 1 ? "1 line" : $"{count} lines";

    private static string Frames(long count) => count == 1 ? "1 frame" : $"{count} frames";
}
