using System.Net;
using System.Net.Sockets;

namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>
/// The console and the API a test drives, in either <see cref="Topology"/>: the API serving the console
/// itself, or the console as its own host (<see cref="ConsoleSite"/>) on another localhost port, the API
/// with its console off and the console's origin on its CORS allowlist. The pages' socket is bound before
/// the API starts, so the API can name their origin (CORS, passkeys' relying-party origin) without a port race.
/// </summary>
public sealed class ConsoleSystem : IAsyncDisposable
{
    private readonly ConsoleSite? _console;

    private ConsoleSystem(ApiHost api, ConsoleSite? console, Uri site)
    {
        Api = api;
        _console = console;
        Site = site;
    }

    public ApiHost Api { get; }

    /// <summary>Where the console's pages are: the API's address, or the console host's.</summary>
    public Uri Site { get; }

    /// <param name="apiSettings">Settings for the API, on top of those the topology needs.</param>
    /// <param name="time">The API's clock, when the test moves it.</param>
    public static ConsoleSystem Start(Topology topology, IDictionary<string, string?>? apiSettings = null, TimeProvider? time = null)
    {
        var pages = Listen();
        var site = AddressOf(pages);
        var settings = new Dictionary<string, string?>(apiSettings ?? new Dictionary<string, string?>())
        {
            ["WebAuthn:Origins:0"] = site.GetLeftPart(UriPartial.Authority),
        };
        if (topology == Topology.SameOrigin)
        {
            return new ConsoleSystem(new ApiHost(settings, time: time, listening: pages), null, site);
        }
        settings["Console:Enabled"] = "false";
        settings["CORS_ALLOWED_ORIGINS"] = site.GetLeftPart(UriPartial.Authority);
        var api = new ApiHost(settings, time: time);
        return new ConsoleSystem(api, new ConsoleSite(pages, api.Origin), site);
    }

    /// <summary>The address a browser uses for a loopback socket: <c>http://localhost:PORT/</c>.</summary>
    public static Uri AddressOf(Socket socket) => new($"http://localhost:{((IPEndPoint)socket.LocalEndPoint!).Port}/");

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        if (_console is not null)
        {
            await _console.DisposeAsync();
        }
        await Api.DisposeAsync();
    }
}
