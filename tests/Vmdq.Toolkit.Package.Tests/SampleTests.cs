using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Vmdq.Toolkit.Package.Tests;

/// <summary>The README's main command works: the sample builds its rules, drives the emulator and accounts for every frame.</summary>
[Collection(ReleaseBuilds.Name)]
public class SampleTests
{
    private static string Root => typeof(SampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public void MultiTenantHostRunsAndEveryFrameIsAccountedFor()
    {
        var (code, output) = DotNet.Run(Root, "run", "--project", Path.Combine("Samples", "MultiTenantHost"), "-c", "Release", "--",
            "--no-live", "--frames", "400000", "--rate", "1");
        Assert.True(code == 0, output);
        Assert.Contains("conservation: OK", output);
        Assert.Contains("line 23: vxlan 5001", output);
        Assert.Contains("web:2", output);
        // Congestion depends on thread timing; the emulator's MonitoringTests check it deterministically.
        Assert.Contains("rebound pool db to queue 3 only", output);
        // The rss pool starts on one queue, served by one consumer thread per queue; the balancer's decisions
        // depend on timing too (QueueBalancerTests measure them on a fake clock).
        Assert.Contains("rss pool analytics: redirection table on queue 0 only", output);
        Assert.Contains("attached analytics-vm to pool analytics (queues 0,1,2,3; one vCPU per queue 0-3)", output);

        // The transmit scenes run on a simulated clock: their figures are the same on every machine.
        Assert.Contains("1,000 delivered to storage's RX ring by the NIC's switch, 0 on the wire (1,000 switched locally", output);
        Assert.Contains("refused (1 MAC spoof drop); event: VM 'web-vm' on web queue 0: 1 frame(s) refused by MAC anti-spoofing", output);
        Assert.Contains("53.8%", output);
        Assert.Contains("transmit conservation: OK", output);
    }

    [Fact]
    public void MultiTenantHostReplaysACapture()
    {
        string capture = Path.Combine(Root, "tests", "Vmdq.Toolkit.Runtime.Tests", "Corpus", "tcpdump-vxlan.pcap");
        var (code, output) = DotNet.Run(Root, "run", "--project", Path.Combine("Samples", "MultiTenantHost"), "-c", "Release", "--",
            "--no-live", "--replay", capture, "--loops", "2000", "--rate", "0");
        Assert.True(code == 0, output);
        Assert.Contains("replaying tcpdump-vxlan.pcap (10 frames) x 2,000", output);
        Assert.Contains("conservation: OK", output);
    }

    [Fact]
    public void BadCapturesGetAClearErrorAndATruncatedOneKeepsItsFrames()
    {
        // Missing file, a file that is not a capture: exit 2 with one clear line, no stack trace.
        string dir = DotNet.TempDirectory("replay");
        string notCapture = Path.Combine(dir, "notes.pcap");
        File.WriteAllText(notCapture, "this is not a capture\n");
        foreach (var (path, message) in new[] { (Path.Combine(dir, "missing.pcap"), "cannot read"), (notCapture, "is not a capture this sample can replay") })
        {
            var (code, output) = DotNet.Run(Root, "run", "--project", Path.Combine("Samples", "MultiTenantHost"), "-c", "Release", "--",
                "--no-live", "--replay", path, "--loops", "1", "--rate", "0");
            Assert.True(code == 2, output);
            Assert.Contains(message, output);
            Assert.DoesNotContain("   at ", output);
        }

        // The corpus capture cut in the middle of its last frame: the frames before the cut are replayed.
        byte[] whole = File.ReadAllBytes(Path.Combine(Root, "tests", "Vmdq.Toolkit.Runtime.Tests", "Corpus", "tcpdump-vxlan.pcap"));
        string truncated = Path.Combine(dir, "truncated.pcap");
        File.WriteAllBytes(truncated, whole.AsSpan(0, whole.Length - 20).ToArray());
        var (truncatedCode, truncatedOutput) = DotNet.Run(Root, "run", "--project", Path.Combine("Samples", "MultiTenantHost"), "-c", "Release", "--",
            "--no-live", "--replay", truncated, "--loops", "10", "--rate", "0");
        Assert.True(truncatedCode == 0, truncatedOutput);
        Assert.Contains("breaks off after", truncatedOutput);
        Assert.Contains("replaying truncated.pcap (9 frames) x 10", truncatedOutput);
        Assert.Contains("conservation: OK", truncatedOutput);
    }

    [Fact]
    public void BadOptionsPrintUsage()
    {
        var (code, output) = DotNet.Run(Root, "run", "--project", Path.Combine("Samples", "MultiTenantHost"), "-c", "Release", "--", "--frames");
        Assert.Equal(2, code);
        Assert.Contains("Usage:", output);
    }
}
