using System.Collections.Generic;

namespace Vmdq.Rules.Model;

/// <summary>
/// What a real NIC holds, for the <c>profile</c> capacity check (VMDQ0008).
/// </summary>
/// <remarks>
/// Sources (as listed in the rules-language spec):
/// <list type="bullet">
/// <item>82599 (ixgbe): DPDK <c>drivers/net/intel/ixgbe/base/ixgbe_type.h</c> (IXGBE_82599_VMDQ... 64 pools,
/// 128 RX queues, 128 RAL/RAH receive-address registers, 64 VLVF/VLVFB VLAN pool filters) and
/// <c>ixgbe_82599.c</c>; the 82599 has no tunnel classification.</item>
/// <item>X710 (i40e): DPDK <c>drivers/net/intel/i40e/base/i40e_adminq_cmd.h</c>, <c>i40e_ethdev.h</c>,
/// <c>i40e_flow.c</c> and <c>doc/guides/nics/i40e.rst</c> (64 VMDq pools as DPDK configures them, 1536 queue
/// pairs, 3072 MAC/VLAN filters per device shared by MAC and VLAN filters, cloud (tunnel) filters capped at
/// 400 by DPDK's i40e driver); Linux <c>Documentation/networking/device_drivers/ethernet/intel/i40e.rst</c>.</item>
/// </list>
/// </remarks>
/// <param name="Name">The name used in <c>profile NAME</c>.</param>
/// <param name="Nic">A description of the NIC.</param>
/// <param name="Pools">VMDq pools.</param>
/// <param name="QueuesInAll">RX queues on the device.</param>
/// <param name="MacFilters">Exact destination-MAC filters (<c>mac</c>, <c>mac ... vlan</c>).</param>
/// <param name="VlanFilters">VLAN filters with a pool mask; null when VLANs share the MAC filter table.</param>
/// <param name="TunnelFilters">Tunnel (cloud) filters.</param>
/// <param name="RssGeometries">
/// With RSS within pools (VMDq+RSS), the NIC geometries the device offers, largest pool count first, each
/// as pools x queues per pool; empty when RSS within a pool leaves the geometry as it is.
/// </param>
/// <param name="PortBitsPerSecond">One port's line rate in bits per second (10 Gb/s for both: the 82599 and the X710 are 10GbE controllers), for the <c>rate</c> check (VMDQ0032).</param>
internal sealed record CapacityProfile(string Name, string Nic, int Pools, int QueuesInAll, int MacFilters, int? VlanFilters, int TunnelFilters, EquatableArray<RssGeometry> RssGeometries = default, long PortBitsPerSecond = 10_000_000_000)
{
    /// <summary>Intel 82599 (ixgbe): with RSS within pools, 32 pools of 4 queues or 16 of 8 (the spec's capacity table).</summary>
    public static readonly CapacityProfile Intel82599 = new("82599", "Intel 82599 (ixgbe)", 64, 128, 128, 64, 0,
        new[] { new RssGeometry(32, 4), new RssGeometry(16, 8) }.ToEquatableArray());

    /// <summary>Intel X710 (i40e): MAC and VLAN filters share one table of 3072.</summary>
    public static readonly CapacityProfile IntelX710 = new("x710", "Intel X710 (i40e)", 64, 1536, 3072, null, 400);

    /// <summary>All known profiles.</summary>
    public static IReadOnlyList<CapacityProfile> All { get; } = new[] { Intel82599, IntelX710 };

    /// <summary>The names users can write.</summary>
    public static IEnumerable<string> Names
    {
        get
        {
            foreach (var p in All)
            {
                yield return p.Name;
            }
        }
    }

    /// <summary>The profile called <paramref name="name"/>, or null.</summary>
    public static CapacityProfile? Find(string name)
    {
        foreach (var p in All)
        {
            if (p.Name == name)
            {
                return p;
            }
        }

        return null;
    }
}

/// <summary>A VMDq+RSS geometry a NIC offers: up to <paramref name="Pools"/> pools of up to <paramref name="Queues"/> queues.</summary>
/// <param name="Pools">Pools.</param>
/// <param name="Queues">Queues per pool.</param>
internal sealed record RssGeometry(int Pools, int Queues)
{
    /// <summary>True when <paramref name="geometry"/> fits this one.</summary>
    public bool Holds(NicGeometry geometry) => geometry.Pools <= Pools && geometry.QueuesPerPool <= Queues;

    /// <inheritdoc />
    public override string ToString() => $"{Pools} pools x {Queues} queues";
}
