namespace Convergio.Api.Audit;

/// <summary>Endpoint metadata: a refused attempt at this endpoint is audited as <see cref="Action"/> with outcome denied.</summary>
public sealed record AuditDeniedAttempts(string Action);

public static class DeniedAttempts
{
    /// <summary>
    /// Audits refusals of this endpoint: by its authorization policy (the authorization result chain
    /// in Auth), the tenant rule, or the handler's own checks.
    /// </summary>
    public static TBuilder AuditDenied<TBuilder>(this TBuilder builder, string action) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditDeniedAttempts(action));
}
