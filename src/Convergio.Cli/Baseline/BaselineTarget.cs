using System.Security.Cryptography.X509Certificates;

namespace Convergio.Cli.Baseline;

/// <summary>What <c>baseline check</c> probes and how. Only URLs and optional test credentials: no server internals.</summary>
public sealed record BaselineTarget
{
    /// <summary>The API's https:// base URL; contract paths (/api/v1/…, /health/…) are resolved under it.</summary>
    public required Uri ApiBase { get; init; }

    /// <summary>The web frontend, whose HTML must carry a nonce- or hash-based CSP.</summary>
    public Uri? Frontend { get; init; }

    /// <summary>An origin the deployment allows for CORS (the frontend's).</summary>
    public string? AllowedOrigin { get; init; }

    /// <summary>A test account for the cookie and CSRF checks.</summary>
    public TestAccount? Account { get; init; }

    /// <summary>Accept any certificate (tls.certificate-valid is then skipped).</summary>
    public bool Insecure { get; init; }

    /// <summary>Extra trusted roots, for deployments behind a private CA.</summary>
    public X509Certificate2Collection TrustedRoots { get; init; } = [];

    /// <summary>Per request and per handshake.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where plain HTTP is expected to answer with a redirect.</summary>
    public int HttpPort { get; init; } = 80;

    /// <summary>The origin the API itself is served from (scheme://host[:port]).</summary>
    public string ApiOrigin => ApiBase.GetLeftPart(UriPartial.Authority);
}

/// <summary>The contents of <c>--credentials-file</c>: <c>{"email": "...", "password": "..."}</c>.</summary>
public sealed record TestAccount(string Email, string Password);
