using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Vmdq.Toolkit.Capture;

/// <summary>
/// The libc calls and kernel ABI (linux/if_packet.h, linux/if_ether.h) that AF_PACKET sockets with a TPACKET_V3
/// ring need. The struct offsets are those of the kernel's UAPI headers; they use fixed-width fields only, so they
/// are the same on every 64-bit Linux architecture .NET runs on.
/// </summary>
internal static unsafe partial class LinuxPacket
{
    private const string Libc = "libc";

    public const int AF_PACKET = 17;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const ushort ETH_P_ALL = 0x0003;
    public const int SOL_PACKET = 263;
    public const int PACKET_ADD_MEMBERSHIP = 1;
    public const int PACKET_RX_RING = 5;
    public const int PACKET_STATISTICS = 6;
    public const int PACKET_VERSION = 10;
    public const int PACKET_IGNORE_OUTGOING = 23;
    public const int TPACKET_V3 = 2;
    public const ushort PACKET_MR_PROMISC = 1;

    /// <summary>sll_pkttype of a frame this host sent.</summary>
    public const byte PACKET_OUTGOING = 4;

    public const uint TP_STATUS_KERNEL = 0;
    public const uint TP_STATUS_USER = 1;
    public const uint TP_STATUS_VLAN_VALID = 0x10;
    public const uint TP_STATUS_VLAN_TPID_VALID = 0x40;

    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const short POLLIN = 1;
    public const short POLLERR = 8;
    public const nuint SIOCGIFMTU = 0x8921;

    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOBUFS = 105;
    public const int EMSGSIZE = 90;
    public const int ENOPROTOOPT = 92;

    /// <summary>IFNAMSIZ: interface names are at most 15 bytes plus the terminating zero.</summary>
    public const int IfNameSize = 16;

    // struct tpacket_block_desc { u32 version; u32 offset_to_priv; struct tpacket_hdr_v1 hdr; }
    // struct tpacket_hdr_v1 { u32 block_status; u32 num_pkts; u32 offset_to_first_pkt; u32 blk_len; u64 seq_num; ... }
    public const int BlockStatusOffset = 8;
    public const int BlockPacketCountOffset = 12;
    public const int BlockFirstPacketOffset = 16;

    // struct tpacket3_hdr { u32 tp_next_offset; u32 tp_sec; u32 tp_nsec; u32 tp_snaplen; u32 tp_len; u32 tp_status;
    //   u16 tp_mac; u16 tp_net; { u32 tp_rxhash; u32 tp_vlan_tci; u16 tp_vlan_tpid; u16 tp_padding; } u8 tp_padding[8]; }
    public const int NextOffset = 0;
    public const int SecondsOffset = 4;
    public const int NanosecondsOffset = 8;
    public const int SnapLengthOffset = 12;
    public const int LengthOffset = 16;
    public const int StatusOffset = 20;
    public const int MacOffset = 24;
    public const int VlanTciOffset = 32;
    public const int VlanTpidOffset = 36;

    /// <summary>TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where the frame's struct sockaddr_ll starts.</summary>
    public const int SockaddrOffset = 48;

    /// <summary>Offset of sll_pkttype in struct sockaddr_ll.</summary>
    public const int PacketTypeOffset = 10;

    [StructLayout(LayoutKind.Sequential)]
    public struct SockaddrLl
    {
        public ushort Family;
        public ushort Protocol;
        public int IfIndex;
        public ushort HaType;
        public byte PacketType;
        public byte HaLength;
        public ulong Address;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TpacketReq3
    {
        public uint BlockSize;
        public uint BlockCount;
        public uint FrameSize;
        public uint FrameCount;
        public uint RetireBlockTimeoutMs;
        public uint SizeofPriv;
        public uint FeatureRequestWord;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TpacketStatsV3
    {
        public uint Packets;
        public uint Drops;
        public uint FreezeQueueCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PacketMreq
    {
        public int IfIndex;
        public ushort Type;
        public ushort AddressLength;
        public ulong Address;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>struct ifreq: the name, then a 24-byte union of which SIOCGIFMTU fills the first int.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    public struct IfReq
    {
        public fixed byte Name[IfNameSize];
        public int Mtu;
    }

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Libc, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, void* value, uint* length);

    [LibraryImport(Libc, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, void* address, uint length);

    [LibraryImport(Libc, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport(Libc, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Libc, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "if_nametoindex", SetLastError = true)]
    public static partial uint IfNameToIndex(byte* name);

    /// <summary>Network byte order of a 16-bit value.</summary>
    public static ushort HostToNetwork(ushort value) =>
        BitConverter.IsLittleEndian ? (ushort)((value >> 8) | (value << 8)) : value;

    /// <summary>The calling thread's errno after a failed call, with the C library's text for it.</summary>
    public static (int Errno, string Text) LastError()
    {
        int errno = Marshal.GetLastPInvokeError();
        return (errno, Marshal.GetPInvokeErrorMessage(errno));
    }

    /// <summary>
    /// Throws <see cref="PlatformNotSupportedException"/> off Linux, and <see cref="InterfaceException"/> for a name
    /// the kernel could never accept (empty, 16 bytes or more, a '/', ':' or white space: dev_valid_name).
    /// </summary>
    public static byte[] CheckName(string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException(
                $"Live interfaces (AF_PACKET sockets) are supported on Linux only; this is {RuntimeInformation.OSDescription}.");
        }

        byte[] name = Encoding.UTF8.GetBytes(interfaceName);
        if (name.Length == 0 || name.Length >= IfNameSize || interfaceName is "." or ".."
            || interfaceName.AsSpan().IndexOfAny("/: \t\n\r\0") >= 0)
        {
            throw new InterfaceException(interfaceName, 0,
                $"'{interfaceName}' is not a valid network interface name (1 to {IfNameSize - 1} bytes, no '/', ':' or white space).");
        }

        return name;
    }

    /// <summary>The index of the interface named <paramref name="name"/> (checked by <see cref="CheckName"/>) in this network namespace.</summary>
    public static int IndexOf(string interfaceName, byte[] name)
    {
        Span<byte> terminated = stackalloc byte[IfNameSize];
        name.CopyTo(terminated);
        uint index;
        fixed (byte* p = terminated)
        {
            index = IfNameToIndex(p);
        }

        if (index == 0)
        {
            var (errno, text) = LastError();
            throw new InterfaceException(interfaceName, errno, errno == 19 /* ENODEV */ || errno == 0
                ? $"There is no network interface named '{interfaceName}' (in this network namespace; 'ip link' lists them)."
                : $"Cannot look up network interface '{interfaceName}': {text}.");
        }

        return (int)index;
    }

    /// <summary>Opens an AF_PACKET raw socket, or throws with what the caller can do about a refusal.</summary>
    public static int OpenSocket(string interfaceName, ushort protocol)
    {
        int fd = Socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, HostToNetwork(protocol));
        if (fd < 0)
        {
            var (errno, text) = LastError();
            throw new InterfaceException(interfaceName, errno, errno is 1 or 13 /* EPERM, EACCES */
                ? $"Opening a packet socket for '{interfaceName}' needs the CAP_NET_RAW capability ({text}): run as root, "
                  + "grant it to the program (setcap cap_net_raw+ep), or work inside a user and network namespace (unshare -rn)."
                : $"Cannot open a packet socket for '{interfaceName}': {text}.");
        }

        return fd;
    }

    /// <summary>Binds a packet socket to one interface (and protocol, network order), or throws.</summary>
    public static void BindTo(int fd, string interfaceName, int ifIndex, ushort protocol)
    {
        var address = new SockaddrLl { Family = AF_PACKET, Protocol = HostToNetwork(protocol), IfIndex = ifIndex };
        if (Bind(fd, &address, (uint)sizeof(SockaddrLl)) != 0)
        {
            var (errno, text) = LastError();
            throw new InterfaceException(interfaceName, errno, errno == 100 /* ENETDOWN */
                ? $"Network interface '{interfaceName}' is down ('ip link set {interfaceName} up')."
                : $"Cannot bind a packet socket to '{interfaceName}': {text}.");
        }
    }

    /// <summary>The interface's MTU (SIOCGIFMTU), or throws.</summary>
    public static int MtuOf(int fd, string interfaceName, byte[] name)
    {
        var request = default(IfReq);
        for (int i = 0; i < name.Length; i++)
        {
            request.Name[i] = name[i];
        }

        if (Ioctl(fd, SIOCGIFMTU, &request) != 0)
        {
            var (errno, text) = LastError();
            throw new InterfaceException(interfaceName, errno, $"Cannot read the MTU of '{interfaceName}': {text}.");
        }

        return request.Mtu;
    }

    /// <summary>Sets an integer or struct socket option, or throws naming <paramref name="what"/>.</summary>
    public static void SetOption<T>(int fd, string interfaceName, int name, T value, string what)
        where T : unmanaged
    {
        if (SetSockOpt(fd, SOL_PACKET, name, &value, (uint)sizeof(T)) != 0)
        {
            var (errno, text) = LastError();
            throw new InterfaceException(interfaceName, errno, $"Cannot {what} on the packet socket for '{interfaceName}': {text}.");
        }
    }
}
