namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>A test class's console and API (<see cref="ConsoleSystem"/>), shared by the class's tests.</summary>
public abstract class SharedSystem(Topology topology) : IAsyncDisposable
{
    public ConsoleSystem System { get; } = ConsoleSystem.Start(topology);

    public ApiHost Api => System.Api;

    /// <summary>Where the console's pages are.</summary>
    public Uri Address => System.Site;

    public ValueTask DisposeAsync() => System.DisposeAsync();
}

public sealed class SameOriginSystem() : SharedSystem(Topology.SameOrigin);

public sealed class SplitSystem() : SharedSystem(Topology.Split);
