using System.ComponentModel;

namespace Vmdq.Toolkit.Classification;

/// <summary>One rule kind's flag in <see cref="RuleKinds{TTunnelInner, TTunnel, TMacVlan, TMac, TVlan, TGroups, TRss}"/>: <see cref="On"/> or <see cref="Off"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IKindFlag
{
    /// <summary>True for <see cref="On"/>.</summary>
    static abstract bool Value { get; }
}

/// <summary>A rule kind that is present.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct On : IKindFlag
{
    /// <inheritdoc />
    public static bool Value => true;
}

/// <summary>A rule kind that is absent.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Off : IKindFlag
{
    /// <inheritdoc />
    public static bool Value => false;
}

/// <summary>
/// An <see cref="IRuleKinds"/> composed of seven flags, so code that learns its rule kinds at run time (the
/// runtime engine) can name every combination as a type without generating code. Used by the runtime
/// engine; not meant for direct use.
/// </summary>
/// <typeparam name="TTunnelInner"><see cref="IRuleKinds.TunnelInner"/>.</typeparam>
/// <typeparam name="TTunnel"><see cref="IRuleKinds.Tunnel"/>.</typeparam>
/// <typeparam name="TMacVlan"><see cref="IRuleKinds.MacVlan"/>.</typeparam>
/// <typeparam name="TMac"><see cref="IRuleKinds.Mac"/>.</typeparam>
/// <typeparam name="TVlan"><see cref="IRuleKinds.Vlan"/>.</typeparam>
/// <typeparam name="TGroups"><see cref="IRuleKinds.Groups"/>.</typeparam>
/// <typeparam name="TRss"><see cref="IRuleKinds.Rss"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct RuleKinds<TTunnelInner, TTunnel, TMacVlan, TMac, TVlan, TGroups, TRss> : IRuleKinds
    where TTunnelInner : struct, IKindFlag
    where TTunnel : struct, IKindFlag
    where TMacVlan : struct, IKindFlag
    where TMac : struct, IKindFlag
    where TVlan : struct, IKindFlag
    where TGroups : struct, IKindFlag
    where TRss : struct, IKindFlag
{
    /// <inheritdoc />
    public static bool TunnelInner => TTunnelInner.Value;

    /// <inheritdoc />
    public static bool Tunnel => TTunnel.Value;

    /// <inheritdoc />
    public static bool MacVlan => TMacVlan.Value;

    /// <inheritdoc />
    public static bool Mac => TMac.Value;

    /// <inheritdoc />
    public static bool Vlan => TVlan.Value;

    /// <inheritdoc />
    public static bool Groups => TGroups.Value;

    /// <inheritdoc />
    public static bool Rss => TRss.Value;
}

/// <summary>
/// <typeparamref name="TKinds"/> with <see cref="IRuleKinds.Channels"/> on: how the runtime engine names the kinds of a rule set with
/// S-channels. Used by the runtime engine; not meant for direct use.
/// </summary>
/// <typeparam name="TKinds">The rule kinds.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ChannelRuleKinds<TKinds> : IRuleKinds
    where TKinds : struct, IRuleKinds
{
    /// <inheritdoc />
    public static bool TunnelInner => TKinds.TunnelInner;

    /// <inheritdoc />
    public static bool Tunnel => TKinds.Tunnel;

    /// <inheritdoc />
    public static bool MacVlan => TKinds.MacVlan;

    /// <inheritdoc />
    public static bool Mac => TKinds.Mac;

    /// <inheritdoc />
    public static bool Vlan => TKinds.Vlan;

    /// <inheritdoc />
    public static bool Groups => TKinds.Groups;

    /// <inheritdoc />
    public static bool Rss => TKinds.Rss;

    /// <inheritdoc />
    public static bool Channels => true;
}
