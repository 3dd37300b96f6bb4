using System.Text.Json;
using Convergio.Api.Data;

namespace Convergio.Api.Audit;

/// <summary>
/// Adds audit events to the current unit of work: they are inserted by the caller's
/// <c>SaveChangesAsync</c>, in the same transaction as the change they record, and sealed into
/// the hash chain afterwards by <see cref="AuditSealer"/> (no lock, no chain work here).
/// Request context (actor, ip, user agent, request id) is filled in from the current request.
/// </summary>
public sealed class AuditLog(ConvergioDb db, IHttpContextAccessor httpContextAccessor, TimeProvider time)
{
    public const int MaxUserAgentLength = 512;

    public AuditEvent Record(
        string action,
        string outcome = AuditOutcomes.Success,
        Guid? actorUserId = null,
        Guid? orgId = null,
        string? targetType = null,
        string? targetId = null,
        object? data = null)
    {
        var http = httpContextAccessor.HttpContext;
        var auditEvent = new AuditEvent
        {
            OccurredAt = AuditChain.TruncateToMicroseconds(time.GetUtcNow().UtcDateTime),
            ActorUserId = actorUserId ?? http?.User.FindUserId(),
            OrgId = orgId,
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Outcome = outcome,
            Ip = http?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = UserAgentOf(http),
            RequestId = http?.TraceIdentifier,
            Data = data is null ? null : JsonSerializer.Serialize(data, JsonSerializerOptions.Web),
        };
        db.AuditEvents.Add(auditEvent);
        return auditEvent;
    }

    /// <summary>The request's user agent as events store it: at most <see cref="MaxUserAgentLength"/> characters, null when absent.</summary>
    public static string? UserAgentOf(HttpContext? http)
    {
        var userAgent = http?.Request.Headers.UserAgent.ToString();
        return string.IsNullOrEmpty(userAgent) ? null : userAgent[..Math.Min(userAgent.Length, MaxUserAgentLength)];
    }
}

public static class AuditExtensions
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddAuditChain();
        builder.Services.AddOptions<AuditOptions>()
            .BindConfiguration(AuditOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AuditSealer>();
        builder.Services.AddHostedService<AuditSealerService>();
        builder.Services.AddSingleton<AuditRetention>();
        builder.Services.AddHostedService<AuditRetentionService>();
        return builder;
    }

    /// <summary>The chain's verifier; the CLI calls this too. Events the CLI writes are sealed by the server.</summary>
    public static IServiceCollection AddAuditChain(this IServiceCollection services)
    {
        services.AddScoped<AuditChainVerifier>();
        return services;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var admin = app.MapPlatformAdminGroup("/api/v1/admin/audit").WithTags("Audit");
        admin.MapGet("/export", AuditExport.ExportAsync)
            .WithName("exportAudit").WithSummary("Export the audit log")
            .WithDescription("Streams the events of a period as CSV or JSON lines (`format`), for archiving outside the platform.").WithTags("Audit")
            .Produces<string>(StatusCodes.Status200OK, "text/csv", "application/x-ndjson");
        return app;
    }
}
