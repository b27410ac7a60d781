using System;
using System.IO;

namespace Vmdq.Toolkit.Emulator.Tests;

/// <summary>
/// The checked-in rules files of this project, read at run time. They are copied beside the test assembly
/// (see the csproj): a CI build sets ContinuousIntegrationBuild, which maps source paths to <c>/_/</c>, so a
/// path taken from <c>[CallerFilePath]</c> does not exist on disk there.
/// </summary>
internal static class RulesFiles
{
    /// <summary>The text of <paramref name="name"/> (e.g. <c>switch.vmdq</c>) as checked in.</summary>
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, name));
}
