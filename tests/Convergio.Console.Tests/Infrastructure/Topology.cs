namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>Where the console runs relative to the API.</summary>
public enum Topology
{
    /// <summary>The API serves the console itself (<c>Console:Enabled=true</c>), as in Development.</summary>
    SameOrigin,

    /// <summary>The console is its own host on another localhost port and calls the API cross-origin, as deployed.</summary>
    Split,
}
