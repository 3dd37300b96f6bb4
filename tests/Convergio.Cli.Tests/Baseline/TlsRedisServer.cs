using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Convergio.Testing;

namespace Convergio.Cli.Tests.Baseline;

/// <summary>
/// A redis-server of the test's own that speaks only TLS, on a free loopback port, with a
/// certificate generated for the run (<see cref="Certificate"/>; trust it to connect).
/// </summary>
public sealed class TlsRedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private TlsRedisServer(Process process, string directory, int port, X509Certificate2 certificate)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Certificate = certificate;
    }

    public int Port { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as a PEM file: what a client names as its trusted root.</summary>
    public string CertificatePemPath => Path.Combine(_directory, "redis.pem");

    public string ConnectionString => $"127.0.0.1:{Port},ssl=true";

    public static async Task<TlsRedisServer> StartAsync(CancellationToken cancellationToken)
    {
        var executable = Environment.GetEnvironmentVariable("CONVERGIO_REDIS_SERVER");
        Assert.SkipWhen(string.IsNullOrEmpty(executable), "CONVERGIO_REDIS_SERVER (path of redis-server) is not set (.ci/run sets it).");

        var certificate = TestCertificates.Loopback();
        var directory = Directory.CreateTempSubdirectory("convergio-redis-tls-").FullName;
        var certificatePath = Path.Combine(directory, "redis.pem");
        var keyPath = Path.Combine(directory, "redis.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem(), cancellationToken);
        await File.WriteAllTextAsync(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), cancellationToken);

        // redis-server cannot listen on port 0 and say where, so a taken port means another try.
        return await Loopback.StartOnFreePortAsync(async port =>
        {
            var output = new StringBuilder();
            var process = Process.Start(new ProcessStartInfo(executable!,
            [
                "--port", "0", "--tls-port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--tls-cert-file", certificatePath, "--tls-key-file", keyPath, "--tls-auth-clients", "no",
                "--save", "", "--appendonly", "no",
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new TlsRedisServer(process, directory, port, certificate);
            if (await server.WaitUntilHandshakingAsync(cancellationToken))
            {
                return server;
            }
            await process.WaitForExitAsync(cancellationToken);
            process.Dispose();
            string printed;
            lock (output) { printed = output.ToString(); }
            return Loopback.SaysAddressInUse(printed) ? null : throw new InvalidOperationException($"redis-server exited:{Environment.NewLine}{printed}");
        });
    }

    /// <summary>True once the server completes a TLS handshake with its certificate; false when it exited (its port taken).</summary>
    private async Task<bool> WaitUntilHandshakingAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 300 && !_process.HasExited; attempt++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", Port, cancellationToken);
                await using var tls = new SslStream(tcp.GetStream());
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "127.0.0.1",
                    RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == Certificate.GetCertHashString(),
                }, cancellationToken);
                return true;
            }
            catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
        return _process.HasExited ? false : throw new TimeoutException($"redis-server did not serve TLS on port {Port} within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
