using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Samples.MultiTenantHost;

/// <summary>What the sample shows: the per-pool/queue table, the event log, and the progress.</summary>
internal static class Dashboard
{
    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static IRenderable Render(HostRun run, long total, string title)
    {
        var snapshot = run.Nic.Snapshot();
        double seconds = Math.Max(run.Clock.Elapsed.TotalSeconds, 1e-3);
        var label = new Markup($"[bold]{Markup.Escape(title)}[/]: {N(run.Received)} of {N(total)} frames, {run.Received / seconds / 1e6:F2} M frames/s, {seconds:F1} s");
        var bar = new BarChart()
            .Width(80)
            .WithMaxValue(100)
            .AddItem("progress %", Math.Round(100.0 * run.Received / Math.Max(1, total), 1), Color.Green);
        var events = new Panel(new Markup(run.Events.IsEmpty ? "[grey]no events yet[/]" : string.Join("\n", run.Events)))
            .Header("control plane and congestion events")
            .Expand();
        return new Rows(label, bar, Table(snapshot, run), events);
    }

    public static Table Table(NicSnapshot snapshot, HostRun run)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]host-nic0: pools and queues[/]")
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

    private static string Red(long value) => value == 0 ? "[grey]0[/]" : $"[red]{N(value)}[/]";
}
