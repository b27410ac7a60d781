using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Vmdq.Toolkit.Emulator;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// A hand-built dispatcher for the emulator tests: the low byte of the destination MAC picks the
/// verdict. <c>low = queue * pools + pool</c> goes to (pool, queue); <see cref="DropByte"/> is a rule
/// drop, <see cref="InvalidByte"/> names a pool the NIC does not have, and ff:ff:ff:ff:ff:ff is a
/// broadcast to <c>broadcastPools</c>.
/// </summary>
internal static class TestNic
{
    public const byte DropByte = 0xDD;
    public const byte InvalidByte = 0xEE;
    public const int DropLine = 20;
    public const int BroadcastLine = 10;
    public const int PayloadOffset = 14;

    public static DispatcherInfo Info(int pools = 4, int queues = 4, int ring = 64, int[]? broadcastPools = null, IReadOnlyList<PoolInfo>? declared = null)
    {
        int[] replicas = broadcastPools ?? [0, 1, 2, 3];
        Verdict Classify(ReadOnlySpan<byte> frame)
        {
            var fields = FrameParser.Parse(frame);
            if (fields.Dst == 0xFFFF_FFFF_FFFF)
            {
                return Verdict.Create(replicas[0], 0, false, BroadcastLine, RuleKind.Broadcast);
            }

            byte low = (byte)fields.Dst;
            return low switch
            {
                DropByte => Verdict.Create(0, 0, true, DropLine, RuleKind.Mac),
                InvalidByte => Verdict.Create(pools, 0, false, 30, RuleKind.Mac),
                _ => Verdict.Create(low % pools, (low / pools) % 16, false, 100 + low, RuleKind.Mac),
            };
        }

        return new DispatcherInfo(
            "Tests.TestDispatcher",
            "test.vmdq",
            pools,
            queues,
            ring,
            0,
            FrameParser.DefaultVxlanPort,
            declared ?? [],
            Classify,
            (buffer, frames, verdicts) =>
            {
                for (int i = 0; i < frames.Length; i++)
                {
                    verdicts[i] = Classify(buffer.Slice(frames[i].Offset, frames[i].Length));
                }
            },
            verdict => verdict.IsReplicated ? replicas : ReadOnlySpan<int>.Empty);
    }

    public static NicEmulator Create(int pools = 4, int queues = 4, int ring = 64, int[]? broadcastPools = null, NicOptions? options = null) =>
        new(Info(pools, queues, ring, broadcastPools), options);

    /// <summary>The destination-MAC low byte that routes to (pool, queue).</summary>
    public static byte To(int pool, int queue, int pools = 4) => (byte)((queue * pools) + pool);

    /// <summary>A frame to 02:00:00:00:00:<paramref name="dstLow"/> with a source id and a sequence number in its payload.</summary>
    public static byte[] Frame(byte dstLow, long sequence = 0, byte source = 0, int length = 64)
    {
        var frame = new byte[length];
        Write(frame, dstLow, sequence, source);
        return frame;
    }

    /// <summary><paramref name="count"/> frames to 02:00:00:00:00:<paramref name="dstLow"/>, numbered 0 to <paramref name="count"/> - 1.</summary>
    public static byte[][] Numbered(int count, byte dstLow)
    {
        var frames = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            frames[i] = Frame(dstLow, sequence: i);
        }

        return frames;
    }

    /// <summary>A broadcast frame.</summary>
    public static byte[] Broadcast(long sequence = 0, int length = 64)
    {
        var frame = Frame(0, sequence, 0, length);
        frame.AsSpan(0, 6).Fill(0xFF);
        return frame;
    }

    public static void Write(Span<byte> frame, byte dstLow, long sequence, byte source)
    {
        frame.Clear();
        frame[0] = 0x02;
        frame[5] = dstLow;
        frame[6] = 0x02;
        frame[11] = source;
        frame[12] = 0x88;
        frame[13] = 0xB5;
        if (frame.Length >= PayloadOffset + 9)
        {
            frame[PayloadOffset] = source;
            BinaryPrimitives.WriteInt64LittleEndian(frame.Slice(PayloadOffset + 1), sequence);
        }
    }

    public static byte SourceOf(ReadOnlySpan<byte> frame) => frame[PayloadOffset];

    public static long SequenceOf(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadInt64LittleEndian(frame.Slice(PayloadOffset + 1));

    /// <summary>Drains every ring through the host API, releasing each descriptor; returns them in the order taken.</summary>
    public static List<RxDescriptor> DrainAll(NicEmulator nic)
    {
        var all = new List<RxDescriptor>();
        var burst = new RxDescriptor[16];
        for (int pool = 0; pool < nic.PoolCount; pool++)
        {
            for (int queue = 0; queue < nic.QueuesPerPool; queue++)
            {
                int n;
                while ((n = nic.ReceiveFromQueue(pool, queue, burst)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        all.Add(burst[i]);
                        nic.Release(burst[i]);
                    }
                }
            }
        }

        return all;
    }
}
