using System.Net;
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

    /// <summary>A listening loopback socket on a port the system picks, for a ConsoleSite started later.</summary>
    public static Socket Listen(out Uri address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        address = new Uri($"http://localhost:{((IPEndPoint)socket.LocalEndPoint!).Port}/");
        return socket;
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

/// <summary>The split topology: the console on one localhost port, the API (console off, the console's origin allowlisted) on another.</summary>
public sealed class SplitSystem : IAsyncDisposable
{
    private SplitSystem(ApiHost api, ConsoleSite site, Uri consoleAddress)
    {
        Api = api;
        Site = site;
        ConsoleAddress = consoleAddress;
    }

    public ApiHost Api { get; }

    public ConsoleSite Site { get; }

    public Uri ConsoleAddress { get; }

    public static SplitSystem Start()
    {
        var socket = ConsoleSite.Listen(out var consoleAddress);
        var api = new ApiHost(new Dictionary<string, string?>
        {
            ["Console:Enabled"] = "false",
            ["CORS_ALLOWED_ORIGINS"] = consoleAddress.GetLeftPart(UriPartial.Authority),
        });
        return new SplitSystem(api, new ConsoleSite(socket, api.Origin), consoleAddress);
    }

    public async ValueTask DisposeAsync()
    {
        await Site.DisposeAsync();
        await Api.DisposeAsync();
    }
}
