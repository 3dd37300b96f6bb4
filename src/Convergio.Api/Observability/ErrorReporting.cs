using System.Security.Claims;
using Convergio.Api.Auth;
using Convergio.Api.Secrets;
using Sentry;
using Sentry.AspNetCore;
using Sentry.Extensibility;

namespace Convergio.Api.Observability;

/// <summary>
/// Sentry, on only when <c>Sentry:Dsn</c> is set. The SDK's own PII collection is off and every
/// event, breadcrumb and transaction passes <see cref="SentryScrubber"/> last, so settings from
/// configuration (the <c>Sentry</c> section) cannot turn the protection off.
/// </summary>
public static class ErrorReporting
{
    public const string DsnKey = "Sentry:Dsn";

    public static WebApplicationBuilder AddErrorReporting(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[DsnKey]))
        {
            return builder;
        }

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ISentryEventProcessor, OpaqueUserProcessor>();
        builder.WebHost.UseSentry(options =>
        {
            // Runs after the Sentry section is bound, so these win over configuration.
            options.SendDefaultPii = false;
            options.MaxRequestBodySize = RequestSize.None;
            options.IncludeActivityData = false;
            options.EnableLogs = false;
            options.AttachStacktrace = true;
            options.SetBeforeSend((evt, _) => SentryScrubber.ScrubEvent(evt));
            options.SetBeforeSendTransaction((transaction, _) => SentryScrubber.ScrubTransaction(transaction));
            options.SetBeforeBreadcrumb((breadcrumb, _) => SentryScrubber.ScrubBreadcrumb(breadcrumb));
        });
        return builder;
    }

    /// <summary>Identifies the signed-in user by the random id only: never email, name or address.</summary>
    private sealed class OpaqueUserProcessor(IHttpContextAccessor http) : ISentryEventProcessor
    {
        public SentryEvent Process(SentryEvent @event)
        {
            var id = http.HttpContext?.User.FindFirstValue(ConvergioClaims.UserId);
            @event.User = id is null ? new SentryUser() : new SentryUser { Id = id };
            return @event;
        }
    }
}

/// <summary>Error reports leave over TLS in production, like every other outbound connection.</summary>
internal sealed class SentryTlsRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var dsn = configuration[ErrorReporting.DsnKey];
        if (!string.IsNullOrWhiteSpace(dsn) && !dsn.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            yield return new(GuardSeverity.Error, "sentry-tls", $"{ErrorReporting.DsnKey} must be an https:// DSN in Production.");
        }
    }
}
