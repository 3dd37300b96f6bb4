namespace Convergio.Cli.Baseline;

/// <summary>
/// Every check of <c>baseline check</c>. Ids are a public contract (docs/baseline-check.md):
/// CI suppressions and dashboards key on them, so an id is never renamed or reused.
/// </summary>
public static class BaselineChecks
{
    public static readonly CheckDefinition TlsLegacyRefused = new("tls.legacy-refused",
        "TLS 1.0 and 1.1 handshakes are refused",
        "Enable only TLS 1.2 and 1.3 on the TLS endpoint (Kestrel SslProtocols = Tls12 | Tls13, or the ingress's minimum TLS version).");

    public static readonly CheckDefinition TlsModernNegotiated = new("tls.modern-negotiated",
        "TLS 1.2 or 1.3 is negotiated",
        "Serve HTTPS with TLS 1.2 and 1.3 enabled, preferring 1.3.");

    public static readonly CheckDefinition TlsCertificateValid = new("tls.certificate-valid",
        "The certificate is trusted, current and names the host",
        "Install a certificate from a trusted CA that covers the host name, with its intermediate chain, and renew it before it expires.");

    public static readonly CheckDefinition HttpsRedirect = new("https.redirect",
        "Plain HTTP GET answers 301 to the same URL on https://",
        "Redirect http:// GET and HEAD to the same URL on https:// with 301 (in the app or at the ingress).");

    public static readonly CheckDefinition Hsts = new("https.hsts",
        "HSTS with max-age of at least one year and includeSubDomains",
        "Send Strict-Transport-Security: max-age=63072000; includeSubDomains on every HTTPS response.");

    public static readonly CheckDefinition CorsDisallowedOrigins = new("cors.disallowed-origins",
        "Disallowed and look-alike origins get no Access-Control-Allow-Origin",
        "Use an exact-origin allowlist (ALLOWED_ORIGINS); never reflect the Origin header or match origins by prefix or suffix.");

    public static readonly CheckDefinition CorsWildcardCredentials = new("cors.wildcard-credentials",
        "Access-Control-Allow-Origin: * is never sent with credentials",
        "Replace the wildcard with the exact allowed origins.");

    public static readonly CheckDefinition CorsAllowedOrigin = new("cors.allowed-origin",
        "The allowed origin is echoed exactly, with credentials",
        "Add the frontend's exact origin (scheme, host, port) to ALLOWED_ORIGINS and allow credentials.");

    public static readonly CheckDefinition AuthRequired = new("auth.required",
        "Every non-public route answers 401 without a session",
        "Require an authenticated session by default (authorization fallback policy); only the public list may be anonymous.");

    public static readonly CheckDefinition AuthHealth = new("auth.health",
        "Health endpoints answer 200 anonymously",
        "Serve GET /health/live and /health/ready anonymously and keep the dependencies they report healthy.");

    public static readonly CheckDefinition SessionCookie = new("cookies.session",
        "The session cookie is __Host- prefixed, HttpOnly, Secure, SameSite=Lax/Strict, Max-Age <= 7 days",
        "Issue the session cookie as __Host-session with HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=604800 or less.");

    public static readonly CheckDefinition CsrfCookie = new("cookies.csrf",
        "The csrf_token cookie is Secure with SameSite",
        "Issue csrf_token with Secure and SameSite=Lax (not HttpOnly: the frontend reads it).");

    public static readonly CheckDefinition CsrfMissingToken = new("csrf.missing-token",
        "A mutating request with the session cookie but no X-CSRF-Token is 403",
        "Reject cookie-authenticated POST/PUT/PATCH/DELETE without an X-CSRF-Token header matching the csrf_token cookie with 403.");

    public static readonly CheckDefinition CsrfMismatchedToken = new("csrf.mismatched-token",
        "A mutating request with a mismatched X-CSRF-Token is 403",
        "Compare X-CSRF-Token with the csrf_token cookie and verify its signature against the session; reject a mismatch with 403.");

    public static readonly CheckDefinition AuthRateLimit = new("ratelimit.auth",
        "Repeated failed logins reach 429 with Retry-After and RateLimit headers",
        "Apply the auth rate-limit policy to POST /api/v1/auth/login (5/min per IP) with RateLimit headers and Retry-After on 429.");

    public static readonly CheckDefinition Csp = new("headers.csp",
        "CSP present; script-src without unsafe-inline/unsafe-eval; objects blocked",
        "Send Content-Security-Policy: default-src 'none'; frame-ancestors 'none' on API responses.");

    public static readonly CheckDefinition Framing = new("headers.framing",
        "Framing is denied (frame-ancestors or X-Frame-Options DENY/SAMEORIGIN)",
        "Send CSP frame-ancestors 'none' and X-Frame-Options: DENY.");

    public static readonly CheckDefinition NoSniff = new("headers.nosniff",
        "X-Content-Type-Options: nosniff",
        "Send X-Content-Type-Options: nosniff on every response.");

    public static readonly CheckDefinition ReferrerPolicy = new("headers.referrer-policy",
        "A Referrer-Policy that does not leak full URLs cross-origin",
        "Send Referrer-Policy: strict-origin-when-cross-origin (or no-referrer).");

    public static readonly CheckDefinition NoVersionLeak = new("headers.no-version-leak",
        "No server or framework version in Server, X-Powered-By, X-AspNet-Version",
        "Remove the Server header (Kestrel AddServerHeader = false) and X-Powered-By / X-AspNet(Mvc)-Version at the app and the proxy.");

    public static readonly CheckDefinition FrontendCsp = new("headers.frontend-csp",
        "The frontend's CSP is nonce- or hash-based, without unsafe-inline/unsafe-eval",
        "Serve the frontend with script-src 'nonce-<per-request>' 'strict-dynamic' (or hashes) and no unsafe-inline or unsafe-eval.");

    public static readonly CheckDefinition MalformedJson = new("errors.malformed-json",
        "Malformed JSON gets a 4xx problem+json without internals",
        "Map unreadable request bodies to 400 application/problem+json and never include exception details outside Development.");

    public static readonly CheckDefinition UnknownRoute = new("errors.unknown-route",
        "An unknown route gets a 4xx problem+json without internals",
        "Give unmatched routes a problem+json body (status-code pages) without framework details.");

    public static readonly CheckDefinition SecurityTxt = new("securitytxt.present",
        "/.well-known/security.txt over HTTPS with Contact and an Expires within a year",
        "Serve /.well-known/security.txt (text/plain) with Contact: mailto:security@… and an Expires less than a year ahead (RFC 9116).");

    /// <summary>Every check, in the order they run and are reported.</summary>
    public static readonly IReadOnlyList<CheckDefinition> All =
    [
        TlsLegacyRefused, TlsModernNegotiated, TlsCertificateValid,
        HttpsRedirect, Hsts,
        Csp, Framing, NoSniff, ReferrerPolicy, NoVersionLeak, FrontendCsp,
        MalformedJson, UnknownRoute,
        SecurityTxt,
        CorsDisallowedOrigins, CorsWildcardCredentials, CorsAllowedOrigin,
        AuthRequired, AuthHealth,
        SessionCookie, CsrfCookie, CsrfMissingToken, CsrfMismatchedToken,
        AuthRateLimit,
    ];
}
