namespace Convergio.Api.Platform;

/// <summary>Marks an endpoint as deliberately anonymous (and therefore exempt from CSRF, which needs a session).</summary>
public sealed class PublicEndpointMetadata;

public static class PublicEndpoints
{
    /// <summary>
    /// The complete anonymous surface, as listed in docs/design.md. <see cref="AllowPublic{TBuilder}"/>
    /// is the only way to make an endpoint anonymous, and the route inventory test fails for
    /// any anonymous endpoint missing here.
    /// </summary>
    public static readonly IReadOnlySet<string> Routes = new HashSet<string>(StringComparer.Ordinal)
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

    /// <summary>Development only: the OpenAPI document and its UI (the Scalar page and the assets it loads).</summary>
    public static readonly IReadOnlySet<string> DevelopmentRoutes = new HashSet<string>(StringComparer.Ordinal)
    {
        "GET /openapi/{documentName}.json",
        "GET /scalar/{documentName?}",
        "GET /scalar/scalar.js",
        "GET /scalar/scalar.aspnetcore.js",
        "GET /scalar/favicon.svg",
    };

    public static TBuilder AllowPublic<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(new PublicEndpointMetadata());

    public static bool IsPublic(this Endpoint endpoint) => endpoint.Metadata.GetMetadata<PublicEndpointMetadata>() is not null;
}
