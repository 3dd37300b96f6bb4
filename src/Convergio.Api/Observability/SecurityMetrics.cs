using System.Diagnostics.Metrics;

namespace Convergio.Api.Observability;

/// <summary>
/// The security counters operators chart and alert on (meter <c>Convergio.Security</c>).
/// Features call these at the point of decision; tags are low-cardinality (never a user, IP or email).
/// </summary>
public sealed class SecurityMetrics
{
    public const string MeterName = "Convergio.Security";

    private readonly Counter<long> _logins;
    private readonly Counter<long> _rateLimitRejections;
    private readonly Counter<long> _rateLimitFallbacks;
    private readonly Counter<long> _csrfRejections;
    private readonly Counter<long> _corsRejections;
    private readonly Counter<long> _webhookSignatureFailures;
    private readonly Counter<long> _cspViolations;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Counter<long> _disclosureOverdue;
    private readonly Counter<long> _accessLogDropped;
    private volatile bool _rateLimitFallbackActive;

    public SecurityMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _logins = meter.CreateCounter<long>("convergio.auth.logins", description: "Sign-in attempts by outcome (succeeded, failed, locked).");
        _rateLimitRejections = meter.CreateCounter<long>("convergio.ratelimit.rejections", description: "Requests rejected with 429, by policy and by whether the in-process fallback decided.");
        _rateLimitFallbacks = meter.CreateCounter<long>("convergio.ratelimit.redis_fallbacks", description: "Decisions taken in-process because Redis was unavailable or slow.");
        _csrfRejections = meter.CreateCounter<long>("convergio.csrf.rejections", description: "Mutating requests refused by the CSRF check, by reason.");
        _corsRejections = meter.CreateCounter<long>("convergio.cors.rejections", description: "Cross-origin requests from origins outside the allowlist.");
        _webhookSignatureFailures = meter.CreateCounter<long>("convergio.webhooks.signature_failures", description: "Webhook deliveries whose signature did not verify, by provider.");
        _cspViolations = meter.CreateCounter<long>("convergio.csp.violations", description: "Content-Security-Policy violations reported by browsers.");
        meter.CreateObservableGauge("convergio.ratelimit.fallback_active", () => _rateLimitFallbackActive ? 1 : 0,
            description: "1 while Redis is unreachable and rate limits are counted per instance, else 0.");
        _disclosureOverdue = meter.CreateCounter<long>("convergio.disclosure.sla_overdue", description: "Vulnerability reports that missed an SLA deadline, by deadline (acknowledge, triage); each alerted once.");
        _accessLogDropped = meter.CreateCounter<long>("convergio.access_log.dropped", description: "Access log lines dropped because the writer fell behind (the requests themselves were served).");
        _activeSessions = meter.CreateUpDownCounter<long>("convergio.sessions.active", description: "Sessions created minus sessions ended, since this instance started.");
    }

    public void LoginAttempt(string outcome) => _logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RateLimitRejected(string policy, bool fallback) => _rateLimitRejections.Add(1,
        new KeyValuePair<string, object?>("policy", policy),
        new KeyValuePair<string, object?>("fallback", fallback));

    public void RateLimitFallback(string policy)
    {
        _rateLimitFallbackActive = true;
        _rateLimitFallbacks.Add(1, new KeyValuePair<string, object?>("policy", policy));
    }

    /// <summary>What the last look at Redis (a decision or a readiness probe) found.</summary>
    public void RateLimitStoreReachable(bool reachable) => _rateLimitFallbackActive = !reachable;

    public void CsrfRejected(string reason) => _csrfRejections.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void AccessLogLineDropped() => _accessLogDropped.Add(1);

    public void CorsRejected() => _corsRejections.Add(1);

    public void WebhookSignatureFailed(string provider) => _webhookSignatureFailures.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public void CspViolationReported() => _cspViolations.Add(1);

    public void DisclosureSlaOverdue(string deadline) => _disclosureOverdue.Add(1, new KeyValuePair<string, object?>("deadline", deadline));

    public void SessionStarted() => _activeSessions.Add(1);

    public void SessionEnded(int count = 1) => _activeSessions.Add(-count);
}
