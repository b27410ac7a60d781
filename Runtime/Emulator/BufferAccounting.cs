namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// Where every buffer of the pool is: free, in a ring (named by at least one queued RX or TX descriptor, a frame
/// on the wire, or a TX completion not yet polled), or held (referenced, but by no ring: a consumer or a producer has it). Returned by
/// <see cref="NicEmulator.CheckBuffers"/>; exact when no receive or poll runs meanwhile.
/// </summary>
/// <param name="Total">Buffers in the pool.</param>
/// <param name="Free">Buffers with no reference.</param>
/// <param name="InRing">Buffers named by at least one descriptor waiting in an RX or TX ring, the frame on the wire, or a TX completion not yet polled.</param>
/// <param name="Held">Referenced buffers that no ring names (held by consumers or a producer).</param>
/// <param name="HeldReferences">References held outside the rings (a replicated buffer may count more than once).</param>
/// <param name="FreeListCount">Buffers on the free list (must equal <paramref name="Free"/>).</param>
/// <param name="Violations">Broken invariants found: a ring naming a free buffer or naming a buffer more often than it is referenced, or a free list that disagrees with the reference counts.</param>
public readonly record struct BufferAccounting(int Total, int Free, int InRing, int Held, long HeldReferences, int FreeListCount, int Violations)
{
    /// <summary>True when every buffer is accounted for exactly once and no invariant is broken.</summary>
    public bool IsConserved => Violations == 0 && Free + InRing + Held == Total && FreeListCount == Free;
}
