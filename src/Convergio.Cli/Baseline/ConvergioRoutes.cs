namespace Convergio.Cli.Baseline;

/// <summary>
/// The HTTP contract of docs/design.md, as a black-box prober knows it: the anonymous list and the
/// known authenticated routes. Kept here, not taken from the server's types, so the checker
/// verifies what a deployment does rather than what its code says.
/// </summary>
public static class ConvergioRoutes
{
    public const string Login = "/api/v1/auth/login";
    public const string Csrf = "/api/v1/auth/csrf";
    public const string Me = "/api/v1/auth/me";
    public const string Logout = "/api/v1/auth/logout";
    public const string Sessions = "/api/v1/auth/sessions";
    public const string HealthLive = "/health/live";
    public const string HealthReady = "/health/ready";
    public const string SecurityTxt = "/.well-known/security.txt";
    public const string OpenApiDocument = "/openapi/v1.json";
    public const string CsrfCookie = "csrf_token";
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>The complete anonymous surface (docs/design.md, "Public endpoints"; a test keeps the three lists equal).</summary>
    public static readonly IReadOnlySet<string> Public = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "GET /health/live",
        "GET /health/ready",
        "GET /.well-known/security.txt",
        "POST /api/v1/auth/register",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/forgot-password",
        "POST /api/v1/auth/reset-password",
        "GET /api/v1/auth/csrf",
        "POST /api/v1/webhooks/stripe",
        "POST /api/v1/security/reports",
        "POST /api/v1/csp-reports",
        "POST /api/v1/auth/verify-email",
        "POST /api/v1/auth/passkeys/login/options",
        "POST /api/v1/auth/passkeys/login/complete",
        "POST /api/v1/auth/email-change/confirm",
    };

    /// <summary>Development-only documentation routes, which an OpenAPI document lists about itself.</summary>
    public static readonly IReadOnlySet<string> DocumentationPrefixes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "/openapi/", "/scalar" };

    /// <summary>Routes that must answer 401 without a session, used when the deployment does not expose its OpenAPI document.</summary>
    public static readonly IReadOnlyList<(string Method, string Path)> Authenticated =
    [
        ("GET", "/api/v1/auth/me"),
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/change-password"),
        ("GET", "/api/v1/auth/sessions"),
        ("DELETE", "/api/v1/auth/sessions/{id}"),
        ("POST", "/api/v1/auth/sessions/revoke-others"),
        ("POST", "/api/v1/auth/reauthenticate"),
        ("POST", "/api/v1/auth/mfa/totp/setup"),
        ("POST", "/api/v1/auth/mfa/totp/confirm"),
        ("DELETE", "/api/v1/auth/mfa/totp"),
        ("POST", "/api/v1/auth/mfa/verify"),
        ("POST", "/api/v1/auth/mfa/recovery-codes"),
        ("GET", "/api/v1/auth/passkeys"),
        ("POST", "/api/v1/auth/passkeys/register/options"),
        ("POST", "/api/v1/auth/passkeys/register/complete"),
        ("PATCH", "/api/v1/auth/passkeys/{id}"),
        ("DELETE", "/api/v1/auth/passkeys/{id}"),
        ("GET", "/api/v1/auth/me/export"),
        ("DELETE", "/api/v1/auth/me"),
        ("GET", "/api/v1/orgs"),
        ("POST", "/api/v1/orgs"),
        ("GET", "/api/v1/orgs/{orgId}"),
        ("PATCH", "/api/v1/orgs/{orgId}"),
        ("DELETE", "/api/v1/orgs/{orgId}"),
        ("GET", "/api/v1/orgs/{orgId}/members"),
        ("PATCH", "/api/v1/orgs/{orgId}/members/{userId}"),
        ("DELETE", "/api/v1/orgs/{orgId}/members/{userId}"),
        ("POST", "/api/v1/orgs/{orgId}/invites"),
        ("POST", "/api/v1/invites/accept"),
        ("GET", "/api/v1/orgs/{orgId}/projects"),
        ("POST", "/api/v1/orgs/{orgId}/projects"),
        ("GET", "/api/v1/orgs/{orgId}/projects/{projectId}"),
        ("PATCH", "/api/v1/orgs/{orgId}/projects/{projectId}"),
        ("DELETE", "/api/v1/orgs/{orgId}/projects/{projectId}"),
        ("GET", "/api/v1/orgs/{orgId}/audit"),
        ("GET", "/api/v1/user-keys"),
        ("POST", "/api/v1/user-keys"),
        ("DELETE", "/api/v1/user-keys/{id}"),
        ("GET", "/api/v1/admin/users"),
        ("POST", "/api/v1/admin/users/{id}/disable"),
        ("POST", "/api/v1/admin/users/{id}/enable"),
        ("DELETE", "/api/v1/admin/users/{id}/sessions"),
        ("DELETE", "/api/v1/admin/users/{id}"),
        ("GET", "/api/v1/admin/audit"),
        ("GET", "/api/v1/admin/audit/export"),
        ("GET", "/api/v1/admin/security-reports"),
    ];

    public static bool IsPublic(string method, string path) => Public.Contains($"{method} {path}");
}
