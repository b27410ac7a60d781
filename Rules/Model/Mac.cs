using System.Globalization;

namespace Vmdq.Rules.Model;

/// <summary>MAC addresses as 48-bit numbers: the first octet is the most significant.</summary>
internal static class Mac
{
    /// <summary>The broadcast address ff:ff:ff:ff:ff:ff.</summary>
    public const ulong Broadcast = 0xFFFF_FFFF_FFFFUL;

    /// <summary>Parses six two-digit hex octets separated by ':' or '-' (one separator throughout), either case.</summary>
    public static bool TryParse(string text, out ulong mac) => TryParse(text, 0, text.Length, out mac);

    /// <summary>Parses <c>text[start .. start + length)</c> as <see cref="TryParse(string, out ulong)"/> does.</summary>
    public static bool TryParse(string text, int start, int length, out ulong mac)
    {
        mac = 0;
        if (length != 17)
        {
            return false;
        }

        char sep = text[start + 2];
        if (sep != ':' && sep != '-')
        {
            return false;
        }

        for (int i = 0; i < 6; i++)
        {
            int at = start + (i * 3);
            if (i > 0 && text[at - 1] != sep)
            {
                return false;
            }

            int hi = HexValue(text[at]), lo = HexValue(text[at + 1]);
            if (hi < 0 || lo < 0)
            {
                return false;
            }

            mac = (mac << 8) | (uint)((hi << 4) | lo);
        }

        return true;
    }

    /// <summary>Formats as lower-case <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public static string Format(ulong mac)
    {
        var chars = new char[17];
        for (int i = 0; i < 6; i++)
        {
            byte b = (byte)(mac >> (40 - (8 * i)));
            chars[i * 3] = "0123456789abcdef"[b >> 4];
            chars[(i * 3) + 1] = "0123456789abcdef"[b & 0xF];
            if (i < 5)
            {
                chars[(i * 3) + 2] = ':';
            }
        }

        return new string(chars);
    }

    /// <summary>True for group (multicast or broadcast) addresses: the I/G bit, the low bit of the first octet.</summary>
    public static bool IsGroup(ulong mac) => ((mac >> 40) & 1) != 0;

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    internal static string Hex(long value) => "0x" + value.ToString("X", CultureInfo.InvariantCulture);
}
