using Microsoft.AspNetCore.Http.Extensions;

namespace Convergio.Api.Edge;

public sealed class HttpsOptions
{
    public const string Section = "Https";

    /// <summary>Adds <c>preload</c> to HSTS; only once the domain is ready for the browsers' preload list.</summary>
    public bool HstsPreload { get; set; }

    /// <summary>The public HTTPS port for redirects, when it is not 443.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 65535)]
    public int? RedirectPort { get; set; }
}

/// <summary>
/// Production only: HTTPS responses carry HSTS (two years, subdomains); a plaintext GET or HEAD
/// is sent to the same URL on https with 301; any other plaintext method is refused with 403,
/// because redirecting it would have sent its body in clear already and invite a silent retry.
/// The scrape and the probes on the internal metrics port are left alone (MetricsListenerRule
/// keeps that port on a private address, behind the token), and platform probes of the two health
/// paths are answered over plain HTTP. The scheme is the connection's, or X-Forwarded-Proto from a
/// trusted proxy (forwarded headers run first).
/// </summary>
public static class HttpsEnforcement
{
    public const string HstsValue = Convergio.WebConsole.Edge.BrowserHeaders.HstsValue;

    public static WebApplicationBuilder AddHttpsEnforcement(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpsOptions>()
            .BindConfiguration(HttpsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }

    public static IApplicationBuilder UseHttpsEnforcement(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<IHostEnvironment>().IsProduction())
        {
            return app;
        }
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpsOptions>>().Value;
        var metrics = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Observability.MetricsOptions>>().Value;
        var hsts = options.HstsPreload ? HstsValue + "; preload" : HstsValue;
        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.IsHttps)
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.StrictTransportSecurity = hsts;
                    return Task.CompletedTask;
                });
                await next(context);
                return;
            }
            // Prometheus and the platform's probes speak plain HTTP to the internal metrics port;
            // a redirect would send them to the public port (and a probe counts any 3xx as success).
            if (metrics.IsPlaintextAllowed(context))
            {
                await next(context);
                return;
            }

            if (Observability.Health.IsProbe(request))
            {
                // Platform probes call the pod over plain HTTP; the health paths carry no data.
                await next(context);
                return;
            }

            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                var host = options.RedirectPort is { } port and not 443 ? new HostString(request.Host.Host, port) : new HostString(request.Host.Host);
                context.Response.Redirect(UriHelper.BuildAbsolute("https", host, request.PathBase, request.Path, request.QueryString), permanent: true);
                return;
            }

            await ApiProblems.Forbidden("HTTPS is required; this request was not redirected because it carries a body. Send it to the https:// URL.")
                .ExecuteAsync(context);
        });
    }
}
