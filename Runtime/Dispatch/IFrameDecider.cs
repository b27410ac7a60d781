using System.ComponentModel;
using System.Runtime.Intrinsics;

namespace Vmdq.Toolkit;

/// <summary>
/// What a generated dispatcher supplies to <see cref="FrameDispatch"/>: its VXLAN port and its
/// decision for one parsed frame and for four. Implemented by a struct nested in each generated
/// class, so the JIT specializes (and inlines) the shared loops for every dispatcher.
/// Used by generated code; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IFrameDecider
{
    /// <summary>The UDP port that carries VXLAN (the rules file's <c>vxlan-port</c>).</summary>
    static abstract int VxlanPort { get; }

    /// <summary>The verdict bits for one parsed frame.</summary>
    static abstract Verdict Decide(in ParsedFrame frame);

    /// <summary>The verdict bits for four parsed frames, lane k for frame k.</summary>
    static abstract Vector256<ulong> Decide4(in ParsedFrame4 frames);
}
