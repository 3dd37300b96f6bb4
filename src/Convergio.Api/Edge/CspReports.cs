using System.Text.Json;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Edge;

/// <summary>
/// <c>POST /api/v1/csp-reports</c>: where browsers report Content-Security-Policy violations
/// (legacy <c>report-uri</c> bodies and Reporting API batches). Each report becomes one warning
/// with a fixed event id and is counted; a report is information, not an error.
/// </summary>
public static partial class CspReports
{
    public const string Path = Convergio.WebConsole.Edge.ConsoleHeaders.CspReportsPath;

    /// <summary>Reports are small; anything larger is not a report.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private const int MaxFieldLength = 300;
    private const int MaxReportsPerBatch = 20;

    private static readonly string[] ContentTypes = ["application/csp-report", "application/reports+json", "application/json"];

    public static IEndpointRouteBuilder MapCspReports(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync)
            .AllowPublic()
            .RequireRateLimiting(RateLimitPolicies.General)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            // The handler reads the raw body itself (report media types the JSON binder does not take).
            .DescribesRawBody("A CSP violation report (report-uri or Reporting API format).", ContentTypes)
            .WithTags("Disclosure")
            .WithName("reportCspViolation").WithSummary("Report a CSP violation")
            .WithDescription("Browsers post Content-Security-Policy violation reports here (application/csp-report or application/reports+json); answers 204.");
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReceiveAsync(
        HttpContext http, SecurityMetrics metrics, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim() ?? "";
        if (!ContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "Send a CSP report as application/csp-report or application/reports+json.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return ApiProblems.BadRequest("The report is not valid JSON.");
        }

        using (document)
        {
            var logger = loggers.CreateLogger(typeof(CspReports));
            foreach (var report in Violations(document.RootElement).Take(MaxReportsPerBatch))
            {
                metrics.CspViolationReported();
                LogViolation(logger, report.Directive, report.Blocked, report.Document);
            }
        }
        return TypedResults.NoContent();
    }

    /// <summary>Both shapes: <c>{"csp-report":{...}}</c> and <c>[{"type":"csp-violation","body":{...}}]</c>.</summary>
    private static IEnumerable<Violation> Violations(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("csp-report", out var legacy) && legacy.ValueKind == JsonValueKind.Object)
        {
            yield return new(
                Field(legacy, "effective-directive") ?? Field(legacy, "violated-directive"),
                Field(legacy, "blocked-uri"),
                Field(legacy, "document-uri"));
        }
        else if (root.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in root.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && Field(item, "type") == "csp-violation"
                    && item.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object)
                {
                    yield return new(Field(body, "effectiveDirective"), Field(body, "blockedURL"), Field(body, "documentURL"));
                }
            }
        }
    }

    // Report fields are attacker-controlled: strings only, cut short, control characters removed.
    private static string? Field(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? new string(value.GetString()!.Where(c => !char.IsControl(c)).Take(MaxFieldLength).ToArray())
            : null;

    private sealed record Violation(string? Directive, string? Blocked, string? Document);

    [LoggerMessage(EventId = 4100, EventName = "CspViolation", Level = LogLevel.Warning,
        Message = "CSP violation: directive {Directive} blocked {BlockedUri} on {DocumentUri}")]
    private static partial void LogViolation(ILogger logger, string? directive, string? blockedUri, string? documentUri);
}
