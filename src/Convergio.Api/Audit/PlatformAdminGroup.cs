namespace Convergio.Api.Audit;

public static class PlatformAdminGroup
{
    /// <summary>Audited when a signed-in caller without the platform-admin role tries an endpoint that names no action of its own.</summary>
    public const string AccessDenied = "admin.access_denied";

    /// <summary>
    /// The one way to declare platform-admin endpoints (Admin, Audit, Disclosure): the platform-admin
    /// policy, the admin rate limit, and every refused attempt audited (an endpoint may name its own
    /// action with <see cref="DeniedAttempts.AuditDenied{TBuilder}"/>).
    /// </summary>
    public static RouteGroupBuilder MapPlatformAdminGroup(this IEndpointRouteBuilder app, string prefix)
    {
        var group = app.MapGroup(prefix)
            .RequireAuthorization(AuthorizationPolicies.PlatformAdmin)
            .RequireRateLimiting(RateLimitPolicies.Admin)
            .AuditDenied(AccessDenied);
        return group;
    }
}
