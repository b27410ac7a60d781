using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Vmdq.Toolkit.Capture;

/// <summary>
/// Receives the frames of a live Linux network interface through an AF_PACKET socket with a TPACKET_V3
/// memory-mapped ring: the kernel fills blocks of frames, the receiver walks each block, hands every frame on and
/// gives the block back. No native library beyond the C library is involved.
/// </summary>
/// <remarks>
/// <para>The kernel takes the outer 802.1Q/802.1ad tag out of a received frame and reports it beside the frame
/// (<c>tp_vlan_tci</c>, <c>tp_vlan_tpid</c>); the receiver puts it back after the MAC addresses, so frames are handed
/// on as they were on the wire and <c>vlan</c> rules match live as they do on captures.</para>
/// <para>Opening needs CAP_NET_RAW in the interface's network namespace (root, a capability, or an unprivileged
/// user and network namespace). Linux only: elsewhere <see cref="Open"/> throws <see cref="PlatformNotSupportedException"/>.
/// An instance is for one reading thread at a time.</para>
/// </remarks>
public sealed unsafe class InterfaceReceiver : IDisposable
{
    private const int TagLength = 4;

    private readonly int _blockSize;
    private readonly int _blockCount;
    private readonly bool _includeOutgoing;
    private readonly byte[] _scratch;
    private int _fd;
    private nint _ring;
    private int _block;
    private long _delivered;

    private InterfaceReceiver(string name, int index, int fd, nint ring, InterfaceReceiverOptions options)
    {
        InterfaceName = name;
        InterfaceIndex = index;
        _fd = fd;
        _ring = ring;
        _blockSize = options.BlockSize;
        _blockCount = options.BlockCount;
        _includeOutgoing = options.IncludeOutgoing;
        _scratch = new byte[_blockSize + TagLength];
    }

    /// <summary>The interface frames are received from.</summary>
    public string InterfaceName { get; }

    /// <summary>The interface's index in its network namespace.</summary>
    public int InterfaceIndex { get; }

    /// <summary>Frames handed on so far.</summary>
    public long FramesReceived => _delivered;

    /// <summary>Opens a receiver on <paramref name="interfaceName"/>: socket, TPACKET_V3 ring, bound to that interface only.</summary>
    /// <param name="interfaceName">The interface, e.g. <c>eth0</c>.</param>
    /// <param name="options">Ring size and receive options; null for the defaults.</param>
    /// <exception cref="PlatformNotSupportedException">Not running on Linux.</exception>
    /// <exception cref="InterfaceException">No such interface, no permission (CAP_NET_RAW), or the kernel refused the ring.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static InterfaceReceiver Open(string interfaceName, InterfaceReceiverOptions? options = null)
    {
        byte[] name = LinuxPacket.CheckName(interfaceName);
        options ??= new InterfaceReceiverOptions();
        options.Validate();
        int index = LinuxPacket.IndexOf(interfaceName, name);
        int fd = LinuxPacket.OpenSocket(interfaceName, LinuxPacket.ETH_P_ALL);
        nint ring = 0;
        nuint ringLength = (nuint)options.BlockSize * (nuint)options.BlockCount;
        try
        {
            LinuxPacket.SetOption(fd, interfaceName, LinuxPacket.PACKET_VERSION, LinuxPacket.TPACKET_V3, "select TPACKET_V3");
            if (!options.IncludeOutgoing
                && LinuxPacket.SetSockOpt(fd, LinuxPacket.SOL_PACKET, LinuxPacket.PACKET_IGNORE_OUTGOING, &index, sizeof(int)) != 0)
            {
                // Kernels before 4.20 lack the option: the walk below drops outgoing frames by their packet type instead.
                _ = LinuxPacket.LastError();
            }

            const int frameSize = 2048; // nominal in TPACKET_V3 (frames are packed); only the count derived from it is checked
            var request = new LinuxPacket.TpacketReq3
            {
                BlockSize = (uint)options.BlockSize,
                BlockCount = (uint)options.BlockCount,
                FrameSize = frameSize,
                FrameCount = (uint)((long)options.BlockSize / frameSize * options.BlockCount),
                RetireBlockTimeoutMs = (uint)Math.Ceiling(options.BlockTimeout.TotalMilliseconds),
            };
            LinuxPacket.SetOption(fd, interfaceName, LinuxPacket.PACKET_RX_RING, request, "set up a receive ring");
            ring = LinuxPacket.Mmap(0, ringLength, LinuxPacket.PROT_READ | LinuxPacket.PROT_WRITE, LinuxPacket.MAP_SHARED, fd, 0);
            if (ring == -1)
            {
                var (errno, text) = LinuxPacket.LastError();
                ring = 0;
                throw new InterfaceException(interfaceName, errno, $"Cannot map the receive ring of '{interfaceName}' ({ringLength} bytes): {text}.");
            }

            LinuxPacket.BindTo(fd, interfaceName, index, LinuxPacket.ETH_P_ALL);
            if (options.Promiscuous)
            {
                var membership = new LinuxPacket.PacketMreq { IfIndex = index, Type = LinuxPacket.PACKET_MR_PROMISC };
                LinuxPacket.SetOption(fd, interfaceName, LinuxPacket.PACKET_ADD_MEMBERSHIP, membership, "enter promiscuous mode");
            }

            return new InterfaceReceiver(interfaceName, index, fd, ring, options);
        }
        catch
        {
            if (ring != 0)
            {
                _ = LinuxPacket.Munmap(ring, ringLength);
            }

            _ = LinuxPacket.Close(fd);
            throw;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the kernel to hand over a block of frames, then hands each of its
    /// frames to <paramref name="handler"/> (in arrival order) and gives the block back. Returns the number of frames
    /// handed on: 0 when the time ran out (or a signal interrupted the wait).
    /// </summary>
    /// <param name="handler">Called once per frame; the span is valid only during the call.</param>
    /// <param name="timeout">How long to wait for a block; <see cref="TimeSpan.Zero"/> does not wait, <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <exception cref="ObjectDisposedException">The receiver is disposed.</exception>
    /// <exception cref="InterfaceException">The socket reported an error (e.g. the interface went away).</exception>
    public int Receive(ReceivedFrameHandler handler, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        byte* block = (byte*)_ring + ((long)_block * _blockSize);
        if ((Volatile.Read(ref *(uint*)(block + LinuxPacket.BlockStatusOffset)) & LinuxPacket.TP_STATUS_USER) == 0)
        {
            var poll = new LinuxPacket.PollFd { Fd = _fd, Events = LinuxPacket.POLLIN | LinuxPacket.POLLERR };
            int milliseconds = timeout == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue);
            int ready = LinuxPacket.Poll(&poll, 1, milliseconds);
            if (ready < 0)
            {
                var (errno, text) = LinuxPacket.LastError();
                if (errno == LinuxPacket.EINTR)
                {
                    return 0;
                }

                throw new InterfaceException(InterfaceName, errno, $"Waiting for frames on '{InterfaceName}' failed: {text}.");
            }

            if ((poll.Revents & LinuxPacket.POLLERR) != 0 && (poll.Revents & LinuxPacket.POLLIN) == 0)
            {
                throw new InterfaceException(InterfaceName, 0, $"The packet socket on '{InterfaceName}' reported an error (has the interface gone away?).");
            }

            if ((Volatile.Read(ref *(uint*)(block + LinuxPacket.BlockStatusOffset)) & LinuxPacket.TP_STATUS_USER) == 0)
            {
                return 0;
            }
        }

        int handed = 0;
        try
        {
            uint count = *(uint*)(block + LinuxPacket.BlockPacketCountOffset);
            byte* header = block + *(uint*)(block + LinuxPacket.BlockFirstPacketOffset);
            for (uint i = 0; i < count; i++)
            {
                if (Deliver(header, handler))
                {
                    handed++;
                }

                header += *(uint*)(header + LinuxPacket.NextOffset);
            }
        }
        finally
        {
            // The block goes back to the kernel even when the handler throws; its remaining frames are lost.
            Volatile.Write(ref *(uint*)(block + LinuxPacket.BlockStatusOffset), LinuxPacket.TP_STATUS_KERNEL);
            _block = (_block + 1) % _blockCount;
        }

        return handed;
    }

    /// <summary>Hands one ring frame on (with its VLAN tag put back); false for an outgoing frame that is not wanted.</summary>
    private bool Deliver(byte* header, ReceivedFrameHandler handler)
    {
        if (!_includeOutgoing && header[LinuxPacket.SockaddrOffset + LinuxPacket.PacketTypeOffset] == LinuxPacket.PACKET_OUTGOING)
        {
            return false;
        }

        uint status = *(uint*)(header + LinuxPacket.StatusOffset);
        int snap = (int)*(uint*)(header + LinuxPacket.SnapLengthOffset);
        int length = (int)Math.Min(*(uint*)(header + LinuxPacket.LengthOffset), int.MaxValue - TagLength);
        var data = new ReadOnlySpan<byte>(header + *(ushort*)(header + LinuxPacket.MacOffset), snap);
        long timestamp = (*(uint*)(header + LinuxPacket.SecondsOffset) * 1_000_000_000L) + *(uint*)(header + LinuxPacket.NanosecondsOffset);
        bool restore = (status & LinuxPacket.TP_STATUS_VLAN_VALID) != 0 && snap >= 12;
        bool outgoing = header[LinuxPacket.SockaddrOffset + LinuxPacket.PacketTypeOffset] == LinuxPacket.PACKET_OUTGOING;
        _delivered++;
        if (!restore)
        {
            handler(data, new ReceivedFrameInfo(_delivered, timestamp, length, false, outgoing));
            return true;
        }

        // The tag goes back between the MAC addresses and the rest: TPID (0x8100 unless the kernel says otherwise), TCI.
        ushort tpid = (status & LinuxPacket.TP_STATUS_VLAN_TPID_VALID) != 0 ? *(ushort*)(header + LinuxPacket.VlanTpidOffset) : (ushort)0x8100;
        ushort tci = (ushort)*(uint*)(header + LinuxPacket.VlanTciOffset);
        var frame = _scratch.AsSpan(0, snap + TagLength);
        data[..12].CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], tpid);
        BinaryPrimitives.WriteUInt16BigEndian(frame[14..], tci);
        data[12..].CopyTo(frame[16..]);
        handler(frame, new ReceivedFrameInfo(_delivered, timestamp, length + TagLength, true, outgoing));
        return true;
    }

    /// <summary>
    /// The frames as they arrive, each a <see cref="CapturedFrame"/> owning a copy of its bytes (Ethernet link type,
    /// <see cref="CapturedFrame.Number"/> counting from 1), until <paramref name="cancellationToken"/> is cancelled:
    /// then the sequence ends (within about 100 ms) without an exception.
    /// </summary>
    /// <param name="cancellationToken">Ends the sequence.</param>
    public async IAsyncEnumerable<CapturedFrame> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var batch = new List<CapturedFrame>();
        ReceivedFrameHandler collect = (ReadOnlySpan<byte> frame, in ReceivedFrameInfo info) => batch.Add(info.ToCapturedFrame(frame));
        while (!cancellationToken.IsCancellationRequested)
        {
            batch.Clear();
            await Task.Run(() => Receive(collect, TimeSpan.FromMilliseconds(100)), CancellationToken.None).ConfigureAwait(false);
            foreach (var frame in batch)
            {
                yield return frame;
            }
        }
    }

    /// <summary>The kernel's counters for this socket since the previous call: frames it accepted and frames it dropped (ring full).</summary>
    /// <exception cref="ObjectDisposedException">The receiver is disposed.</exception>
    public (long Received, long Dropped) ReadKernelStatistics()
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        LinuxPacket.TpacketStatsV3 stats;
        uint size = (uint)sizeof(LinuxPacket.TpacketStatsV3);
        if (LinuxPacket.GetSockOpt(_fd, LinuxPacket.SOL_PACKET, LinuxPacket.PACKET_STATISTICS, &stats, &size) != 0)
        {
            var (errno, text) = LinuxPacket.LastError();
            throw new InterfaceException(InterfaceName, errno, $"Cannot read the packet statistics of '{InterfaceName}': {text}.");
        }

        return (stats.Packets, stats.Drops);
    }

    /// <summary>Unmaps the ring and closes the socket (promiscuous mode, if set, ends with it).</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the socket of a receiver that was never disposed.</summary>
    ~InterfaceReceiver() => Release();

    private void Release()
    {
        if (_fd < 0)
        {
            return;
        }

        _ = LinuxPacket.Munmap(_ring, (nuint)_blockSize * (nuint)_blockCount);
        _ = LinuxPacket.Close(_fd);
        _ring = 0;
        _fd = -1;
    }
}
