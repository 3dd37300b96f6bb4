using System.Net;
using Convergio.Api.Audit;
using Convergio.Api.Billing;
using Convergio.Api.Observability;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static Convergio.Api.Tests.Infrastructure.TestStripe;

namespace Convergio.Api.Tests.Billing;

public sealed class StripeWebhookTests
{
    private static ConvergioFactory Factory(Db db, params string[] secrets) =>
        new(db, secrets.Select((s, i) => new KeyValuePair<string, string?>($"Stripe:WebhookSecrets:{i}", s)).ToDictionary());

    private static async Task<Guid> CreateOrganizationAsync(ConvergioFactory factory, string tier = OrganizationTiers.Free)
    {
        var id = Guid.NewGuid();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.ConvergioDb>();
        db.Organizations.Add(new Organization { Id = id, Name = "Acme", Slug = $"acme-{id:N}", Tier = tier, CreatedAt = factory.Time.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return id;
    }

    private static Task<string> TierAsync(ConvergioFactory factory, Guid orgId) =>
        factory.WithDbAsync(db => db.Organizations.Where(o => o.Id == orgId).Select(o => o.Tier).SingleAsync());

    private static Task<int> TierChangesAsync(ConvergioFactory factory, Guid orgId) =>
        factory.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == BillingAuditActions.TierChanged && e.OrgId == orgId));

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_signed_subscription_event_sets_the_organizations_tier(Db db)
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(db, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var payload = EventJson("customer.subscription.created", Subscription(orgId, "active"), factory.Time.GetUtcNow());

        var response = await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("pro", await TierAsync(factory, orgId));
        Assert.Equal(1, await TierChangesAsync(factory, orgId));
        Assert.Equal(1, await factory.WithDbAsync(d => d.ProcessedWebhookEvents.CountAsync()));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_bad_signature_is_400_audited_as_denied_and_counted(Db db)
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(db, secret);
        using var failures = new MetricCollector<long>(factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            SecurityMetrics.MeterName, "convergio.webhooks.signature_failures");
        var orgId = await CreateOrganizationAsync(factory);
        var payload = EventJson("customer.subscription.created", Subscription(orgId, "active"), factory.Time.GetUtcNow());

        var response = await DeliverAsync(factory, payload, Sign(payload, TestKeys.StripeWebhookSecret(), factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(OrganizationTiers.Free, await TierAsync(factory, orgId));
        Assert.Equal(0, await factory.WithDbAsync(d => d.ProcessedWebhookEvents.CountAsync()));
        var audit = await factory.WithDbAsync(d => d.AuditEvents.SingleAsync(e => e.Action == BillingAuditActions.WebhookRejected));
        Assert.Equal(AuditOutcomes.Denied, audit.Outcome);
        Assert.DoesNotContain(secret, audit.Data ?? "", StringComparison.Ordinal);
        var measurement = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal("stripe", measurement.Tags["provider"]);
    }

    [Fact]
    public async Task A_missing_signature_or_a_tampered_payload_is_400()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var payload = EventJson("customer.subscription.created", Subscription(orgId, "active"), factory.Time.GetUtcNow());
        var signature = Sign(payload, secret, factory.Time.GetUtcNow());

        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync(factory, payload, null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync(factory, payload.Replace("\"pro\"", "\"enterprise\"", StringComparison.Ordinal), signature)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync(factory, payload, "t=1,v1=00")).StatusCode);
        Assert.Equal(OrganizationTiers.Free, await TierAsync(factory, orgId));
    }

    [Fact]
    public async Task A_signature_older_than_300_seconds_is_rejected_as_a_replay()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var signedAt = factory.Time.GetUtcNow();
        var payload = EventJson("customer.subscription.created", Subscription(orgId, "active"), signedAt);
        var signature = Sign(payload, secret, signedAt);

        factory.Time.Advance(TimeSpan.FromSeconds(301));
        var response = await DeliverAsync(factory, payload, signature);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(OrganizationTiers.Free, await TierAsync(factory, orgId));
    }

    [Fact]
    public async Task During_secret_rotation_both_the_new_and_the_old_secret_verify()
    {
        var newSecret = TestKeys.StripeWebhookSecret();
        var oldSecret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, newSecret, oldSecret);
        var orgId = await CreateOrganizationAsync(factory);
        var now = factory.Time.GetUtcNow();
        var byOld = EventJson("customer.subscription.created", Subscription(orgId, "active", "pro"), now);
        var byNew = EventJson("customer.subscription.updated", Subscription(orgId, "active", "team"), now.AddSeconds(1));

        var oldResponse = await DeliverAsync(factory, byOld, Sign(byOld, oldSecret, now));
        Assert.Equal("pro", await TierAsync(factory, orgId));
        var newResponse = await DeliverAsync(factory, byNew, Sign(byNew, newSecret, now));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (oldResponse.StatusCode, newResponse.StatusCode));
        Assert.Equal("team", await TierAsync(factory, orgId));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_redelivered_event_is_200_and_changes_nothing(Db db)
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(db, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var payload = EventJson("customer.subscription.created", Subscription(orgId, "active"), factory.Time.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()))).StatusCode);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // Someone downgrades the organization by hand; a replay of the old event must not undo that.
            var data = scope.ServiceProvider.GetRequiredService<Data.ConvergioDb>();
            await data.Organizations.Where(o => o.Id == orgId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Tier, OrganizationTiers.Free), TestContext.Current.CancellationToken);
        }

        factory.Time.Advance(TimeSpan.FromMinutes(1));
        var again = await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(OrganizationTiers.Free, await TierAsync(factory, orgId));
        Assert.Equal(1, await TierChangesAsync(factory, orgId));
        Assert.Equal(1, await factory.WithDbAsync(d => d.ProcessedWebhookEvents.CountAsync()));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Concurrent_deliveries_of_one_event_apply_it_once(Db db)
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(db, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var payload = EventJson("customer.subscription.created", Subscription(orgId, "active"), factory.Time.GetUtcNow());
        var signature = Sign(payload, secret, factory.Time.GetUtcNow());

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => DeliverAsync(factory, payload, signature)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal("pro", await TierAsync(factory, orgId));
        Assert.Equal(1, await TierChangesAsync(factory, orgId));
        Assert.Equal(1, await factory.WithDbAsync(d => d.ProcessedWebhookEvents.CountAsync()));
    }

    [Fact]
    public async Task Without_configured_secrets_the_endpoint_is_503_problem()
    {
        await using var factory = new ConvergioFactory();
        var payload = EventJson("customer.subscription.created", Subscription(Guid.NewGuid(), "active"), factory.Time.GetUtcNow());

        var response = await DeliverAsync(factory, payload, Sign(payload, TestKeys.StripeWebhookSecret(), factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_event_types_are_acknowledged_and_recorded_without_effect()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var payload = EventJson("invoice.paid", new Dictionary<string, object?> { ["id"] = "in_1", ["object"] = "invoice" }, factory.Time.GetUtcNow());

        var response = await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OrganizationTiers.Free, await TierAsync(factory, orgId));
        Assert.Equal("invoice.paid", await factory.WithDbAsync(d => d.ProcessedWebhookEvents.Select(e => e.Type).SingleAsync()));
    }

    [Fact]
    public async Task A_deleted_subscription_returns_the_organization_to_free()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        var orgId = await CreateOrganizationAsync(factory, "pro");
        var payload = EventJson("customer.subscription.deleted", Subscription(orgId, "canceled"), factory.Time.GetUtcNow());

        await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal(OrganizationTiers.Free, await TierAsync(factory, orgId));
    }

    [Fact]
    public async Task A_completed_paid_checkout_sets_the_tier_from_its_metadata()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var session = new Dictionary<string, object?>
        {
            ["id"] = "cs_test_1",
            ["object"] = "checkout.session",
            ["mode"] = "subscription",
            ["payment_status"] = "paid",
            ["metadata"] = new Dictionary<string, string> { ["orgId"] = orgId.ToString(), ["tier"] = "team" },
        };
        var payload = EventJson("checkout.session.completed", session, factory.Time.GetUtcNow());

        await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal("team", await TierAsync(factory, orgId));
    }

    [Fact]
    public async Task An_event_older_than_one_already_applied_does_not_roll_the_tier_back()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var now = factory.Time.GetUtcNow();
        var cancelled = EventJson("customer.subscription.deleted", Subscription(orgId, "canceled"), now);
        var olderActive = EventJson("customer.subscription.updated", Subscription(orgId, "active"), now.AddMinutes(-5));

        await DeliverAsync(factory, cancelled, Sign(cancelled, secret, now));
        var late = await DeliverAsync(factory, olderActive, Sign(olderActive, secret, now));

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(OrganizationTiers.Free, await TierAsync(factory, orgId));
    }

    [Fact]
    public async Task Malformed_tier_metadata_is_acknowledged_without_writing_it()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        var orgId = await CreateOrganizationAsync(factory);
        var payload = EventJson("customer.subscription.created", Subscription(orgId, "active", "Pro'; DROP TABLE organizations;--"), factory.Time.GetUtcNow());

        var response = await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OrganizationTiers.Free, await TierAsync(factory, orgId));
    }

    [Fact]
    public async Task A_body_over_the_cap_is_refused_before_verification()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        var payload = new string(' ', StripeWebhooks.MaxBodyBytes + 1);

        var response = await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{\"id\": [not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"data\": 5}")]
    [InlineData("{\"id\": \"evt_1\", \"type\": \"customer.subscription.created\", \"data\": {\"object\": {\"object\": \"subscription\", \"metadata\": 5}}}")]
    public async Task A_correctly_signed_body_that_is_not_an_event_is_400_not_500(string payload)
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);

        var response = await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(d => d.ProcessedWebhookEvents.CountAsync()));
        Assert.Equal(0, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == BillingAuditActions.WebhookRejected)));
    }

    [Fact]
    public async Task A_signed_event_without_data_is_acknowledged()
    {
        var secret = TestKeys.StripeWebhookSecret();
        await using var factory = Factory(Db.Sqlite, secret);
        const string payload = "{\"id\": \"evt_nodata\", \"type\": \"customer.subscription.created\"}";

        var response = await DeliverAsync(factory, payload, Sign(payload, secret, factory.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
