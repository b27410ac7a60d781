using System;
using System.IO;

namespace Vmdq.Toolkit.Capture;

/// <summary>
/// A live network interface could not be opened, read or written: no such interface, no permission (CAP_NET_RAW),
/// the interface is down... <see cref="Exception.Message"/> is a complete sentence for the user.
/// </summary>
public sealed class InterfaceException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="interfaceName">The interface named by the caller.</param>
    /// <param name="errorNumber">The C library's errno for the failure, 0 when none applies.</param>
    /// <param name="message">What went wrong and, where there is one, what to do about it.</param>
    public InterfaceException(string interfaceName, int errorNumber, string message)
        : base(message)
    {
        InterfaceName = interfaceName;
        ErrorNumber = errorNumber;
    }

    /// <summary>The interface named by the caller.</summary>
    public string InterfaceName { get; }

    /// <summary>The C library's errno for the failure (1 EPERM, 19 ENODEV, 100 ENETDOWN...), 0 when none applies.</summary>
    public int ErrorNumber { get; }
}
