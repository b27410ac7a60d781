using System.CommandLine;
using System.Globalization;

namespace Vmdq.Cli;

/// <summary>The <c>--count N</c> option of the commands that read live frames (<c>capture</c>, <c>replay --interface</c>): a frame count of at least 1.</summary>
internal static class CountOption
{
    /// <summary>Creates the option with its command's <paramref name="description"/>.</summary>
    public static Option<long?> Create(string description)
    {
        var count = new Option<long?>("--count") { Description = description, HelpName = "N" };
        count.CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
            if (!long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) || n < 1)
            {
                result.AddError($"--count '{token}': a number of frames of at least 1 is expected.");
                return null;
            }

            return n;
        };
        return count;
    }
}
