using System;
using System.Runtime.InteropServices;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>Three pages: inaccessible, usable, inaccessible (Linux mmap/mprotect). Reading past either edge of the middle page faults.</summary>
internal sealed unsafe class GuardedPages : IDisposable
{
    private const int ProtNone = 0, ProtReadWrite = 3, MapPrivate = 0x02, MapAnonymous = 0x20;
    private readonly byte* _base;
    private readonly nuint _pageSize;

    public GuardedPages()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Guard pages are set up with Linux mmap/mprotect.");
        }

        _pageSize = (nuint)Environment.SystemPageSize;
        _base = (byte*)mmap(null, 3 * _pageSize, ProtNone, MapPrivate | MapAnonymous, -1, 0);
        if ((nint)_base == -1 || mprotect(_base + _pageSize, _pageSize, ProtReadWrite) != 0)
        {
            throw new InvalidOperationException("mmap/mprotect failed: " + Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>A span of <paramref name="length"/> bytes whose last byte is the last accessible one.</summary>
    public Span<byte> EndingAtGuard(int length) => new(_base + (2 * _pageSize) - (nuint)length, length);

    /// <summary>A span of <paramref name="length"/> bytes whose first byte is the first accessible one.</summary>
    public Span<byte> StartingAfterGuard(int length) => new(_base + _pageSize, length);

    public void Dispose() => munmap(_base, 3 * _pageSize);

    [DllImport("libc", SetLastError = true)]
    private static extern void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(void* addr, nuint length, int prot);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(void* addr, nuint length);
}
