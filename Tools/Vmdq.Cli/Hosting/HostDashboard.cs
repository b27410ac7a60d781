using System;
using System.Globalization;
using System.Linq;
using Spectre.Console;
using Spectre.Console.Rendering;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Hosting;

/// <summary>
/// What an <see cref="EmulatedHost"/> shows: the per-pool/queue table, the event log, the progress, and the summary
/// that checks every frame is accounted for. Shared by the MultiTenantHost sample and <c>vmdq replay</c>.
/// </summary>
internal static class HostDashboard
{
    /// <summary>A count as the tables print it (<c>12,000</c>).</summary>
    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The live view: a progress line and bar (when <paramref name="total"/> is known), the table and the event log.</summary>
    /// <param name="host">The host.</param>
    /// <param name="total">The frames the run will offer, or null when that is not known (frames from a live interface).</param>
    /// <param name="title">What is being run.</param>
    public static IRenderable Render(EmulatedHost host, long? total, string title)
    {
        var snapshot = host.Nic.Snapshot();
        double seconds = Math.Max(host.Clock.Elapsed.TotalSeconds, 1e-3);
        string progress = total is { } of ? $"{N(host.Received)} of {N(of)} frames" : $"{N(host.Received)} frames";
        var label = new Markup($"[bold]{Markup.Escape(title)}[/]: {progress}, {host.Received / seconds / 1e6:F2} M frames/s, {seconds:F1} s");
        var events = new Panel(new Markup(host.Events.IsEmpty ? "[grey]no events yet[/]" : string.Join("\n", host.Events)))
            .Header("control plane and congestion events")
            .Expand();
        if (total is not { } expected)
        {
            return new Rows(label, Table(snapshot, host.Nic.Name), events);
        }

        var bar = new BarChart()
            .Width(80)
            .WithMaxValue(100)
            .AddItem("progress %", Math.Round(100.0 * host.Received / Math.Max(1, expected), 1), Color.Green);
        return new Rows(label, bar, Table(snapshot, host.Nic.Name), events);
    }

    /// <summary>
    /// Every pool with a VM, traffic or drops (frames in, delivered, drops by reason, ring occupancy, congestion),
    /// each followed by its queues that saw traffic, and a last row for the port (runts and oversize frames are port drops).
    /// </summary>
    public static Table Table(NicSnapshot snapshot, string nicName)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(nicName)}: pools and queues[/]")
            .AddColumn("pool").AddColumn("VM").AddColumn("queue", c => c.RightAligned())
            .AddColumn("frames in", c => c.RightAligned()).AddColumn("delivered", c => c.RightAligned())
            .AddColumn("ring full", c => c.RightAligned()).AddColumn("rule drop", c => c.RightAligned())
            .AddColumn("no buffer", c => c.RightAligned()).AddColumn("ring", c => c.RightAligned()).AddColumn("state");
        foreach (var pool in snapshot.Pools.Where(p => p.Enqueued > 0 || p.Vm is not null || p.Drops.Total > 0))
        {
            table.AddRow(
                $"[bold]{pool.Index} {Markup.Escape(pool.Name)}[/]",
                Markup.Escape(pool.Vm ?? "-"),
                string.Join(",", pool.Queues),
                N(pool.Enqueued), N(pool.Dequeued),
                Red(pool.Drops.RingFull), Red(pool.Drops.RuleDrop), Red(pool.Drops.NoBuffer),
                N(pool.Occupancy),
                pool.CongestedQueues > 0 ? "[red]congested[/]" : "[green]ok[/]");
            foreach (var q in snapshot.Queues.Where(q => q.Pool == pool.Index && (q.Enqueued > 0 || q.Occupancy > 0 || q.Drops.Total > 0)))
            {
                table.AddRow(string.Empty, string.Empty, $"q{q.Queue}", N(q.Enqueued), N(q.Dequeued), Red(q.Drops.RingFull), Red(q.Drops.RuleDrop),
                    Red(q.Drops.NoBuffer), $"{q.Occupancy}/{q.Capacity}", q.IsCongested ? "[red]congested[/]" : q.IsBound ? "[green]ok[/]" : "[grey]unbound[/]");
            }
        }

        var port = snapshot.PortDrops;
        table.AddRow("[bold]port[/]", string.Empty, string.Empty, N(snapshot.Received), N(snapshot.Dequeued), Red(port.RingFull), Red(port.RuleDrop),
            Red(port.NoBuffer), N(snapshot.InRings), port.Runt + port.Oversize > 0 ? $"[yellow]runts {N(port.Runt)}, oversize {N(port.Oversize)}[/]" : "[green]ok[/]");
        return table;
    }

    /// <summary>
    /// The summary once the host is drained: frames, replicas, deliveries (in all and per VM), drops by reason,
    /// whether received + replicas = delivered + dropped, whether every buffer is back, and the throughput.
    /// </summary>
    /// <param name="host">The drained host.</param>
    /// <param name="conserved">True when every frame is accounted for and every buffer is back in the pool.</param>
    public static Table Summary(EmulatedHost host, out bool conserved)
    {
        var s = host.Nic.Snapshot();
        var buffers = host.Nic.CheckBuffers();
        bool balanced = s.IsBalanced && s.InRings == 0;
        bool buffersBack = buffers.Free == buffers.Total && buffers.Violations == 0;
        conserved = balanced && buffersBack;
        var summary = new Table().Border(TableBorder.Rounded).Title("[bold]summary[/]").AddColumn("figure").AddColumn("value", c => c.RightAligned());
        summary.AddRow("frames received", N(s.Received));
        summary.AddRow("broadcast/multicast replicas (no copies)", N(s.ReplicaCopies));
        summary.AddRow("delivered to VMs", N(s.Dequeued));
        summary.AddRow("dropped: ring full / rule / no buffer / runt / oversize",
            $"{N(s.Drops.RingFull)} / {N(s.Drops.RuleDrop)} / {N(s.Drops.NoBuffer)} / {N(s.Drops.Runt)} / {N(s.Drops.Oversize)}");
        summary.AddRow("received + replicas = delivered + dropped", balanced ? "[green]yes[/]" : "[red]NO[/]");
        summary.AddRow("buffers back in the pool", buffersBack ? $"[green]{N(buffers.Free)} of {N(buffers.Total)}[/]" : $"[red]{N(buffers.Free)} of {N(buffers.Total)}[/]");
        double seconds = Math.Max(host.Clock.Elapsed.TotalSeconds, 1e-3);
        summary.AddRow("throughput (classify + enqueue + dequeue)", $"{s.Received / seconds / 1e6:F2} M frames/s over {host.Clock.Elapsed.TotalSeconds:F1} s");
        foreach (var vm in host.Vms)
        {
            summary.AddRow($"delivered to {Markup.Escape(vm.Name)}", N(host.Delivered(vm.Name)));
        }

        return summary;
    }

    private static string Red(long value) => value == 0 ? "[grey]0[/]" : $"[red]{N(value)}[/]";
}
