namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>A test class's API serving the console itself (same origin), shared by the class's tests.</summary>
public sealed class SameOrigin : IAsyncDisposable
{
    public ApiHost Api { get; } = new();

    public Uri Address => Api.Address;

    public ValueTask DisposeAsync() => Api.DisposeAsync();
}
