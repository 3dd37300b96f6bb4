using Convergio.Api.Observability;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Convergio.Api.Edge;

public sealed class CorsAllowlistOptions
{
    public IReadOnlyList<string> Origins { get; set; } = [];
}

/// <summary>Whether a request's Origin is one this API trusts: its own, or an allowlisted frontend. CORS and CSRF both ask here.</summary>
public sealed class TrustedOrigins(IOptions<CorsAllowlistOptions> options)
{
    private readonly HashSet<string> _allowed = new(options.Value.Origins, StringComparer.OrdinalIgnoreCase);

    public bool IsTrusted(HttpRequest request, string origin) =>
        _allowed.Contains(origin) || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Cross-origin access for the allowlisted frontends only (<see cref="CorsOrigins"/>): exact
/// origins, credentials, the API's methods and two request headers, 10-minute preflight cache,
/// and the response headers a frontend reads exposed (<see cref="ExposedHeaders"/>).
/// Any other Origin gets no Access-Control-Allow-* header at all (never a wildcard, never an
/// echo of an unlisted origin) and is counted. Every response varies by Origin.
/// </summary>
public static class CorsAllowlist
{
    public static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    /// <summary>What a cross-origin frontend may read besides the safelisted headers: when to retry, its budget, and the id to quote.</summary>
    public static readonly IReadOnlyList<string> ExposedHeaders =
    [
        HeaderNames.RetryAfter,
        RateLimitHeaders.Current,
        RateLimitHeaders.Policy,
        RateLimitHeaders.Limit,
        RateLimitHeaders.Remaining,
        RateLimitHeaders.Reset,
        LoggingSetup.RequestIdHeader,
    ];

    public static WebApplicationBuilder AddCorsAllowlist(this WebApplicationBuilder builder)
    {
        var production = builder.Environment.IsProduction();
        var origins = CorsOrigins.Read(builder.Configuration, production);
        builder.Services.AddOptions<CorsAllowlistOptions>()
            .Configure(o => o.Origins = origins)
            // In Production the guard's cors-origins rule refuses these (and https-less ones) together with every other problem.
            .Validate(o => production || o.Origins.All(origin => CorsOrigins.IsExactOrigin(origin, requireHttps: false)),
                $"{CorsOrigins.AllowedOriginsKey}/{CorsOrigins.CorsAllowedOriginsKey} must list exact origins (scheme://host[:port]), never a wildcard.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TrustedOrigins>();
        builder.Services.AddCors(o => o.AddDefaultPolicy(policy => policy
            .WithOrigins([.. origins])
            .AllowCredentials()
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete)
            .WithHeaders(HeaderNames.ContentType, AuthNames.CsrfHeader)
            .WithExposedHeaders([.. ExposedHeaders])
            .SetPreflightMaxAge(PreflightMaxAge)));
        return builder;
    }

    public static IApplicationBuilder UseCorsAllowlist(this IApplicationBuilder app)
    {
        var trusted = app.ApplicationServices.GetRequiredService<TrustedOrigins>();
        var metrics = app.ApplicationServices.GetRequiredService<SecurityMetrics>();
        app.Use((context, next) =>
        {
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length > 0 && !trusted.IsTrusted(context.Request, origin))
            {
                metrics.CorsRejected();
            }
            context.Response.OnStarting(() =>
            {
                if (!context.Response.Headers.Vary.Any(v => v?.Contains(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase) == true))
                {
                    context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Origin);
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app.UseCors();
    }
}
