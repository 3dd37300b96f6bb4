using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Convergio.Testing;

/// <summary>
/// Loopback ports without the bind-close-hand-out race (between a probe's close and the server's
/// own bind, another process may take the port). A server that can listen on port 0 does so and
/// says where (<see cref="ListeningAddress"/>); one that must be told its port up front goes
/// through <see cref="StartOnFreePortAsync"/>, which picks another port when the bind fails; a
/// port where nothing may listen is held bound (<see cref="RefusingPort"/>).
/// </summary>
public static partial class Loopback
{
    private const int Attempts = 5;

    /// <summary>
    /// A loopback port that refuses connections: bound by the returned socket but not listening,
    /// so the system hands it to no one else while the socket lives.
    /// </summary>
    public static Socket RefusingPort(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }

    /// <summary>
    /// Starts a server that must be given its port before it binds (redis-server, the API's metrics
    /// or HTTPS redirect port): <paramref name="tryStart"/> gets a port that was free a moment ago and
    /// returns null when the server could not bind it, and is then called again with another.
    /// </summary>
    public static async Task<T> StartOnFreePortAsync<T>(Func<int, Task<T?>> tryStart) where T : class
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await tryStart(PortFreeJustNow()) is { } started)
            {
                return started;
            }
        }
        throw new IOException($"{Attempts} ports in a row were taken before the server could bind them.");
    }

    /// <summary>Whether a server's output says its port was taken (Kestrel, redis-server and PostgreSQL wording).</summary>
    public static bool SaysAddressInUse(string output) =>
        output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    /// <summary>The address in Kestrel's start-up line <c>Now listening on: http://127.0.0.1:PORT</c>; null for any other line.</summary>
    public static Uri? ListeningAddress(string? logLine) =>
        logLine is not null && ListeningLine().Match(logLine) is { Success: true } match ? new Uri(match.Groups["url"].Value) : null;

    private static int PortFreeJustNow()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Now listening on: (?<url>https?://[^\s""]+)")]
    private static partial Regex ListeningLine();
}
