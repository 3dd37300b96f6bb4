using Convergio.Api.Audit;
using Convergio.Api.Edge;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Disclosure;

/// <summary>Vulnerability disclosure: security.txt, report intake, and the admins' triage queue.</summary>
public static class DisclosureExtensions
{
    public static WebApplicationBuilder AddDisclosure(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DisclosureOptions>()
            .BindConfiguration(DisclosureOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => DisclosureOptions.IsHttpsUrl(o.PolicyUrl), "Disclosure:PolicyUrl must be an absolute https URL (RFC 9116).")
            .Validate(o => DisclosureOptions.IsHttpsUrl(o.CanonicalUrl), "Disclosure:CanonicalUrl must be an absolute https URL (RFC 9116).")
            .ValidateOnStart();
        builder.Services.AddScoped<EmergencyPager>();
        builder.Services.AddHostedService<SecurityReportSlaAlerts>();
        builder.Services.AddHostedService<EmergencyDigest>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDisclosure(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/security.txt", SecurityTxt.Get)
            .AllowPublic()
            .RequireRateLimiting(RateLimitPolicies.General);

        app.MapPost("/api/v1/security/reports", SecurityReportEndpoints.SubmitAsync)
            .AllowPublic()
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithMetadata(new RequestSizeLimitAttribute(SecurityReportLimits.MaxBodyBytes));

        var admin = app.MapPlatformAdminGroup("/api/v1/admin/security-reports");
        admin.MapGet("/", SecurityReportEndpoints.ListAsync);
        admin.MapPatch("/{id:guid}", SecurityReportEndpoints.ChangeStatusAsync);
        return app;
    }
}
