namespace Vmdq.Toolkit;

/// <summary>Where one frame lies in a batch's shared buffer.</summary>
/// <param name="Offset">Offset of the frame's first byte.</param>
/// <param name="Length">The frame's length in bytes (0 is allowed).</param>
public readonly record struct FrameSlice(int Offset, int Length);
