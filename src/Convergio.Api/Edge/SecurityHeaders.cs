using Convergio.WebConsole.Edge;
using Microsoft.Net.Http.Headers;

namespace Convergio.Api.Edge;

/// <summary>Endpoint metadata: this route may be framed by pages of the same origin (default: never framed).</summary>
public sealed class SameOriginFramingMetadata;

/// <summary>
/// The response headers every response carries, written as the response starts (so error
/// responses keep them), with a CSP for API responses, a nonce-based one for HTML pages, and the
/// console's own (Trusted Types, connect-src) for console pages.
/// </summary>
public static class SecurityHeaders
{
    public const string PermissionsPolicy = BrowserHeaders.PermissionsPolicy;
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
    public const string ReportEndpointName = ConsoleHeaders.ReportEndpointName;

    /// <summary>Lets pages of the same origin frame this route (X-Frame-Options SAMEORIGIN, frame-ancestors 'self').</summary>
    public static TBuilder AllowSameOriginFraming<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SameOriginFramingMetadata());

    public static WebApplicationBuilder AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        // No "Server: Kestrel" on any response.
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        return builder;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            Apply(context);
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>The policy of an HTML response carrying <paramref name="nonce"/>; no unsafe-inline, no unsafe-eval.</summary>
    public static string HtmlContentSecurityPolicy(string nonce, bool sameOriginFraming) =>
        $"default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; style-src 'self' 'nonce-{nonce}'; " +
        $"object-src 'none'; base-uri 'none'; frame-ancestors {(sameOriginFraming ? "'self'" : "'none'")}; form-action 'self'; " +
        $"report-uri {CspReports.Path}; report-to {ReportEndpointName}";

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        var endpoint = context.GetEndpoint();
        var sameOriginFraming = endpoint?.Metadata.GetMetadata<SameOriginFramingMetadata>() is not null;
        BrowserHeaders.Apply(headers, sameOriginFraming);

        var html = context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        if (html && endpoint.IsConsolePage())
        {
            ConsoleHeaders.ApplyContentSecurityPolicy(context);
        }
        else if (html)
        {
            headers.ContentSecurityPolicy = HtmlContentSecurityPolicy(context.GetCspNonce(), sameOriginFraming);
            headers["Reporting-Endpoints"] = $"{ReportEndpointName}=\"{CspReports.Path}\"";
        }
        else
        {
            headers.ContentSecurityPolicy = sameOriginFraming ? "default-src 'none'; frame-ancestors 'self'" : ApiContentSecurityPolicy;
        }

        // Anything personal or session-bound must never sit in a shared or browser cache.
        if (context.User.Identity?.IsAuthenticated == true
            || headers.ContainsKey(HeaderNames.SetCookie)
            || context.Request.Path.StartsWithSegments("/api/v1/auth", StringComparison.OrdinalIgnoreCase))
        {
            headers.CacheControl = "no-store";
        }
    }
}
