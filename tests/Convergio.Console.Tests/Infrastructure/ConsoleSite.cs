using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>
/// The console as its own host (ConsoleHost, as <c>dotnet run --project src/Convergio.Console</c> runs it)
/// on Kestrel, calling the API at <paramref name="apiOrigin"/> cross-origin. It listens on a socket
/// bound before the API starts, so the API's CORS allowlist can name its origin without a port race.
/// </summary>
public sealed class ConsoleSite : WebApplicationFactory<ConsoleOptions>
{
    private readonly Socket _socket;
    private readonly string _apiOrigin;

    public ConsoleSite(Socket listening, string apiOrigin)
    {
        _socket = listening;
        _apiOrigin = apiOrigin;
        UseKestrel(k => k.ListenHandle((ulong)_socket.Handle));
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Console:ApiBaseUrl", _apiOrigin);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _socket.Dispose();
    }
}
