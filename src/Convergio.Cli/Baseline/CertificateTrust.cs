using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Convergio.Cli.Baseline;

/// <summary>
/// Decides whether the server's certificate is trusted: the system's roots, plus the roots of
/// <c>--ca-file</c>, or anything with <c>--insecure</c>. The TLS checks and the HTTP probes share it.
/// </summary>
internal sealed class CertificateTrust(X509Certificate2Collection extraRoots, bool insecure)
{
    public bool Insecure => insecure;

    /// <summary>Null when trusted, else what is wrong, in words.</summary>
    public string? Problem(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return null;
        }
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        var problems = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problems.Add("the certificate does not name this host");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) && !ChainsToExtraRoot(certificate, chain))
        {
            var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct() ?? [];
            problems.Add($"the chain does not validate ({string.Join(", ", statuses)})");
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    public bool Accept(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        insecure || Problem(certificate, chain, errors) is null;

    private bool ChainsToExtraRoot(X509Certificate certificate, X509Chain? serverChain)
    {
        if (extraRoots.Count == 0)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extraRoots);
        // A private CA rarely publishes revocation lists the prober can reach.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (serverChain is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(serverChain.ChainElements.Select(e => e.Certificate).ToArray());
        }
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
