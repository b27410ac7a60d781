using System.Globalization;
using Contoso.Fabric;
using Spectre.Console;
using Vmdq.Hosting;
using Vmdq.Samples.MultiTenantHost;
using Vmdq.Toolkit.Emulator;

// The main job: tenants.vmdq is compiled at build time into Contoso.Fabric.TenantDispatcher; this
// program explains a few verdicts, then drives the NIC emulator with VM consumer threads, shows the
// pools and queues live, rebalances, and checks that no frame was lost or delivered twice; then it runs the
// transmit side (VEB switching, anti-spoofing, ETS) on a simulated clock.
var options = HostOptions.Parse(args, out string? error);
if (options is null)
{
    if (!string.IsNullOrEmpty(error))
    {
        Console.Error.WriteLine(error);
    }

    Console.Error.WriteLine(HostOptions.Usage);
    return string.IsNullOrEmpty(error) ? 0 : 2;
}

if (Console.IsOutputRedirected)
{
    // Logs and CI: wide enough that the tables do not wrap.
    AnsiConsole.Profile.Width = 160;
}

string[] rulesLines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "tenants.vmdq"));
string RuleText(int line) => line == 0 ? "(no rule: default pool)" : $"line {line}: {rulesLines[line - 1].Split('#')[0].Trim()}";
string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

// The VMs, each attached to its pool, polling it on its own thread.
(string Vm, string Pool)[] tenantVms =
{
    ("hypervisor", "host"), ("web-vm", "web"), ("storage-vm", "storage"), ("db-vm", "db"), ("analytics-vm", "analytics"),
};

AnsiConsole.Write(new Rule($"[bold]{TenantDispatcher.Info.Name}[/] from tenants.vmdq").LeftJustified());
AnsiConsole.MarkupLine($"{TenantDispatcher.RuleCount} rules, {TenantDispatcher.TableBytes} bytes of perfect-hash tables, " +
    $"{TenantDispatcher.PoolCount} pools x {TenantDispatcher.QueuesPerPool} queues, rings of {TenantDispatcher.RingSize}");

// 1. Explain: what the dispatcher decides for one frame of each kind, and why.
var explain = new Table().Border(TableBorder.Simple).Title("[bold]one frame of each kind[/]")
    .AddColumn("traffic").AddColumn("parsed fields").AddColumn("verdict").AddColumn("deciding rule");
foreach (var kind in TrafficMix.Kinds)
{
    byte[] frame = kind.Build(0);
    var verdict = TenantDispatcher.Classify(frame);
    string target = verdict.IsDrop ? "[red]drop[/]"
        : $"{TenantDispatcher.Info.PoolName(verdict.Pool)}:{verdict.Queue}" +
          (verdict.IsReplicated ? $" + replicas {string.Join(",", TenantDispatcher.Replicas(verdict).ToArray().Select(TenantDispatcher.Info.PoolName))}" : string.Empty);
    explain.AddRow(Markup.Escape(kind.Name), Markup.Escape(TenantDispatcher.Parse(frame).ToString()), target, Markup.Escape(RuleText(verdict.RuleLine)));
}

AnsiConsole.Write(explain);

// 2. Traffic: a generated mix, or a capture replayed in a loop.
byte[][] frames;
long total;
string title;
if (options.Replay is { } replay)
{
    frames = Replay.Load(replay, out string? replayError, out string? replayWarning);
    if (replayError is not null)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(replayError)}[/]");
        return 2;
    }

    if (replayWarning is not null)
    {
        AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(replayWarning)}[/]");
    }

    if (frames.Length == 0)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(replay)} holds no Ethernet frames.[/]");
        return 1;
    }

    int loops = options.Loops > 0 ? options.Loops : Math.Max(1, 1_000_000 / frames.Length);
    total = (long)frames.Length * loops;
    title = $"replaying {Path.GetFileName(replay)} ({N(frames.Length)} frames) x {N(loops)}";
}
else
{
    frames = TrafficMix.Build(Math.Min(options.Frames, 65_536), options.Seed);
    total = options.Frames;
    title = "generated tenant traffic";
}

// 3. Run: VMs on their own threads, the receive path here; rebalance half way.
string slowVm = tenantVms.FirstOrDefault(v => v.Pool == options.SlowVm || v.Vm == options.SlowVm).Vm ?? string.Empty;
// The analytics VM has one vCPU per queue of its pool (an rss pool), so spreading its flows adds capacity.
var vms = tenantVms.Select(v => TenantDispatcher.Info.Pools.Single(p => p.Name == v.Pool))
    .Select((p, i) => new HostVm(tenantVms[i].Vm, p.Index, QueueThreads: p.Rss)).ToArray();
using var run = new EmulatedHost(TenantDispatcher.Info, "host-nic0", vms);
if (slowVm.Length > 0)
{
    run.SetSlow(slowVm, slow: true);
}

// The host starts each rss pool on one queue (every redirection-table entry names its first queue); the
// balancer grows the queue set when the pool overloads, and shrinks it again once idle.
var rssPools = TenantDispatcher.Info.Pools.Where(p => p.Rss).ToArray();
foreach (var pool in rssPools)
{
    var oneQueue = new byte[TenantDispatcher.Info.Redirection!.Get(pool.Index).Length];
    Array.Fill(oneQueue, (byte)pool.FirstQueue);
    TenantDispatcher.SetRedirectionTable(pool.Index, oneQueue);
    run.Log($"rss pool {pool.Name}: redirection table on queue {pool.FirstQueue} only");
}

using var balancer = options.Balancer && rssPools.Length > 0
    ? new QueueBalancer(run.Nic, new QueueBalancerOptions { Interval = TimeSpan.FromMilliseconds(50), DwellTime = TimeSpan.FromMilliseconds(500) })
    : null;
if (balancer is not null)
{
    balancer.Decided += (_, e) => run.Log(
        $"balancer: {e.Action.ToString().ToLowerInvariant()} pool {e.PoolName} from queues {string.Join(",", e.OldQueues)} to {string.Join(",", e.NewQueues)} (fullest ring q{e.PeakQueue}: {e.PeakOccupancy} descriptors)");
}

run.Start();
balancer?.Start();
bool rebalanced = false;
void Rebalance(long sent)
{
    if (!rebalanced && sent >= total / 2)
    {
        rebalanced = true;
        // A live change while traffic flows: move pool db's traffic to queue 3 only. Frames already in
        // the old ring stay deliverable. (The slow VM's pool is the balancer's to manage.)
        int db = TenantDispatcher.Info.Pools.Single(p => p.Name == "db").Index;
        run.Nic.RebindQueues(db, new[] { 3 });
        run.Log("rebound pool db to queue 3 only (queue 2 drains)");
    }
}

if (options.Live)
{
    AnsiConsole.Live(HostDashboard.Render(run, total, title)).AutoClear(false).Start(ctx =>
    {
        var lastRefresh = DateTime.UtcNow;
        run.Receive(frames, total, options.RateMfps, sent =>
        {
            Rebalance(sent);
            if ((DateTime.UtcNow - lastRefresh).TotalMilliseconds > 250)
            {
                ctx.UpdateTarget(HostDashboard.Render(run, total, title));
                lastRefresh = DateTime.UtcNow;
            }
        });
        balancer?.Stop();
        run.Drain();
        ctx.UpdateTarget(HostDashboard.Render(run, total, title));
    });
}
else
{
    AnsiConsole.MarkupLine($"{Markup.Escape(title)}: {N(total)} frames...");
    run.Receive(frames, total, options.RateMfps, Rebalance);
    balancer?.Stop();
    run.Drain();
    AnsiConsole.Write(HostDashboard.Table(run.Nic.Snapshot(), run.Nic.Name));
    AnsiConsole.MarkupLine("host actions:");
    foreach (var a in run.Actions)
    {
        AnsiConsole.MarkupLine(a);
    }

    AnsiConsole.MarkupLine("last events:");
    foreach (var e in run.Events)
    {
        AnsiConsole.MarkupLine(e);
    }
}

// 4. Summary: every frame is accounted for, and every buffer is back.
AnsiConsole.Write(HostDashboard.Summary(run, out bool conserved));
AnsiConsole.MarkupLine(conserved ? "[green]conservation: OK[/]" : "[red]conservation: FAILED[/]");

// 5. The transmit side: VM-to-VM switching, anti-spoofing, and ETS sharing the wire, on a simulated clock.
bool transmitConserved = TransmitDemo.Run(TenantDispatcher.Info);
return conserved && transmitConserved ? 0 : 1;
