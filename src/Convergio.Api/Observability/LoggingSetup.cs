using Microsoft.Extensions.Compliance.Redaction;

namespace Convergio.Api.Observability;

public static class LoggingSetup
{
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>
    /// Categories whose Information/Debug lines carry the raw request target (path and query string,
    /// where a token may travel); they are held at Warning whatever the configuration says, and
    /// <see cref="AccessLog"/> writes the request line instead, without query, cookies or headers.
    /// </summary>
    internal static readonly string[] RawRequestCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.Server.Kestrel.BadRequests",
    ];

    /// <summary>
    /// Console logs with scopes (each line carries the request id); JSON in Production. Classified
    /// values are redacted (see <see cref="ConvergioTaxonomy"/>), and one access line per request replaces the framework's.
    /// </summary>
    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.EnableRedaction();
        builder.Services.AddRedaction(redaction =>
        {
            redaction.SetRedactor<PseudonymRedactor>(ConvergioTaxonomy.PersonalData);
            redaction.SetRedactor<ErasingRedactor>(ConvergioTaxonomy.SecretData);
            redaction.SetFallbackRedactor<ErasingRedactor>();
        });
        builder.Services.PostConfigure<LoggerFilterOptions>(HoldRawRequestCategoriesAtWarning);
        builder.Services.AddSingleton<AccessLog>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AccessLog>());
        builder.Services.AddSingleton<IStartupFilter, AccessLog.StartupFilter>();
        if (builder.Environment.IsProduction())
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "O";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
            });
        }
        return builder;
    }

    // Runs after configuration is bound (and again on reload). A rule for the exact category, added
    // last for every provider any rule names, beats every configured rule that could apply.
    private static void HoldRawRequestCategoriesAtWarning(LoggerFilterOptions options)
    {
        foreach (var rule in options.Rules.Where(r => r.CategoryName is { } category
            && RawRequestCategories.Any(c => category.StartsWith(c, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            options.Rules.Remove(rule);
        }
        var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList();
        foreach (var provider in providers)
        {
            foreach (var category in RawRequestCategories)
            {
                options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, filter: null));
            }
        }
    }

    /// <summary>
    /// Echoes the request id that the hosting layer puts in every log scope, so a client
    /// can quote it. Incoming ids are not trusted: the server assigns its own.
    /// </summary>
    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.Headers[RequestIdHeader] = context.TraceIdentifier;
        return next(context);
    });
}
