namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>The example of the rules-language spec, verbatim.</summary>
internal static class SpecExample
{
    public const string Text = """
        dispatcher Contoso.Fabric.TenantDispatcher   # generated type; optional
        nic pools 64 queues 4 ring 1024              # geometry; optional
        default-pool 0                               # where unmatched frames go; optional (default 0)
        vxlan-port 4789                              # UDP port that carries VXLAN; optional (default 4789)
        profile x710                                 # check capacity against a real NIC; optional

        tenant blue vlan 100-199 vni 5000-5999 vsid 70000-70999
        tenant red  vlan 200-299 vni 6000-6999 vsid 80000-80999

        pool web      1  tenant blue
        pool storage  2  tenant blue  priority 5  bandwidth 40%
        pool db       3  tenant red   queues 2-3

        mac   00:1b:21:0a:0b:01                      -> web
        mac   00:1b:21:0a:0b:02  vlan 150            -> storage
        vlan  250                                    -> db
        vxlan 5001                                   -> web
        vxlan 5001  inner 52:54:00:12:34:56          -> web:2
        nvgre 70001                                  -> storage
        nvgre 70001 inner 52:54:00:12:34:57          -> storage
        mac   00:1b:21:0a:0b:66                      -> drop
        broadcast                                    -> web, storage
        """;
}
