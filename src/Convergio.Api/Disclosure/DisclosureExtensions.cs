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
        app.MapGet("/.well-known/security.txt", SecurityTxt.Get).WithTags("Disclosure")
            .AllowPublic()
            .RequireRateLimiting(RateLimitPolicies.General)
            .WithName("getSecurityTxt").WithSummary("security.txt")
            .WithDescription("RFC 9116 contacts and policy for reporting a vulnerability (text/plain).").Produces<string>(StatusCodes.Status200OK, "text/plain");

        app.MapPost("/api/v1/security/reports", SecurityReportEndpoints.SubmitAsync).WithTags("Disclosure")
            .AllowPublic()
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithMetadata(new RequestSizeLimitAttribute(SecurityReportLimits.MaxBodyBytes))
            .WithName("submitSecurityReport").WithSummary("Report a vulnerability")
            .WithDescription("Accepts a vulnerability report from anyone; answers 202 with its reference.");

        var admin = app.MapPlatformAdminGroup("/api/v1/admin/security-reports").WithTags("Disclosure");
        admin.MapGet("/", SecurityReportEndpoints.ListAsync)
            .WithName("listSecurityReports").WithSummary("List vulnerability reports")
            .WithDescription("Reports with their SLA deadlines, optionally by status.");
        admin.MapPatch("/{id:guid}", SecurityReportEndpoints.ChangeStatusAsync)
            .WithName("changeSecurityReportStatus").WithSummary("Move a vulnerability report on")
            .WithDescription("Changes a report's status and severity; 409 for a transition not allowed or a concurrent change.").ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }
}
