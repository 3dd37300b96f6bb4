using System.Security.Claims;
using Convergio.Api.Edge;
using Convergio.Api.Secrets;
using Sentry;
using Sentry.AspNetCore;
using Sentry.Extensibility;

namespace Convergio.Api.Observability;

/// <summary>
/// Sentry, on when <c>Sentry:Dsn</c> is set and <c>Sentry:Disabled</c> is not true (Production
/// requires one of the two, see <see cref="SentryRule"/>). The SDK's own PII collection is off and every
/// event, breadcrumb and transaction passes <see cref="SentryScrubber"/> last, so settings from
/// configuration (the <c>Sentry</c> section) cannot turn the protection off.
/// </summary>
public static class ErrorReporting
{
    public const string DsnKey = "Sentry:Dsn";
    public const string DisabledKey = "Sentry:Disabled";

    public static bool IsDisabled(IConfiguration configuration) => configuration.GetValue<bool>(DisabledKey);

    public static WebApplicationBuilder AddErrorReporting(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[DsnKey]) || IsDisabled(builder.Configuration))
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
            options.CreateHttpMessageHandler = OutboundTls.PinnedHandler;
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

/// <summary>
/// Production reports errors to Sentry, over TLS. Turning it off takes an explicit
/// <c>Sentry:Disabled=true</c>, which stays visible as a warning against the checklist line.
/// </summary>
internal sealed class SentryRule : IProductionRule
{
    public const string ChecklistLine = "production checklist: \"Sentry enabled with PII sanitization\"";

    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var dsn = configuration[ErrorReporting.DsnKey];
        if (ErrorReporting.IsDisabled(configuration))
        {
            yield return new(GuardSeverity.Warning, "sentry",
                $"{ErrorReporting.DisabledKey}=true: errors are not reported anywhere; this breaks the {ChecklistLine}.");
        }
        else if (string.IsNullOrWhiteSpace(dsn))
        {
            yield return new(GuardSeverity.Error, "sentry",
                $"{ErrorReporting.DsnKey} is not set; set it, or set {ErrorReporting.DisabledKey}=true to run without error reporting ({ChecklistLine}).");
        }
        else if (!Uri.TryCreate(dsn, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            yield return new(GuardSeverity.Error, "sentry-tls", $"{ErrorReporting.DsnKey} must be an https:// DSN in Production.");
        }
    }
}
