namespace Vmdq.Toolkit.Emulator;

/// <summary>
/// A frame already written into a pool buffer (rented with <see cref="BufferPool.TryRent(out int)"/>),
/// handed to <see cref="NicEmulator.ReceiveBurst(System.ReadOnlySpan{LandedFrame})"/> without any copy.
/// </summary>
/// <param name="BufferIndex">The rented buffer.</param>
/// <param name="Length">Bytes of the frame, from the buffer's start.</param>
public readonly record struct LandedFrame(int BufferIndex, int Length);
