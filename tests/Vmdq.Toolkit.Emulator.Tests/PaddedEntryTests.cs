using System;
using Vmdq.Toolkit.Classification;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// The receive path classifies frames where they landed, in the emulator's own buffers, through the
/// dispatcher's padded batch entry when every buffer has <see cref="FrameParser.PaddedFrameBytes"/> bytes
/// (so its loads need no clamps), and through the span entry when buffers are smaller.
/// </summary>
public class PaddedEntryTests
{
    [Theory]
    [InlineData(2048, true)]
    [InlineData(FrameParser.PaddedFrameBytes, true)]
    [InlineData(FrameParser.PaddedFrameBytes - 1, false)]
    [InlineData(64, false)]
    public void Buffers_of_at_least_the_padding_are_classified_through_the_padded_entry(int bufferSize, bool padded)
    {
        var inner = TestNic.Info();
        int paddedCalls = 0, plainCalls = 0, paddedFrames = 0;
        var info = new DispatcherInfo(
            inner.Name, inner.RulesFile, inner.PoolCount, inner.QueuesPerPool, inner.RingSize, inner.DefaultPool, inner.VxlanPort, inner.Pools,
            inner.Classify,
            (buffer, frames, verdicts) =>
            {
                plainCalls++;
                inner.ClassifyBatch(buffer, frames, verdicts);
            },
            inner.Replicas,
            (buffer, frames, verdicts) =>
            {
                paddedCalls++;
                foreach (var frame in frames)
                {
                    // The padded contract: PaddedFrameBytes of the buffer from each frame's start.
                    Assert.True(frame.Offset + FrameParser.PaddedFrameBytes <= buffer.Length, $"frame at {frame.Offset} has fewer than {FrameParser.PaddedFrameBytes} bytes after it");
                    paddedFrames++;
                }

                inner.ClassifyBatch(buffer, frames, verdicts);
            });

        using var nic = new NicEmulator(info, new NicOptions { BufferSize = bufferSize, BufferCount = 64 });
        byte[][] frames = [TestNic.Frame(TestNic.To(1, 2), length: 60), TestNic.Frame(TestNic.To(3, 0), length: 64), TestNic.Frame(TestNic.To(2, 1), length: 60)];
        Assert.Equal(3, nic.ReceiveBurst(frames));

        Assert.Equal(padded ? (1, 0, 3) : (0, 1, 0), (paddedCalls, plainCalls, paddedFrames));
        var descriptors = new RxDescriptor[4];
        Assert.Equal(1, nic.ReceiveFromQueue(1, 2, descriptors));
        Assert.True(nic.GetFrame(descriptors[0]).SequenceEqual(frames[0]));
        nic.Release(descriptors[0]);
    }
}
