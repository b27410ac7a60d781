using System.Linq;
using Vmdq.Rules;
using Vmdq.Rules.Model;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>
/// Each check of Rules/Analysis fires where it should, with its message, and not one value short of
/// its limit: tenants, pools, queues, reserved values, leaks, pool lists, suggestions, capacity and
/// the resolved model. Written so that deleting a check, or moving a limit by one, fails a test.
/// </summary>
public class CheckTests
{
    private const string Mac1 = "00:1b:21:0a:0b:01";

    /// <summary>Every diagnostic as "(line,col) ID: message", but VMDQ0018 (no rules: many files here declare only).</summary>
    private static string[] Diagnose(string text) =>
        RulesCompiler.Compile("t.vmdq", text).Diagnostics.Where(d => d.Id != "VMDQ0018").Select(d => $"{d.Span} {d.Id}: {d.Message}").ToArray();

    private static RuleSet Clean(string text)
    {
        var result = RulesCompiler.Compile("t.vmdq", text);
        Assert.True(result.Diagnostics.All(d => d.Id == "VMDQ0018"), string.Join("\n", result.Diagnostics));
        return result.Model!;
    }

    // ---- tenants --------------------------------------------------------------------------

    [Theory]
    [InlineData("vlan", "100-199", "199-250", "VLAN IDs")]
    [InlineData("vni", "5000-5999", "5999-6500", "VNIs")]
    [InlineData("vsid", "70000-70999", "70999-71000", "VSIDs")]
    public void OverlappingTenantRangesAreReportedForEachKindOfIdentifier(string kind, string first, string second, string what)
    {
        string text = $"tenant a {kind} {first}\ntenant b {kind} {second}\n";
        int column = $"tenant b {kind} ".Length + 1;
        Assert.Equal(
            new[] { $"(2,{column}) VMDQ0015: Tenant 'b' claims {what} {second} that overlap tenant 'a' ({first}, line 1): identifiers in the overlap are attributed to 'a' for the leak check." },
            Diagnose(text));
    }

    [Theory]
    [InlineData("vlan", "100-199", "200-299")]
    [InlineData("vni", "5000-5999", "6000-6999")]
    [InlineData("vsid", "70000-70999", "71000-71999")]
    public void AdjacentTenantRangesDoNotOverlap(string kind, string first, string second) =>
        Assert.Empty(Diagnose($"tenant a {kind} {first}\ntenant b {kind} {second}\n"));

    [Fact]
    public void RangesOfDifferentKindsNeverOverlap() =>
        Assert.Empty(Diagnose("tenant a vlan 100-199\ntenant b vni 100-199 vsid 100-199\ntenant c vlan 200-299 vsid 5000-6000\n"));

    [Fact]
    public void ATenantDeclaredTwiceIsAnErrorOnTheSecondNameAndIsNotComparedWithItself()
    {
        var result = RulesCompiler.Compile("t.vmdq", "tenant a vlan 1-9\ntenant b vlan 20-29\ntenant a vlan 1-9\n");
        Assert.Equal(new[] { "(3,8) VMDQ0013: Tenant 'a' is already declared on line 1." }, result.Diagnostics.Select(d => $"{d.Span} {d.Id}: {d.Message}"));
        Assert.Null(result.Model);
    }

    [Fact]
    public void AnIdentifierInAnOverlapBelongsToTheTenantDeclaredFirst()
    {
        // 160 is claimed by blue (line 1) and red (line 2): blue owns it, so red's pool is a leak.
        var diagnostics = Diagnose("tenant blue vlan 100-199\ntenant red vlan 150-299\npool r 1 tenant red\nvlan 160 -> r\n");
        Assert.Contains("(4,13) VMDQ0005: VLAN 160 belongs to tenant 'blue' (line 1), but pool 'r' belongs to tenant 'red' (line 3).", diagnostics);
    }

    // ---- tenant leaks ---------------------------------------------------------------------

    [Theory]
    [InlineData("vlan 150 -> r", "(4,13) VMDQ0005: VLAN 150 belongs to tenant 'blue' (line 1), but pool 'r' belongs to tenant 'red' (line 3).")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 150 -> r", "(4,35) VMDQ0005: VLAN 150 belongs to tenant 'blue' (line 1), but pool 'r' belongs to tenant 'red' (line 3).")]
    [InlineData("vxlan 5001 -> r", "(4,15) VMDQ0005: VNI 5001 belongs to tenant 'blue' (line 1), but pool 'r' belongs to tenant 'red' (line 3).")]
    [InlineData("vxlan 5001 inner 52:54:00:12:34:56 -> r", "(4,39) VMDQ0005: VNI 5001 belongs to tenant 'blue' (line 1), but pool 'r' belongs to tenant 'red' (line 3).")]
    [InlineData("nvgre 70001 -> r", "(4,16) VMDQ0005: VSID 70001 belongs to tenant 'blue' (line 1), but pool 'r' belongs to tenant 'red' (line 3).")]
    [InlineData("nvgre 70001 inner 52:54:00:12:34:56 -> r", "(4,40) VMDQ0005: VSID 70001 belongs to tenant 'blue' (line 1), but pool 'r' belongs to tenant 'red' (line 3).")]
    public void EveryKindOfIdentifierLeaks(string rule, string expected)
    {
        const string Head = "tenant blue vlan 100-199 vni 5000-5999 vsid 70000-70999\ntenant red vlan 200-299\npool r 1 tenant red\n";
        Assert.Equal(new[] { expected }, Diagnose(Head + rule + "\n"));
    }

    [Theory]
    [InlineData("vlan 150 -> drop")]                 // a drop is no leak
    [InlineData("vlan 150 -> free")]                 // a pool without a tenant
    [InlineData("vlan 150 -> b")]                    // the owner's own pool
    [InlineData("vlan 300 -> r")]                    // nobody's VLAN
    [InlineData("vxlan 150 -> r")]                   // 150 is blue's VLAN, not its VNI
    [InlineData("mac 00:1b:21:0a:0b:01 -> r")]       // no identifier at all
    public void NoLeak(string rule)
    {
        const string Head = "tenant blue vlan 100-199\ntenant red vlan 200-299\npool r 1 tenant red\npool b 2 tenant blue\npool free 3\n";
        const string Rest = "vlan 250 -> r\nvlan 120 -> b\nvlan 400 -> free\n";
        Assert.DoesNotContain(Diagnose(Head + Rest + rule + "\n"), d => d.Contains("VMDQ0005"));
    }

    // ---- pools ----------------------------------------------------------------------------

    [Fact]
    public void APoolDeclaredTwiceIsAnError() =>
        Assert.Equal(
            new[] { "(2,6) VMDQ0013: Pool 'web' is already declared on line 1." },
            Diagnose("pool web 1\npool web 2\nvlan 10 -> web\n"));

    [Fact]
    public void ThePoolIndexLimitIsTheNicsPoolCount()
    {
        Assert.Equal(
            new[] { "(1,10) VMDQ0002: Pool index 64 is out of range: the NIC has 64 pools (0..63) (the default geometry; add a 'nic' statement to change it)." },
            Diagnose("pool web 64\nvlan 10 -> web\n"));
        Assert.Equal(63, Clean("pool web 63\nvlan 10 -> web\n").Pools.Single().Index);

        Assert.Equal(
            new[] { "(2,10) VMDQ0002: Pool index 8 is out of range: the NIC has 8 pools (0..7) (nic, line 1)." },
            Diagnose("nic pools 8\npool web 8\nvlan 10 -> web\n"));
        Assert.Equal(7, Clean("nic pools 8\npool web 7\nvlan 10 -> web\n").Pools.Single().Index);
    }

    [Fact]
    public void ABrokenNicStatementSkipsTheGeometryChecks() =>
        Assert.Equal(new[] { "VMDQ0002" }, RulesCompiler.Compile("t.vmdq", "nic pools 0\npool web 100 queues 0-9\nvlan 10 -> web:9\ndefault-pool 200\n").Diagnostics.Select(d => d.Id));

    [Fact]
    public void TwoPoolsWithOneIndexAreAnError() =>
        Assert.Equal(
            new[] { "(2,10) VMDQ0013: Pool index 1 is already named 'web' on line 1." },
            Diagnose("pool web 1\npool api 1\nvlan 10 -> web\nvlan 11 -> api\n"));

    [Fact]
    public void APoolsQueuesMustBeBelowTheQueueCount()
    {
        Assert.Equal(
            new[] { "(1,19) VMDQ0002: Queues 0-2 are out of range: each pool has 2 queues (0..1) (the default geometry; add a 'nic' statement to change it)." },
            Diagnose("pool web 1 queues 0-2\nvlan 10 -> web\n"));
        var pool = Clean("pool web 1 queues 1-1\nvlan 10 -> web\n").Pools.Single();
        Assert.Equal((1, 1), (pool.FirstQueue, pool.LastQueue));
        Assert.Equal(
            new[] { "(2,19) VMDQ0002: Queues 3-4 are out of range: each pool has 4 queues (0..3) (nic, line 1)." },
            Diagnose("nic queues 4\npool web 1 queues 3-4\nvlan 10 -> web\n"));
    }

    [Fact]
    public void ARuleQueueMustBeBelowTheQueueCount()
    {
        Assert.Equal(
            new[] { "(2,16) VMDQ0002: Queue 2 is out of range: each pool has 2 queues (0..1) (the default geometry; add a 'nic' statement to change it)." },
            Diagnose("pool web 1\nvlan 10 -> web:2\n"));
        Assert.Equal(1, Clean("pool web 1\nvlan 10 -> web:1\n").Rules.Single().Queue);
        Assert.Equal(
            new[] { "(3,16) VMDQ0002: Queue 4 is out of range: each pool has 4 queues (0..3) (nic, line 1)." },
            Diagnose("nic queues 4\npool web 1\nvlan 10 -> web:4\n"));
    }

    [Fact]
    public void ARuleQueueMustLieInThePoolsQueues()
    {
        const string Head = "nic queues 8\npool web 1 queues 2-3\n";
        Assert.Equal(
            new[] { "(3,16) VMDQ0002: Queue 1 is outside the queues of pool 'web' (2-3, line 2)." },
            Diagnose(Head + "vlan 10 -> web:1\n"));
        Assert.Equal(
            new[] { "(3,16) VMDQ0002: Queue 4 is outside the queues of pool 'web' (2-3, line 2)." },
            Diagnose(Head + "vlan 10 -> web:4\n"));
        var model = Clean(Head + "vlan 10 -> web:2\nvlan 11 -> web:3\nvlan 12 -> web\n");
        Assert.Equal(new[] { 2, 3, 2 }, model.Rules.Select(r => r.Queue));
    }

    [Fact]
    public void TheDefaultPoolIndexLimitIsThePoolCount()
    {
        Assert.Equal(
            new[] { "(1,14) VMDQ0002: Default pool 64 is out of range: the NIC has 64 pools (0..63) (the default geometry; add a 'nic' statement to change it)." },
            Diagnose("default-pool 64\n"));
        var model = Clean("default-pool 63\n");
        Assert.Equal((63, 0), (model.DefaultPool, model.DefaultQueue));
    }

    [Fact]
    public void TheDefaultPoolTakesItsPoolsFirstQueue()
    {
        var byName = Clean("pool web 5 queues 1-1\ndefault-pool web\n");
        Assert.Equal((5, 1), (byName.DefaultPool, byName.DefaultQueue));
        var byIndex = Clean("pool web 5 queues 1-1\ndefault-pool 5\n");
        Assert.Equal((5, 1), (byIndex.DefaultPool, byIndex.DefaultQueue));
        var implicitZero = Clean("pool zero 0 queues 1-1\n");
        Assert.Equal((0, 1), (implicitZero.DefaultPool, implicitZero.DefaultQueue));
        var none = Clean("pool web 1 queues 1-1\nvlan 10 -> web\n");
        Assert.Equal((0, 0), (none.DefaultPool, none.DefaultQueue));
    }

    [Fact]
    public void AnUndefinedDefaultPoolIsReportedWithASuggestion() =>
        Assert.Equal(
            new[] { "(3,14) VMDQ0003: Pool 'dbb' is not declared (did you mean 'db'?)." },
            Diagnose("pool db 2\nvlan 10 -> db\ndefault-pool dbb\n"));

    [Fact]
    public void AnUndefinedTenantIsReportedWithASuggestion() =>
        Assert.Equal(
            new[] { "(2,19) VMDQ0003: Tenant 'blu' is not declared (did you mean 'blue'?)." },
            Diagnose("tenant blue vlan 1-9\npool web 1 tenant blu\nvlan 10 -> web\n"));

    [Theory]
    [InlineData("dbx", " (did you mean 'db'?)")]   // one edit: suggested
    [InlineData("xyz", "")]                         // nothing close: no suggestion
    [InlineData("storag", " (did you mean 'storage'?)")]
    [InlineData("stoxxge", " (did you mean 'storage'?)")]   // two edits in seven letters
    [InlineData("sxoxxge", "")]                     // three edits in seven letters
    [InlineData("ab", " (did you mean 'aa'?)")]     // a tie goes to the first name in ordinal order
    public void AnUndefinedPoolSuggestsTheClosestDeclaredName(string name, string suggestion) =>
        Assert.Contains(
            $"(5,12) VMDQ0003: Pool '{name}' is not declared{suggestion}.",
            Diagnose($"pool db 2\npool storage 3\npool bb 4\npool aa 5\nvlan 10 -> {name}\nvlan 11 -> db\nvlan 12 -> storage\nvlan 13 -> bb\nvlan 14 -> aa\n"));

    // ---- pool lists -----------------------------------------------------------------------

    [Fact]
    public void APoolListedTwiceIsAnError()
    {
        var result = RulesCompiler.Compile("t.vmdq", "pool a 1\npool b 2\nbroadcast -> a, b, a\n");
        Assert.Equal(
            new[] { "(3,20) VMDQ0013: Pool 'a' is listed twice: the frame would be delivered to it twice." },
            result.Diagnostics.Select(d => $"{d.Span} {d.Id}: {d.Message}"));
        Assert.Null(result.Model);
    }

    [Theory]
    [InlineData("mac 00:1b:21:0a:0b:01 -> a, b", 27)]
    [InlineData("vlan 10 -> a, b", 13)]
    [InlineData("vxlan 5001 -> a, b", 16)]
    public void OnlyBroadcastAndMulticastTakeAPoolList(string rule, int column)
    {
        var result = RulesCompiler.Compile("t.vmdq", "pool a 1\npool b 2\n" + rule + "\nvlan 11 -> a\nvlan 12 -> b\n");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("VMDQ0001", 3, column), (d.Id, d.Span.Line, d.Span.Column));
        Assert.Contains("Only 'broadcast' and 'multicast' rules can target a list of pools.", d.Message);
        Assert.Null(result.Model);
    }

    [Fact]
    public void APoolListCannotNameAQueue()
    {
        var d = Assert.Single(RulesCompiler.Compile("t.vmdq", "pool a 1\npool b 2\nmulticast -> a:1, b\n").Diagnostics, d => d.Id == "VMDQ0001");
        Assert.Equal(("VMDQ0001", 3, 17), (d.Id, d.Span.Line, d.Span.Column));
        Assert.Contains("A pool list cannot name queues", d.Message);
    }

    [Fact]
    public void BroadcastAndMulticastReplicateToTheListInOrder()
    {
        var model = Clean("pool a 1\npool b 2 queues 1-1\nbroadcast -> b, a\nmulticast -> a\nvlan 10 -> b\n");
        var broadcast = model.Rules.Single(r => r.Kind == MatchKind.Broadcast);
        Assert.Equal((2, 1), (broadcast.Pool, broadcast.Queue));
        Assert.Equal(new[] { 2, 1 }, broadcast.Replicas.ToArray());
        Assert.Equal(new[] { 1 }, model.Rules.Single(r => r.Kind == MatchKind.Multicast).Replicas.ToArray());
        Assert.Empty(model.Rules.Single(r => r.Kind == MatchKind.Vlan).Replicas);
    }

    // ---- reserved values and group MACs ---------------------------------------------------

    [Theory]
    [InlineData("vlan 4095 -> web", "(2,6) VMDQ0009: VLAN ID 4095 is reserved by IEEE 802.1Q and never carried by a valid frame.")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 4095 -> web", "(2,28) VMDQ0009: VLAN ID 4095 is reserved by IEEE 802.1Q and never carried by a valid frame.")]
    [InlineData("vlan 0 -> web", "(2,6) VMDQ0009: VLAN ID 0 is reserved: it marks priority-tagged frames, which carry no VLAN.")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 0 -> web", "(2,28) VMDQ0009: VLAN ID 0 is reserved: it marks priority-tagged frames, which carry no VLAN.")]
    [InlineData("nvgre 0xFFF -> web", "(2,7) VMDQ0009: VSID 0xFFF is reserved: RFC 7637 reserves VSIDs 0..0xFFF.")]
    [InlineData("nvgre 0 inner 52:54:00:12:34:56 -> web", "(2,7) VMDQ0009: VSID 0 is reserved: RFC 7637 reserves VSIDs 0..0xFFF.")]
    [InlineData("nvgre 0xFFFFFF -> web", "(2,7) VMDQ0009: VSID 0xFFFFFF is reserved by RFC 7637 for vendor-specific use.")]
    [InlineData("nvgre 0xFFFFFF inner 52:54:00:12:34:56 -> web", "(2,7) VMDQ0009: VSID 0xFFFFFF is reserved by RFC 7637 for vendor-specific use.")]
    public void ReservedValuesAreReportedWithTheirReason(string rule, string expected) =>
        Assert.Equal(new[] { expected }, Diagnose("pool web 1\n" + rule + "\n"));

    [Theory]
    [InlineData("vlan 1 -> web")]
    [InlineData("vlan 4094 -> web")]
    [InlineData("mac 00:1b:21:0a:0b:01 vlan 4094 -> web")]
    [InlineData("nvgre 0x1000 -> web")]
    [InlineData("nvgre 0xFFFFFE inner 52:54:00:12:34:56 -> web")]
    [InlineData("vxlan 0 -> web")]              // VNIs have no reserved values
    [InlineData("vxlan 0xFFFFFF -> web")]
    [InlineData("vxlan 4095 inner 52:54:00:12:34:56 -> web")]
    public void ValuesNextToTheReservedOnesAreFine(string rule) => Clean("pool web 1\n" + rule + "\n");

    [Theory]
    [InlineData("mac ff:ff:ff:ff:ff:ff -> web", "(2,5) VMDQ0010: ff:ff:ff:ff:ff:ff is the broadcast address: use a 'broadcast' rule, which can replicate to several pools.")]
    [InlineData("mac 01:00:5e:00:00:01 vlan 10 -> web", "(2,5) VMDQ0010: 01:00:5e:00:00:01 is a group (multicast) address: a 'mac' rule sends it to one pool; use a 'multicast' rule to replicate.")]
    public void GroupMacsInUnicastRulesAreReported(string rule, string expected) =>
        Assert.Equal(new[] { expected }, Diagnose("pool web 1\n" + rule + "\n"));

    [Theory]
    [InlineData("vxlan 5001 inner 01:00:5e:00:00:01 -> web")]   // an inner group MAC is not a 'mac' rule
    [InlineData("mac 02:00:00:00:00:01 -> web")]                // locally administered unicast
    public void UnicastMacsAndInnerMacsAreNotGroupMacs(string rule) => Clean("pool web 1\n" + rule + "\n");

    // ---- reachability ---------------------------------------------------------------------

    [Fact]
    public void APoolIsReachableThroughAListTheDefaultPoolOrARuleWithAnotherError()
    {
        Assert.Empty(Diagnose("pool a 1\npool b 2\npool c 3\nbroadcast -> a, b\ndefault-pool c\n"));
        Assert.Empty(Diagnose("pool zero 0\npool a 1\nvlan 10 -> a\n"));
        Assert.Equal(
            new[] { "(2,6) VMDQ0011: Pool 'b' (index 2) is never targeted by a rule and is not the default pool: no frame can reach it." },
            Diagnose("pool a 1\npool b 2\npool c 3\nvlan 10 -> a\ndefault-pool 3\n"));
        Assert.DoesNotContain(Diagnose("pool a 1\nvlan 10 -> a:7\n"), d => d.Contains("VMDQ0011"));
    }

    // ---- capacity -------------------------------------------------------------------------

    [Fact]
    public void ThePoolCountIsCheckedAgainstTheProfile()
    {
        Assert.Equal(
            new[] { "(2,11) VMDQ0008: This file needs 65 VMDq pools; profile 82599 (Intel 82599 (ixgbe), line 1) holds 64." },
            Diagnose("profile 82599\nnic pools 65 queues 1\n"));
        Assert.Empty(Diagnose("profile 82599\nnic pools 64 queues 1\n"));
    }

    [Fact]
    public void TheQueueCountIsCheckedAgainstTheProfile()
    {
        Assert.Equal(
            new[] { "(2,21) VMDQ0008: This file needs 129 queues in all (43 pools x 3); profile 82599 (Intel 82599 (ixgbe), line 1) holds 128." },
            Diagnose("profile 82599\nnic pools 43 queues 3\n"));
        Assert.Empty(Diagnose("profile 82599\nnic pools 64 queues 2\n"));
        Assert.Empty(Diagnose("profile 82599\n"));
    }

    [Fact]
    public void WithoutNicQueuesTheQueueWarningIsOnThePoolCount() =>
        Assert.Equal(
            new[]
            {
                "(2,11) VMDQ0008: This file needs 65 VMDq pools; profile 82599 (Intel 82599 (ixgbe), line 1) holds 64.",
                "(2,11) VMDQ0008: This file needs 130 queues in all (65 pools x 2); profile 82599 (Intel 82599 (ixgbe), line 1) holds 128.",
            },
            Diagnose("profile 82599\nnic pools 65\n"));

    [Fact]
    public void VlanFiltersOfThe82599CountDistinctVlans()
    {
        // 64 VLVF entries, shared by 'vlan' and 'mac ... vlan': 64 distinct VLANs fit, the 65th does not.
        string head = "profile 82599\npool web 1\n" + string.Join("\n", Enumerable.Range(1, 64).Select(i =>
            i % 2 == 0 ? $"vlan {i} -> web" : $"mac 02:00:00:00:00:01 vlan {i} -> web")) + "\n";
        Assert.Empty(Diagnose(head + "mac 02:00:00:00:00:02 vlan 63 -> web\n"));
        Assert.Equal(
            new[] { "(67,1) VMDQ0008: This file needs 65 VLAN filters; profile 82599 (Intel 82599 (ixgbe), line 1) holds 64. This is the first rule over the limit." },
            Diagnose(head + "vlan 65 -> web\n"));
    }

    [Fact]
    public void OneTunnelFilterIsSingular() =>
        Assert.Equal(
            new[] { "(3,1) VMDQ0008: This file needs 1 tunnel filter; profile 82599 (Intel 82599 (ixgbe), line 1) holds 0 (it has no tunnel classification). This is the first rule over the limit." },
            Diagnose("profile 82599\npool web 1\nnvgre 70001 inner 52:54:00:12:34:56 -> web\n"));

    [Fact]
    public void TheX710HoldsTunnelsAndNoProfileMeansNoCapacityCheck()
    {
        Assert.Empty(Diagnose("profile x710\npool web 1\nvxlan 5001 -> web\nnvgre 70001 -> web\n"));
        Assert.Empty(Diagnose("nic pools 512 queues 16\npool web 1\nvxlan 5001 -> web\n"));
    }

    // ---- the resolved model ---------------------------------------------------------------

    [Fact]
    public void TheModelCarriesEveryDeclaredValue()
    {
        var model = Clean(
            "dispatcher Fabric\nnic pools 8 queues 4\nvxlan-port 8472\nprofile x710\ntenant blue vlan 1-9\n"
            + "pool web 3 tenant blue queues 1-2 priority 5 bandwidth 40%\npool db 1\nvlan 5 -> web\nvlan 10 -> db:3\n");
        Assert.Equal((string.Empty, "Fabric", "Fabric"), (model.Namespace, model.ClassName, model.FullTypeName));
        Assert.Equal(new NicGeometry(8, 4, 512), model.Geometry);
        Assert.Equal((8472, "x710"), (model.VxlanPort, model.Profile));
        Assert.Equal(
            new[] { new ResolvedPool("db", 1, 0, 3, null, 0, 0, 7), new ResolvedPool("web", 3, 1, 2, "blue", 5, 40, 6) },
            model.Pools.ToArray());
        Assert.Equal(
            new[] { new ResolvedRule(MatchKind.Vlan, 0, 5, false, 3, 1, 8, EquatableArray<int>.Empty), new ResolvedRule(MatchKind.Vlan, 0, 10, false, 1, 3, 9, EquatableArray<int>.Empty) },
            model.Rules.ToArray());
    }

    [Fact]
    public void TheModelDefaults()
    {
        var model = Clean("pool web 1\nvlan 5 -> web\nmac " + Mac1 + " -> drop\n");
        Assert.Equal(("Vmdq.Generated", "TDispatcher"), (model.Namespace, model.ClassName));
        Assert.Equal((NicGeometry.Default, 4789, (string?)null), (model.Geometry, model.VxlanPort, model.Profile));
        var drop = model.Rules.Single(r => r.IsDrop);
        Assert.Equal((0, 0, 3), (drop.Pool, drop.Queue, drop.Line));
    }

    [Fact]
    public void ADuplicateRuleAppearsOnceAtItsFirstLine()
    {
        var model = RulesCompiler.Compile("t.vmdq", "pool web 1\nvlan 5 -> web\nvlan 5 -> web:0\n").Model!;
        Assert.Equal(2, model.Rules.Single().Line);
    }
}
