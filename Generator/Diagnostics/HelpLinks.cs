using System;
using System.Reflection;

namespace Vmdq.Generator.Diagnostics;

/// <summary>
/// Where the diagnostics' help links point. The base URL is not written here: it is the repository's
/// documentation URL declared once in Directory.Build.props (<c>VmdqDocsBaseUrl</c>, from
/// <c>RepositoryUrl</c>, which the nuspec carries too), stamped on this assembly as metadata.
/// </summary>
internal static class HelpLinks
{
    /// <summary>The metadata key the generator's project file writes.</summary>
    public const string DocsBaseUrlKey = "VmdqDocsBaseUrl";

    /// <summary>The repository's documentation base, e.g. <c>https://github.com/o/r/blob/main/</c>; empty if the build did not stamp it.</summary>
    public static string DocsBaseUrl { get; } = ReadDocsBaseUrl();

    /// <summary>The diagnostics page with a trailing <c>#</c>: append a diagnostic's anchor (<c>vmdq0001</c>). Empty, so no link, without a base.</summary>
    public static string DiagnosticsPage => DocsBaseUrl.Length == 0 ? string.Empty : DocsBaseUrl + "docs/diagnostics.md#";

    private static string ReadDocsBaseUrl()
    {
        foreach (var attribute in typeof(HelpLinks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (string.Equals(attribute.Key, DocsBaseUrlKey, StringComparison.Ordinal) && !string.IsNullOrEmpty(attribute.Value))
            {
                return attribute.Value!.EndsWith("/", StringComparison.Ordinal) ? attribute.Value : attribute.Value + "/";
            }
        }

        return string.Empty;
    }
}
