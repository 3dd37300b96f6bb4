using System.Text;
using System.Text.RegularExpressions;
using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Observability;
using Convergio.Api.Secrets;
using Convergio.Api.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace Convergio.Api.Billing;

public sealed record WebhookReceipt(bool Received);

public static class BillingAuditActions
{
    public const string WebhookRejected = "billing.webhook.rejected";
    public const string TierChanged = "billing.tier.changed";
}

/// <summary>
/// <c>POST /api/v1/webhooks/stripe</c>: public (Stripe has no session) but every delivery must carry a
/// <c>Stripe-Signature</c> that verifies against one of <c>Stripe:WebhookSecrets</c> (two while the
/// endpoint secret is rotated). Subscription and checkout events set the organization's tier
/// (metadata <c>orgId</c> and <c>tier</c>, written when the checkout session is created); each event id is
/// handled once.
/// </summary>
public static partial class StripeWebhooks
{
    public const string SecretPrefix = "whsec_";
    public const string SignatureHeader = "Stripe-Signature";
    public const string OrgIdMetadata = "orgId";
    public const string TierMetadata = "tier";

    /// <summary>Stripe's own recommended tolerance for the signed timestamp.</summary>
    public const long ToleranceSeconds = 300;

    /// <summary>Stripe event payloads are a few kilobytes; anything near this is not from Stripe.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    private const string Provider = "stripe";
    private const int MaxEventIdLength = 255;
    private const int MaxEventTypeLength = 100;

    // Statuses in which the subscriber gets the paid tier; any other status falls back to free.
    private static readonly HashSet<string> PaidStatuses = new(StringComparer.Ordinal) { "active", "trialing", "past_due" };

    public static IEndpointRouteBuilder MapStripeWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/webhooks/stripe", ReceiveAsync)
            .WithTags("Billing")
            .AllowPublic()
            .RequireRateLimiting(RateLimitPolicies.General)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            // The handler reads the raw body itself (the signature covers its bytes).
            .DescribesRawBody("A Stripe event, signed in the Stripe-Signature header.", "application/json")
            .WithName("receiveStripeWebhook").WithSummary("Receive a Stripe event")
            .WithDescription("Stripe calls this; the Stripe-Signature header is checked against the configured secrets (503 when none). An event already processed is acknowledged again.");
        return app;
    }

    private static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> ReceiveAsync(
        HttpContext http, ConvergioDb db, IConfiguration configuration, AuditLog audit, SecurityMetrics metrics,
        TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(StripeWebhooks));
        var secrets = SecretKeys.Ring(configuration, SecretKeys.StripeWebhookSecrets);
        if (secrets.Count == 0)
        {
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "Stripe webhooks are not configured on this server.");
        }

        var payload = await ReadCappedAsync(http.Request.Body, cancellationToken);
        if (payload is null)
        {
            return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "The request body is larger than this endpoint accepts.");
        }

        var (stripeEvent, signed) = Verify(payload, http.Request.Headers[SignatureHeader].ToString(), secrets, time);
        if (signed && stripeEvent is null)
        {
            logger.LogWarning("Stripe webhook with a valid signature is not a readable event; rejected.");
            return ApiProblems.BadRequest("The body is not a Stripe event.");
        }
        if (stripeEvent is null)
        {
            metrics.WebhookSignatureFailed(Provider);
            audit.Record(BillingAuditActions.WebhookRejected, AuditOutcomes.Denied, data: new { provider = Provider, reason = "signature" });
            await db.SaveChangesAsync(cancellationToken);
            logger.LogWarning("Stripe webhook rejected: the signature did not verify against any configured secret.");
            return ApiProblems.BadRequest("The Stripe-Signature header is missing, stale or does not match.");
        }

        if (stripeEvent.ApiVersion != StripeConfiguration.ApiVersion)
        {
            logger.LogWarning("Stripe event {EventId} has API version {EventApiVersion}; this server reads {ApiVersion}. Set the endpoint's API version in Stripe to match.",
                stripeEvent.Id, stripeEvent.ApiVersion, StripeConfiguration.ApiVersion);
        }

        if (await db.ProcessedWebhookEvents.AnyAsync(e => e.Id == stripeEvent.Id, cancellationToken))
        {
            logger.LogInformation("Stripe event {EventId} ({EventType}) was already processed.", stripeEvent.Id, stripeEvent.Type);
            return TypedResults.Ok(new WebhookReceipt(true));
        }

        var appliedTo = await ApplyAsync(stripeEvent, db, audit, logger, cancellationToken);
        db.ProcessedWebhookEvents.Add(new ProcessedWebhookEvent
        {
            Id = stripeEvent.Id,
            Provider = Provider,
            Type = stripeEvent.Type,
            EventCreatedAt = DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc),
            ProcessedAt = time.GetUtcNow().UtcDateTime,
            AppliedToOrgId = appliedTo,
        });
        try
        {
            // The event row and the tier change commit together, or neither does.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            logger.LogInformation("Stripe event {EventId} ({EventType}) was processed by a concurrent delivery.", stripeEvent.Id, stripeEvent.Type);
        }
        return TypedResults.Ok(new WebhookReceipt(true));
    }

    /// <summary>
    /// The event when <paramref name="signature"/> verifies with any of <paramref name="secrets"/>;
    /// <c>Signed</c> tells a verified but unreadable body apart from a bad signature. This is
    /// <see cref="EventUtility.ConstructEvent(string, string, string, long, long, bool)"/> in its two halves
    /// (ValidateSignature, then ParseEvent) so the two failures are not confused.
    /// </summary>
    private static (Event? Event, bool Signed) Verify(string payload, string signature, IReadOnlyList<string> secrets, TimeProvider time)
    {
        if (signature.Length == 0)
        {
            return (null, false);
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var signed = false;
        foreach (var secret in secrets)
        {
            try
            {
                EventUtility.ValidateSignature(payload, signature, secret, ToleranceSeconds, now);
                signed = true;
                break;
            }
            catch (StripeException)
            {
                // Not this secret (or stale, or malformed): try the next one.
            }
        }
        if (!signed)
        {
            return (null, false);
        }

        try
        {
            // Not throwing on an API version mismatch: a mismatch would otherwise reject every delivery
            // until Stripe disables the endpoint. The fields read here (id, type, created, metadata,
            // status) are stable across versions; the mismatch is logged.
            var stripeEvent = EventUtility.ParseEvent(payload, throwOnApiVersionMismatch: false);
            return stripeEvent is { Id.Length: > 0 and <= MaxEventIdLength, Type.Length: > 0 and <= MaxEventTypeLength }
                ? (stripeEvent, true)
                : (null, true);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return (null, true);
        }
    }

    /// <summary>Sets the tier the event implies; returns the organization it applied to, if any.</summary>
    private static async Task<Guid?> ApplyAsync(Event stripeEvent, ConvergioDb db, AuditLog audit, ILogger logger, CancellationToken cancellationToken)
    {
        (Dictionary<string, string>? metadata, string? tier) = stripeEvent.Data?.Object switch
        {
            Subscription subscription when stripeEvent.Type is EventTypes.CustomerSubscriptionCreated or EventTypes.CustomerSubscriptionUpdated =>
                (subscription.Metadata, PaidStatuses.Contains(subscription.Status) ? TierOf(subscription.Metadata) : OrganizationTiers.Free),
            Subscription subscription when stripeEvent.Type is EventTypes.CustomerSubscriptionDeleted =>
                (subscription.Metadata, OrganizationTiers.Free),
            Stripe.Checkout.Session session when stripeEvent.Type is EventTypes.CheckoutSessionCompleted
                && session.Mode == "subscription" && session.PaymentStatus is "paid" or "no_payment_required" =>
                (session.Metadata, TierOf(session.Metadata)),
            _ => (null, null),
        };
        if (metadata is null)
        {
            logger.LogInformation("Stripe event {EventId} of type {EventType} acknowledged without action.", stripeEvent.Id, stripeEvent.Type);
            return null;
        }
        if (!metadata.TryGetValue(OrgIdMetadata, out var orgIdText) || !Guid.TryParse(orgIdText, out var orgId) || tier is null)
        {
            logger.LogWarning("Stripe event {EventId} ({EventType}) has no valid orgId/tier metadata; acknowledged without action.", stripeEvent.Id, stripeEvent.Type);
            return null;
        }

        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == orgId, cancellationToken);
        if (organization is null)
        {
            logger.LogWarning("Stripe event {EventId} ({EventType}) names organization {OrgId}, which does not exist; acknowledged without action.", stripeEvent.Id, stripeEvent.Type, orgId);
            return null;
        }

        // Stripe does not promise delivery order: an event older than one already applied is history.
        var created = DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc);
        if (await db.ProcessedWebhookEvents.AnyAsync(e => e.AppliedToOrgId == orgId && e.EventCreatedAt > created, cancellationToken))
        {
            logger.LogInformation("Stripe event {EventId} ({EventType}) is older than one already applied to {OrgId}; ignored.", stripeEvent.Id, stripeEvent.Type, orgId);
            return null;
        }

        if (organization.Tier != tier)
        {
            audit.Record(BillingAuditActions.TierChanged, orgId: orgId, targetType: "organization", targetId: orgId.ToString(),
                data: new { from = organization.Tier, to = tier, stripeEventId = stripeEvent.Id, stripeEventType = stripeEvent.Type });
            organization.Tier = tier;
        }
        return orgId;
    }

    /// <summary>The tier named in metadata when it is a well-formed tier name (it lands in organizations.tier).</summary>
    private static string? TierOf(Dictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(TierMetadata, out var tier) && TierName().IsMatch(tier) ? tier : null;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,49}$", RegexOptions.CultureInvariant)]
    private static partial Regex TierName();

    /// <summary>The raw body, read once, as text; null when it exceeds <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<string?> ReadCappedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
