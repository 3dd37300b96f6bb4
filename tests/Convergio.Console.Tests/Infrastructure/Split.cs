namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>A test class's split topology (console and API on two localhost ports), shared by the class's tests.</summary>
public sealed class Split : IAsyncDisposable
{
    public SplitSystem System { get; } = SplitSystem.Start();

    public ValueTask DisposeAsync() => System.DisposeAsync();
}
