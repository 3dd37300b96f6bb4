using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Convergio.Cli.Tests.Baseline;

/// <summary>
/// A loopback TLS front for the test PostgreSQL server (which runs without TLS), so the API can
/// start in Production, whose guard requires <c>SSL Mode=VerifyFull</c> (trusting
/// <see cref="Certificate"/> as the root). It answers
/// PostgreSQL's SSLRequest with 'S', terminates TLS with a generated certificate and relays the
/// plaintext protocol to the real server.
/// </summary>
public sealed class PostgresTlsFront : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate = TestCertificates.Loopback();
    private readonly string _backendHost;
    private readonly int _backendPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public PostgresTlsFront(string backendHost, int backendPort)
    {
        _backendHost = backendHost;
        _backendPort = backendPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public X509Certificate2 Certificate => _certificate;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new byte[8];
                while (true)
                {
                    await stream.ReadExactlyAsync(request, _stop.Token);
                    var code = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4));
                    if (code == GssEncRequestCode)
                    {
                        await stream.WriteAsync("N"u8.ToArray(), _stop.Token);
                        continue;
                    }
                    if (code != SslRequestCode)
                    {
                        return; // Only TLS clients are served: that is the point of the front.
                    }
                    break;
                }
                await stream.WriteAsync("S"u8.ToArray(), _stop.Token);
                await using var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);

                using var backend = new TcpClient();
                await backend.ConnectAsync(_backendHost, _backendPort, _stop.Token);
                var upstream = backend.GetStream();
                await Task.WhenAny(tls.CopyToAsync(upstream, _stop.Token), upstream.CopyToAsync(tls, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                // A connection ending, in whichever direction, ends its relay.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
        _certificate.Dispose();
    }
}
