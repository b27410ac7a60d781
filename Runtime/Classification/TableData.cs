using System;
using System.Buffers;
using System.Buffers.Text;
using System.ComponentModel;

namespace Vmdq.Toolkit.Classification;

/// <summary>
/// Decodes large build-time tables. Tables up to 64 KiB are emitted as byte-array spans (data in
/// the assembly, no allocation); larger ones as base64 UTF-8 literals, which the C# compiler stores
/// as raw data without the array-initializer cost, decoded once when the dispatcher is first used.
/// Used by generated dispatchers; not meant for direct use.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TableData
{
    /// <summary>Decodes a base64 UTF-8 literal into a new array.</summary>
    /// <exception cref="InvalidOperationException">The literal is not valid base64 (a generator bug).</exception>
    public static byte[] FromBase64(ReadOnlySpan<byte> utf8)
    {
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(utf8.Length)];
        var status = Base64.DecodeFromUtf8(utf8, bytes, out _, out int written);
        if (status != OperationStatus.Done)
        {
            throw new InvalidOperationException($"A generated Vmdq table is corrupt ({status} after {written} bytes); rebuild the project.");
        }

        return written == bytes.Length ? bytes : bytes.AsSpan(0, written).ToArray();
    }
}
