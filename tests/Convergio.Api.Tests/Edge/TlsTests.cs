using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Edge;

/// <summary>Kestrel serving TLS itself on a real loopback port, with a certificate made for the test.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("convergio-tls-").FullName;
    private int _port;
    private ConvergioFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        var password = TestKeys.Password();
        var path = Path.Combine(_directory, "server.pfx");
        using (var certificate = TestCertificates.Loopback(rsa: true))
        {
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        }
        _factory = new ConvergioFactory(Db.Sqlite, new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Certificates:Default:Path"] = path,
            ["Kestrel:Certificates:Default:Password"] = password,
        });
        _factory.UseKestrel();
        _factory.StartServer();
        // Kestrel bound port 0; the addresses feature holds the port it got.
        _port = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(address => new Uri(address)).Single(address => address.Scheme == Uri.UriSchemeHttps).Port;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A TLS handshake limited to <paramref name="protocols"/>; the protocol agreed.</summary>
    private async Task<SslProtocols> HandshakeAsync(SslProtocols protocols)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _port, TestContext.Current.CancellationToken);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = protocols,
            // The test made this certificate; trust is not what is tested here.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, TestContext.Current.CancellationToken);
        return tls.SslProtocol;
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task TLS_1_2_and_1_3_are_accepted(SslProtocols protocol)
    {
        Assert.Equal(protocol, await HandshakeAsync(protocol));
    }

    [Fact]
    public async Task A_client_offering_both_gets_TLS_1_3()
    {
        Assert.Equal(SslProtocols.Tls13, await HandshakeAsync(SslProtocols.Tls12 | SslProtocols.Tls13));
    }

    /// <summary>Runs <c>openssl s_client</c> against the server with the given arguments; its whole output.</summary>
    private async Task<string> OpenSslClientAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("openssl", ["s_client", "-connect", $"127.0.0.1:{_port}", .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        System.Diagnostics.Process? process = null;
        try
        {
            process = System.Diagnostics.Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        Assert.SkipWhen(process is null, "The openssl command-line client is not installed.");
        using (process)
        {
            process!.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)
                + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return output;
        }
    }

    /// <summary>
    /// .NET's own client may refuse TLS 1.1 before sending anything (the OS OpenSSL policy), which
    /// would prove nothing about the server; the openssl client at security level 0 does offer
    /// TLS 1.1, so its "protocol version" alert comes from the server.
    /// </summary>
    [Fact]
    public async Task TLS_1_1_offered_by_a_willing_client_is_refused_by_the_server()
    {
        var output = await OpenSslClientAsync("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");

        Assert.Contains("alert protocol version", output, StringComparison.Ordinal);
        Assert.Contains("Cipher is (NONE)", output, StringComparison.Ordinal);
    }

    /// <summary>TLS 1.2 offers only Mozilla's "intermediate" suites: ECDHE key exchange with an AEAD cipher.</summary>
    [Theory]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256")]
    [InlineData("ECDHE-RSA-AES256-GCM-SHA384")]
    [InlineData("ECDHE-RSA-CHACHA20-POLY1305")]
    public async Task TLS_1_2_agrees_on_a_forward_secret_AEAD_suite(string suite)
    {
        var output = await OpenSslClientAsync("-tls1_2", "-cipher", suite);

        Assert.Contains($"Cipher is {suite}", output, StringComparison.Ordinal);
    }

    /// <summary>CBC suites (LUCKY13) and static-RSA key exchange (no forward secrecy) fail the handshake.</summary>
    [Theory]
    [InlineData("ECDHE-RSA-AES128-SHA")]
    [InlineData("ECDHE-RSA-AES256-SHA384")]
    [InlineData("AES128-GCM-SHA256")]
    [InlineData("AES256-SHA")]
    public async Task TLS_1_2_refuses_CBC_and_non_forward_secret_suites(string suite)
    {
        var output = await OpenSslClientAsync("-tls1_2", "-cipher", suite + "@SECLEVEL=0");

        Assert.Contains("Cipher is (NONE)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_over_TLS_have_no_Server_header()
    {
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        using var client = new HttpClient(handler);

        var response = await client.GetAsync(new Uri($"https://127.0.0.1:{_port}/health/live"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
    }
}
