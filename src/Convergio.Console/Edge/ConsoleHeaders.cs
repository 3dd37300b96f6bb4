using Microsoft.Extensions.Options;

namespace Convergio.WebConsole.Edge;

/// <summary>Endpoint metadata: a console page or asset (public, GET/HEAD only, not part of the API contract).</summary>
public sealed class ConsolePageMetadata;

/// <summary>
/// The Content-Security-Policy of console pages: scripts only by this response's nonce (and what
/// they load, 'strict-dynamic'), DOM sinks only through the <c>convergio</c> Trusted Types policy,
/// fetches to this origin and the API only, violations reported to the API.
/// </summary>
public static class ConsoleHeaders
{
    public const string ReportEndpointName = "csp";
    public const string TrustedTypesPolicy = "convergio";
    public const string CspReportsPath = "/api/v1/csp-reports";

    public static string ContentSecurityPolicy(string nonce, string apiOrigin)
    {
        var connect = apiOrigin.Length > 0 ? $"'self' {apiOrigin}" : "'self'";
        return $"default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; style-src 'self'; img-src 'self' data:; " +
            $"connect-src {connect}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; " +
            $"require-trusted-types-for 'script'; trusted-types {TrustedTypesPolicy}; " +
            $"report-uri {apiOrigin}{CspReportsPath}; report-to {ReportEndpointName}";
    }

    /// <summary>The <c>Reporting-Endpoints</c> value naming <see cref="ReportEndpointName"/>.</summary>
    public static string ReportingEndpoints(string apiOrigin) => $"{ReportEndpointName}=\"{apiOrigin}{CspReportsPath}\"";

    /// <summary>Writes the console policy on an HTML response (both hosts call this for console pages).</summary>
    public static void ApplyContentSecurityPolicy(HttpContext context)
    {
        var apiOrigin = context.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.ApiOrigin;
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(context.GetCspNonce(), apiOrigin);
        context.Response.Headers["Reporting-Endpoints"] = ReportingEndpoints(apiOrigin);
    }

    public static bool IsConsolePage(this Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<ConsolePageMetadata>() is not null;
}

/// <summary>The console host's response headers (the API host writes the same through its own SecurityHeaders).</summary>
public static class ConsoleHostHeaders
{
    private const string NonHtmlPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseConsoleHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            BrowserHeaders.Apply(headers, sameOriginFraming: false);
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = BrowserHeaders.HstsValue;
            }
            if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                ConsoleHeaders.ApplyContentSecurityPolicy(context);
            }
            else
            {
                headers.ContentSecurityPolicy = NonHtmlPolicy;
            }
            return Task.CompletedTask;
        });
        return next(context);
    });
}
