using Vmdq.Toolkit.Capture;

namespace Vmdq.Samples.MultiTenantHost;

/// <summary>Loads the Ethernet frames of a pcap or pcapng capture.</summary>
internal static class Replay
{
    public static byte[][] Load(string path) =>
        CaptureReader.ReadFile(path).Where(f => f.IsEthernet).Select(f => f.Data.ToArray()).ToArray();
}
