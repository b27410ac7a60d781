using System;
using System.Reflection;

namespace Vmdq.Cli;

/// <summary>
/// Where the diagnostics' help links point: the repository's documentation URL declared once in
/// Directory.Build.props (<c>VmdqDocsBaseUrl</c>), stamped on this assembly as the generator's is
/// (Generator/Diagnostics/HelpLinks.cs), so the tool's links are the build's.
/// </summary>
internal static class HelpLinks
{
    private static readonly string DiagnosticsPage = ReadDiagnosticsPage();

    /// <summary>The help link of diagnostic <paramref name="id"/> (<c>.../docs/diagnostics.md#vmdq0003</c>); empty without a base.</summary>
    public static string For(string id) => DiagnosticsPage.Length == 0 ? string.Empty : DiagnosticsPage + id.ToLowerInvariant();

    private static string ReadDiagnosticsPage()
    {
        foreach (var attribute in typeof(HelpLinks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (string.Equals(attribute.Key, "VmdqDocsBaseUrl", StringComparison.Ordinal) && !string.IsNullOrEmpty(attribute.Value))
            {
                string baseUrl = attribute.Value.EndsWith('/') ? attribute.Value : attribute.Value + "/";
                return baseUrl + "docs/diagnostics.md#";
            }
        }

        return string.Empty;
    }
}
