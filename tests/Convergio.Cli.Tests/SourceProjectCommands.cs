namespace Convergio.Cli.Tests;

/// <summary>
/// Tests that run `dotnet pack` or `dotnet publish --no-build` on the source projects: both write
/// into the projects' obj folders, so they take turns instead of racing on the same files.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SourceProjectCommands
{
    public const string Name = "dotnet commands on the source projects";
}
