using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Convergio.Cli.Baseline;

/// <summary>The target's TCP endpoint did not accept a connection: nothing can be proven (exit 2).</summary>
public sealed class TargetUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// TLS checks, made with <see cref="SslStream"/> and explicit <see cref="SslProtocols"/> so each
/// protocol version is offered alone: the modern handshake, the certificate, and the legacy versions.
/// </summary>
internal static class TlsChecks
{
#pragma warning disable SYSLIB0039 // Offering the obsolete protocols is the point of the legacy probe.
    private static readonly (SslProtocols Protocol, string Name)[] LegacyProtocols = [(SslProtocols.Tls, "TLS 1.0"), (SslProtocols.Tls11, "TLS 1.1")];
#pragma warning restore SYSLIB0039

    public static IReadOnlyList<CheckDefinition> Checks => [BaselineChecks.TlsLegacyRefused, BaselineChecks.TlsModernNegotiated, BaselineChecks.TlsCertificateValid];

    public static async Task EnsureReachableAsync(BaselineTarget target, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        try
        {
            await tcp.ConnectAsync(target.ApiBase.Host, target.ApiBase.Port, timeout.Token);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TargetUnreachableException($"Cannot connect to {target.ApiBase.Host}:{target.ApiBase.Port}: {e.Message}", e);
        }
    }

    /// <summary>The TLS results, and whether HTTPS is usable for the HTTP checks (null) or why not.</summary>
    public static async Task<(IReadOnlyList<CheckResult> Results, string? Unusable)> RunAsync(
        BaselineTarget target, CertificateTrust trust, CancellationToken cancellationToken)
    {
        var modern = await HandshakeAsync(target, SslProtocols.None, cancellationToken);
        var results = new List<CheckResult> { await LegacyRefusedAsync(target, cancellationToken) };

        if (modern.Error is not null)
        {
            results.Add(BaselineChecks.TlsModernNegotiated.Fail($"the handshake with the system's default protocols failed: {modern.Error}"));
            results.Add(BaselineChecks.TlsCertificateValid.Fail("no certificate: the handshake failed"));
            return (results, "the TLS handshake failed");
        }

        results.Add(modern.Protocol is SslProtocols.Tls12 or SslProtocols.Tls13
            ? BaselineChecks.TlsModernNegotiated.Pass($"negotiated {Name(modern.Protocol)} ({modern.Cipher})")
            : BaselineChecks.TlsModernNegotiated.Fail($"negotiated {Name(modern.Protocol)}, not TLS 1.2 or 1.3"));

        var certificate = $"subject {modern.Subject}, issuer {modern.Issuer}, expires {modern.NotAfter:yyyy-MM-dd}";
        if (trust.Insecure)
        {
            results.Add(BaselineChecks.TlsCertificateValid.Skip($"--insecure given; {certificate}"));
            return (results, null);
        }
        if (modern.CertificateProblem is { } problem)
        {
            results.Add(BaselineChecks.TlsCertificateValid.Fail($"{problem}; {certificate}"));
            return (results, "the certificate did not validate (fix tls.certificate-valid, or pass --insecure to probe anyway)");
        }
        results.Add(BaselineChecks.TlsCertificateValid.Pass($"trusted; {certificate}"));
        return (results, null);
    }

    private static async Task<CheckResult> LegacyRefusedAsync(BaselineTarget target, CancellationToken cancellationToken)
    {
        var accepted = new List<string>();
        var refused = new List<string>();
        var notOffered = new List<string>();
        foreach (var (protocol, name) in LegacyProtocols)
        {
            if (!await LocalTls.CanOfferAsync(protocol, cancellationToken))
            {
                notOffered.Add(name);
                continue;
            }
            var handshake = await HandshakeAsync(target, protocol, cancellationToken);
            (handshake.Error is null ? accepted : refused).Add(name);
        }

        var check = BaselineChecks.TlsLegacyRefused;
        var cannotProbe = notOffered.Count == 0 ? "" :
            $"; {string.Join(" and ", notOffered)} not probed: this machine's TLS library will not offer it " +
            "(OpenSSL: run with OPENSSL_CONF pointing at a configuration with MinProtocol = TLSv1 and CipherString = DEFAULT@SECLEVEL=0)";
        if (accepted.Count > 0)
        {
            return check.Fail($"the server completed a {string.Join(" and a ", accepted)} handshake{cannotProbe}");
        }
        return refused.Count == 0
            ? check.Skip(cannotProbe.TrimStart(';', ' '))
            : check.Pass($"{string.Join(" and ", refused)} handshakes refused{cannotProbe}");
    }

    private sealed record Handshake(
        string? Error, SslProtocols Protocol = SslProtocols.None, string? Cipher = null,
        string? Subject = null, string? Issuer = null, DateTime NotAfter = default, string? CertificateProblem = null);

    /// <summary>One handshake offering only <paramref name="protocols"/> (None: the system's defaults).</summary>
    private static async Task<Handshake> HandshakeAsync(BaselineTarget target, SslProtocols protocols, CancellationToken cancellationToken)
    {
        var trust = new CertificateTrust(target.TrustedRoots, insecure: false);
        string? certificateProblem = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(target.ApiBase.Host, target.ApiBase.Port, timeout.Token);
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = target.ApiBase.IdnHost,
                EnabledSslProtocols = protocols,
                // Record the certificate's problems instead of aborting: the certificate is its own check.
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    certificateProblem = trust.Problem(certificate, chain, errors);
                    return true;
                },
            }, timeout.Token);
            var remote = tls.RemoteCertificate is null ? null : new X509Certificate2(tls.RemoteCertificate);
            return new Handshake(null, tls.SslProtocol, tls.NegotiatedCipherSuite.ToString(),
                remote?.Subject, remote?.Issuer, remote?.NotAfter ?? default, certificateProblem);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new Handshake(e.InnerException?.Message ?? e.Message);
        }
    }

    private static string Name(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLS 1.2",
        SslProtocols.Tls13 => "TLS 1.3",
        _ => protocol.ToString(),
    };
}

/// <summary>
/// Whether this machine's TLS library will offer a protocol at all: OpenSSL 3 commonly refuses
/// TLS 1.0/1.1 by policy, and then a failed handshake with the target proves nothing. Found out by
/// a handshake with itself on loopback, with a throw-away certificate.
/// </summary>
internal static class LocalTls
{
    public static async Task<bool> CanOfferAsync(SslProtocols protocol, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        using var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var client = new TcpClient();
            var accept = listener.AcceptTcpClientAsync(timeout.Token).AsTask();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
            using var server = await accept;
            await using var serverTls = new SslStream(server.GetStream());
            await using var clientTls = new SslStream(client.GetStream());
            var serverSide = serverTls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                EnabledSslProtocols = protocol,
            }, timeout.Token);
            var clientSide = clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = protocol,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, timeout.Token);
            bool offered;
            try
            {
                await clientSide;
                offered = clientTls.SslProtocol == protocol;
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                offered = false;
            }
            // Closing the client ends the server side's wait for a handshake that will not come.
            client.Close();
            try
            {
                await serverSide;
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
            {
                // The server side's failure only mirrors the client's.
            }
            return offered;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
