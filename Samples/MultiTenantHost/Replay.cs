using Vmdq.Toolkit.Capture;

namespace Vmdq.Samples.MultiTenantHost;

/// <summary>Loads the Ethernet frames of a pcap or pcapng capture.</summary>
internal static class Replay
{
    /// <summary>
    /// The capture's Ethernet frames. A file that cannot be read or is not a capture gives an error and no
    /// frames; a capture that breaks off part way (truncated, corrupt block) keeps the frames read before
    /// the break and says where it broke (<paramref name="warning"/>), so nothing before it is lost.
    /// </summary>
    public static byte[][] Load(string path, out string? error, out string? warning)
    {
        error = null;
        warning = null;
        var frames = new List<byte[]>();
        int read = 0;
        try
        {
            foreach (var frame in CaptureReader.ReadFile(path))
            {
                read++;
                if (frame.IsEthernet)
                {
                    frames.Add(frame.Data.ToArray());
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read {path}: {ex.Message}";
            return [];
        }
        catch (InvalidDataException ex)
        {
            if (read == 0)
            {
                error = $"{path} is not a capture this sample can replay: {ex.Message}";
                return [];
            }

            warning = $"{path} breaks off after {read} frames ({ex.Message}); replaying the frames before the break.";
        }

        return frames.ToArray();
    }
}
