using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using Vmdq.Toolkit.Capture;

namespace Vmdq.Cli;

/// <summary>One frame to explain: its bytes and, when it came from a capture, what the capture says about it.</summary>
/// <param name="Index">0-based position among the input's frames (what <c>--index</c> selects).</param>
/// <param name="Data">The frame's bytes, from its destination MAC.</param>
/// <param name="Captured">The capture record, or null for a <c>--frame</c> frame.</param>
internal sealed record InputFrame(int Index, byte[] Data, CapturedFrame? Captured);

/// <summary>Reads the frames <c>vmdq explain</c> explains, turning every bad input into a one-line usage error.</summary>
internal static class FrameInput
{
    /// <summary>
    /// The bytes of <paramref name="hex"/>: pairs of hex digits, with spaces, tabs, colons, dashes or dots
    /// between them allowed anywhere and an optional leading <c>0x</c> (so tcpdump, Wireshark and
    /// <c>xxd -p</c> output all paste in). An empty string is a 0-byte frame, which has a defined verdict too.
    /// </summary>
    /// <exception cref="CliUsageException">A character is not a hex digit or a separator, or the digits are odd in number.</exception>
    public static byte[] ParseHex(string hex)
    {
        string text = hex.Trim();
        int start = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? 2 : 0;
        var nibbles = new List<int>(text.Length);
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n' or ':' or '-' or '.')
            {
                continue;
            }

            int value = HexValue(c);
            if (value < 0)
            {
                throw new CliUsageException($"--frame: '{c}' at position {i + 1} is not a hex digit (expected bytes like '01:00:5e:...' or '01005e...').");
            }

            nibbles.Add(value);
        }

        if (nibbles.Count % 2 != 0)
        {
            throw new CliUsageException($"--frame: {nibbles.Count} hex digits is an odd number; every byte needs two digits.");
        }

        var bytes = new byte[nibbles.Count / 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((nibbles[2 * i] << 4) | nibbles[(2 * i) + 1]);
        }

        return bytes;
    }

    /// <summary>
    /// The frames of the capture at <paramref name="path"/> that <paramref name="index"/> selects: that one frame
    /// (0-based), or every frame when it is null. A capture that breaks off part way keeps the frames before the
    /// break when the selection lies there, and says where it broke in <paramref name="warning"/>.
    /// </summary>
    /// <param name="path">The capture file.</param>
    /// <param name="index">The frame to read, or null for all.</param>
    /// <param name="warning">Where the capture broke off, if it did.</param>
    /// <param name="doing">What the command does with the frames, for the warning (<c>explaining</c>, <c>replaying</c>).</param>
    /// <exception cref="CliUsageException">The file cannot be read, is not a capture, or has no frame at <paramref name="index"/>.</exception>
    public static IReadOnlyList<InputFrame> ReadCapture(string path, int? index, out string? warning, string doing = "explaining")
    {
        warning = null;
        if (Directory.Exists(path))
        {
            throw new CliUsageException($"cannot read capture '{path}': it is a directory.");
        }

        if (!File.Exists(path))
        {
            throw new CliUsageException($"cannot read capture '{path}': no such file.");
        }

        var frames = new List<InputFrame>();
        int read = 0;
        try
        {
            foreach (var frame in CaptureReader.ReadFile(path))
            {
                if (index is null || read == index)
                {
                    frames.Add(new InputFrame(read, frame.Data.ToArray(), frame));
                }

                read++;
                if (index is not null && read > index)
                {
                    // The frame asked for is read; what follows it cannot change its explanation.
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException)
        {
            throw new CliUsageException($"cannot read capture '{path}': {e.Message}");
        }
        catch (InvalidDataException e)
        {
            if (read == 0)
            {
                throw new CliUsageException($"'{path}' is not a pcap or pcapng capture: {e.Message}");
            }

            if (index is not null)
            {
                throw new CliUsageException($"'{path}' breaks off after {Frames(read)}, before frame {index} (0-based): {e.Message}");
            }

            warning = $"'{path}' breaks off after {Frames(read)} ({e.Message}); {doing} the frames before the break.";
        }

        if (index is not null && frames.Count == 0)
        {
            throw new CliUsageException(read == 0
                ? $"'{path}' has no frames."
                : $"--index {index}: '{path}' has {Frames(read)}, so the index (0-based) must be 0..{read - 1}.");
        }

        return frames;
    }

    private static string Frames(int count) => count == 1 ? "1 frame" : $"{count} frames";

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
