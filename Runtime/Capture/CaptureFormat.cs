namespace Vmdq.Toolkit.Capture;

/// <summary>The container format of a capture file.</summary>
public enum CaptureFormat
{
    /// <summary>Classic libpcap format (microsecond or nanosecond timestamps, either byte order).</summary>
    Pcap,
    /// <summary>pcapng (one or more sections, either byte order).</summary>
    PcapNg,
}
