using System;
using System.IO;
using System.Security;

namespace Vmdq.Cli;

/// <summary>Reads the tool's input files, turning every I/O failure into a one-line usage error.</summary>
internal static class InputFiles
{
    /// <summary>The text of <paramref name="path"/> (UTF-8, BOM stripped, as the build reads additional files).</summary>
    /// <exception cref="CliUsageException">The file does not exist or cannot be read.</exception>
    public static string ReadText(string path, string what)
    {
        if (Directory.Exists(path))
        {
            throw new CliUsageException($"cannot read {what} '{path}': it is a directory.");
        }

        if (!File.Exists(path))
        {
            throw new CliUsageException($"cannot read {what} '{path}': no such file.");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException or ArgumentException)
        {
            throw new CliUsageException($"cannot read {what} '{path}': {e.Message}");
        }
    }
}
