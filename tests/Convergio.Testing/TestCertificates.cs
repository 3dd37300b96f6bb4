using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Convergio.Testing;

/// <summary>Self-signed server certificates for loopback TLS, made per test run (nothing committed).</summary>
public static class TestCertificates
{
    /// <summary>For 127.0.0.1 and localhost, with an ECDSA P-256 key, or an RSA 2048 one where a test offers RSA suites.</summary>
    public static X509Certificate2 Loopback(bool rsa = false)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsaKey
            ? new CertificateRequest("CN=localhost", rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=localhost", (ECDsa)key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // A PKCS#12 round trip gives a certificate whose key every platform's TLS stack can use.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificate (public part only) as a PEM file, for --ca-file.</summary>
    public static string WritePem(X509Certificate2 certificate)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("convergio-ca-").FullName, "ca.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}
