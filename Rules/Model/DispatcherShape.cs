namespace Vmdq.Rules.Model;

/// <summary>
/// What the generator needs to emit a dispatcher's public shape when its rules file has errors: the type's
/// name and the constants its members expose. Read from what did resolve, with the spec's defaults for the
/// rest, so user code that uses the constants still compiles.
/// </summary>
/// <param name="Path">The rules file.</param>
/// <param name="Namespace">Namespace of the dispatcher (may be empty).</param>
/// <param name="ClassName">Name of the static partial class.</param>
/// <param name="Geometry">Pools, queues per pool, ring size (each at least 1).</param>
/// <param name="DefaultPool">Where unmatched frames would go.</param>
/// <param name="DefaultQueue">The default pool's first queue.</param>
/// <param name="VxlanPort">UDP destination port that carries VXLAN.</param>
/// <param name="HasRss">True when a pool is declared <c>rss</c> (the shape then has the redirection-table members).</param>
internal sealed record DispatcherShape(string Path, string Namespace, string ClassName, NicGeometry Geometry, int DefaultPool, int DefaultQueue, int VxlanPort, bool HasRss = false)
{
    /// <summary>The dispatcher's namespace-qualified name.</summary>
    public string FullTypeName => Namespace.Length == 0 ? ClassName : Namespace + "." + ClassName;

    /// <summary>The shape of a resolved (possibly partial) rule set, with unusable values replaced by the defaults.</summary>
    public static DispatcherShape Of(RuleSet model)
    {
        var d = NicGeometry.Default;
        var g = model.Geometry;
        var geometry = new NicGeometry(
            g.Pools >= 1 ? g.Pools : d.Pools,
            g.QueuesPerPool >= 1 ? g.QueuesPerPool : d.QueuesPerPool,
            g.RingSize >= 1 ? g.RingSize : d.RingSize);
        return new DispatcherShape(model.Path, model.Namespace, model.ClassName, geometry,
            model.DefaultPool >= 0 ? model.DefaultPool : 0, model.DefaultQueue >= 0 ? model.DefaultQueue : 0,
            model.VxlanPort is >= 1 and <= 65535 ? model.VxlanPort : 4789, model.HasRss);
    }
}
