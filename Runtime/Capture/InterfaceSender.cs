using System;
using System.Buffers.Binary;
using System.Threading;

namespace Vmdq.Toolkit.Capture;

/// <summary>What became of a frame given to <see cref="InterfaceSender.Send"/>.</summary>
public enum SendResult
{
    /// <summary>The kernel took the frame for transmission.</summary>
    Sent,

    /// <summary>
    /// Not sendable: longer than the interface's MTU plus the 14-byte Ethernet header (plus 4 when the frame carries an
    /// 802.1Q tag), as GSO and BIG TCP super-frames in captures are. Counted, not an error.
    /// </summary>
    TooLarge,

    /// <summary>Not sendable: shorter than an Ethernet header (14 bytes). Counted, not an error.</summary>
    TooShort,
}

/// <summary>
/// Sends frames out of a live Linux network interface through an AF_PACKET raw socket bound to it: each frame goes
/// out byte for byte as given (Ethernet header and any VLAN tags included; no padding, no checksum changes).
/// </summary>
/// <remarks>
/// Opening needs CAP_NET_RAW in the interface's network namespace. Linux only: elsewhere <see cref="Open"/> throws
/// <see cref="PlatformNotSupportedException"/>. The MTU is read when the sender opens; a frame the kernel still finds
/// too long (the MTU was lowered since) is counted as <see cref="SendResult.TooLarge"/> too.
/// </remarks>
public sealed unsafe class InterfaceSender : IDisposable
{
    /// <summary>Bytes of an Ethernet header (two MAC addresses and the EtherType).</summary>
    public const int EthernetHeaderLength = 14;

    private const int TagLength = 4;

    private int _fd;
    private long _sent;
    private long _notSendable;

    private InterfaceSender(string name, int index, int mtu, int fd)
    {
        InterfaceName = name;
        InterfaceIndex = index;
        Mtu = mtu;
        _fd = fd;
    }

    /// <summary>The interface frames are sent on.</summary>
    public string InterfaceName { get; }

    /// <summary>The interface's index in its network namespace.</summary>
    public int InterfaceIndex { get; }

    /// <summary>The interface's MTU when the sender opened.</summary>
    public int Mtu { get; }

    /// <summary>Frames sent so far.</summary>
    public long FramesSent => Interlocked.Read(ref _sent);

    /// <summary>Frames refused so far as <see cref="SendResult.TooLarge"/> or <see cref="SendResult.TooShort"/>.</summary>
    public long FramesNotSendable => Interlocked.Read(ref _notSendable);

    /// <summary>Opens a sender on <paramref name="interfaceName"/>.</summary>
    /// <param name="interfaceName">The interface, e.g. <c>eth0</c>.</param>
    /// <exception cref="PlatformNotSupportedException">Not running on Linux.</exception>
    /// <exception cref="InterfaceException">No such interface, or no permission (CAP_NET_RAW).</exception>
    public static InterfaceSender Open(string interfaceName)
    {
        byte[] name = LinuxPacket.CheckName(interfaceName);
        int index = LinuxPacket.IndexOf(interfaceName, name);

        // Protocol 0: the socket only sends; the kernel delivers it no received frames.
        int fd = LinuxPacket.OpenSocket(interfaceName, 0);
        try
        {
            int mtu = LinuxPacket.MtuOf(fd, interfaceName, name);
            LinuxPacket.BindTo(fd, interfaceName, index, 0);
            return new InterfaceSender(interfaceName, index, mtu, fd);
        }
        catch
        {
            _ = LinuxPacket.Close(fd);
            throw;
        }
    }

    /// <summary>
    /// The longest frame the interface sends as it is: MTU + 14, plus 4 when the frame's EtherType is 0x8100 (an
    /// 802.1Q tag; the kernel allows the extra 4 bytes for that TPID only).
    /// </summary>
    /// <param name="frame">The frame (only its EtherType at bytes 12..13 is read).</param>
    public int MaxFrameLength(ReadOnlySpan<byte> frame) =>
        Mtu + EthernetHeaderLength + (frame.Length >= 14 && BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == 0x8100 ? TagLength : 0);

    /// <summary>Whether <see cref="Send"/> would send <paramref name="frame"/> (its length is within the limits).</summary>
    /// <param name="frame">An Ethernet frame from its first byte.</param>
    public SendResult Check(ReadOnlySpan<byte> frame) =>
        frame.Length < EthernetHeaderLength ? SendResult.TooShort
        : frame.Length > MaxFrameLength(frame) ? SendResult.TooLarge
        : SendResult.Sent;

    /// <summary>
    /// Sends <paramref name="frame"/>, or counts it as not sendable (too long for the MTU, or shorter than an Ethernet
    /// header) and returns why. Waits while the interface's queue is full.
    /// </summary>
    /// <param name="frame">An Ethernet frame from its first byte (without FCS).</param>
    /// <exception cref="ObjectDisposedException">The sender is disposed.</exception>
    /// <exception cref="InterfaceException">The kernel refused the frame for another reason (e.g. the interface is down).</exception>
    public SendResult Send(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        var result = Check(frame);
        if (result != SendResult.Sent)
        {
            Interlocked.Increment(ref _notSendable);
            return result;
        }

        for (int attempt = 0; ; attempt++)
        {
            nint written;
            fixed (byte* p = frame)
            {
                written = LinuxPacket.Send(_fd, p, (nuint)frame.Length, 0);
            }

            if (written >= 0)
            {
                Interlocked.Increment(ref _sent);
                return SendResult.Sent;
            }

            var (errno, text) = LinuxPacket.LastError();
            if (errno == LinuxPacket.EMSGSIZE)
            {
                Interlocked.Increment(ref _notSendable);
                return SendResult.TooLarge;
            }

            if (errno == LinuxPacket.EINTR || ((errno == LinuxPacket.ENOBUFS || errno == LinuxPacket.EAGAIN) && attempt < 1000))
            {
                // The device queue is full: give it a moment to drain.
                Thread.Sleep(1);
                continue;
            }

            throw new InterfaceException(InterfaceName, errno, errno == 100 /* ENETDOWN */
                ? $"Cannot send on '{InterfaceName}': the interface is down ('ip link set {InterfaceName} up')."
                : $"Cannot send a {frame.Length}-byte frame on '{InterfaceName}': {text}.");
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the socket of a sender that was never disposed.</summary>
    ~InterfaceSender() => Release();

    private void Release()
    {
        if (_fd >= 0)
        {
            _ = LinuxPacket.Close(_fd);
            _fd = -1;
        }
    }
}
