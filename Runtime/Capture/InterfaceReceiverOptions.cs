using System;

namespace Vmdq.Toolkit.Capture;

/// <summary>How an <see cref="InterfaceReceiver"/> sets up its socket and ring.</summary>
public sealed class InterfaceReceiverOptions
{
    /// <summary>Bytes per ring block (a power of two, at least 4096); the largest frame received whole is a little smaller. Default 1 MiB.</summary>
    public int BlockSize { get; init; } = 1 << 20;

    /// <summary>Blocks in the ring (at least 2). Default 8: 8 MiB of frames can wait for the reader.</summary>
    public int BlockCount { get; init; } = 8;

    /// <summary>How long the kernel may keep a partly filled block before handing it over. Default 10 ms.</summary>
    public TimeSpan BlockTimeout { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Put the interface in promiscuous mode while the receiver is open (frames for other MAC addresses too). Default false.</summary>
    public bool Promiscuous { get; init; }

    /// <summary>Hand on the frames this host sends on the interface as well. Default false: received frames only, as a NIC's receive side sees them.</summary>
    public bool IncludeOutgoing { get; init; }

    internal void Validate()
    {
        if (BlockSize < 4096 || (BlockSize & (BlockSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize, "The block size must be a power of two of at least 4096 bytes.");
        }

        if (BlockCount < 2 || (long)BlockCount * BlockSize > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockCount), BlockCount, "The ring needs at least 2 blocks and at most 2 GiB.");
        }

        if (BlockTimeout < TimeSpan.FromMilliseconds(1) || BlockTimeout > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentOutOfRangeException(nameof(BlockTimeout), BlockTimeout, "The block timeout must be between 1 ms and 60 s.");
        }
    }
}
