using System.Collections.Generic;

namespace Vmdq.Cli.Export;

/// <summary>
/// One target of <c>vmdq export</c>: what a pool is there (docs/export.md), the commands that set the device up, and
/// the commands of each rule. A new instance per export: targets that number their filters (ethtool's <c>loc</c>)
/// or give a pool one filter (ip's VFs) keep that state here.
/// </summary>
internal abstract class ExportTarget
{
    /// <summary>The <c>--to</c> name.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// True when the target's multicast filter (group bit set) also takes broadcast frames, which the rules language
    /// keeps apart: the export then adds a broadcast entry to the default pool ahead of a multicast rule when the file
    /// has no <c>broadcast</c> rule.
    /// </summary>
    public virtual bool MulticastFilterTakesBroadcast => true;

    /// <summary>Comment lines (without the <c>#</c>) that say what a pool is here, and the setup commands.</summary>
    public abstract (IReadOnlyList<string> Comments, IReadOnlyList<string> Commands) Preamble(ExportContext context, IReadOnlyList<ExportRule> rules);

    /// <summary>The commands for <paramref name="rule"/>, or why it cannot be expressed. Called in precedence order.</summary>
    public abstract Translation Translate(ExportRule rule, ExportContext context);

    /// <summary>
    /// The commands that set <paramref name="pool"/>'s transmit attributes (anti-spoofing, VLAN insert, rate limit), or null
    /// when the target has nothing to set for a pool (it does not model pools as devices that have them). Called after every
    /// rule is translated.
    /// </summary>
    public virtual Translation? TranslatePool(ExportPool pool, ExportContext context) => null;

    /// <summary>The target named <paramref name="name"/> (one of <see cref="Names"/>), new.</summary>
    public static ExportTarget? Create(string name) => name switch
    {
        "tc" => new TcTarget(),
        "ip" => new IpTarget(),
        "ethtool" => new EthtoolTarget(),
        "testpmd" => new TestpmdTarget(),
        _ => null,
    };

    /// <summary>The <c>--to</c> values (<c>json</c> is a dump, not a target of commands).</summary>
    public static readonly string[] Names = ["tc", "ip", "ethtool", "testpmd", "json"];
}
