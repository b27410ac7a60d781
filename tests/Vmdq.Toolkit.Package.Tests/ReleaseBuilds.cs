namespace Vmdq.Toolkit.Package.Tests;

/// <summary>
/// The test classes that build the repository's projects in Release (<c>dotnet pack Runtime</c>, <c>dotnet run</c> of the
/// sample): they write the same <c>Runtime/bin/Release</c> files, so they run one after the other, not in parallel (two at
/// once failed with "The process cannot access the file '.../Vmdq.Toolkit.deps.json' because it is being used by another process").
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReleaseBuilds
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Release builds of the repository";
}
