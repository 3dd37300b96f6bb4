using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Convergio.Api.Disclosure;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Convergio.Api.Tests.Disclosure;

/// <summary>Missed response deadlines raise an alert by themselves, once each, as the clock moves.</summary>
public sealed class SecurityReportSlaAlertTests
{
    private const string AdminPath = "/api/v1/admin/security-reports";
    private const string OverdueSubject = "[SLA OVERDUE]";

    private static Task<List<OutboxEmail>> AlertsAsync(ConvergioFactory factory, Guid report) =>
        factory.WithDbAsync(db => db.OutboxEmails
            .Where(e => e.To == SecurityContacts.Emergency && e.Subject.StartsWith(OverdueSubject) && e.Subject.Contains(report.ToString("D")))
            .ToListAsync(TestContext.Current.CancellationToken));

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_unacknowledged_report_past_24_hours_pages_the_emergency_address_once(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var overdue = new MetricCollector<long>(factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            SecurityMetrics.MeterName, "convergio.disclosure.sla_overdue");
        var report = await SecurityReportAdminTests.SubmitAsync(factory, "medium");

        factory.Time.Advance(TimeSpan.FromHours(23));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Empty(await AlertsAsync(factory, report));

        factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var alert = Assert.Single(await Eventually.ReadAsync(() => AlertsAsync(factory, report), alerts => alerts.Count > 0));
        Assert.Contains("not acknowledged", alert.Subject, StringComparison.Ordinal);

        factory.Time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Single(await AlertsAsync(factory, report));
        Assert.Equal(1, overdue.GetMeasurementSnapshot().Where(m => Equals(m.Tags["deadline"], SecurityReportSlaAlerts.AcknowledgeDeadline)).Sum(m => m.Value));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_admin_classifying_a_report_critical_puts_it_on_the_same_day_triage_deadline(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var received = factory.Time.GetUtcNow().UtcDateTime;
        var report = await SecurityReportAdminTests.SubmitAsync(factory, "low");
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Client.PatchAsJsonAsync($"{AdminPath}/{report}", new { status = "acknowledged", severity = "critical" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("low", view.GetProperty("severity").GetString());
        Assert.Equal("critical", view.GetProperty("assessedSeverity").GetString());
        Assert.Equal(received.Date.AddDays(1), view.GetProperty("triageDueAt").GetDateTime());

        // Past midnight UTC, still not triaged: the admin's classification is what is overdue.
        factory.Time.Advance(received.Date.AddDays(1) - received + TimeSpan.FromMinutes(1));
        var alert = Assert.Single(await Eventually.ReadAsync(() => AlertsAsync(factory, report), alerts => alerts.Count > 0));
        Assert.Contains("not triaged", alert.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_admin_classifying_a_critical_report_lower_lifts_the_triage_deadline(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var report = await SecurityReportAdminTests.SubmitAsync(factory, "critical");
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Client.PatchAsJsonAsync($"{AdminPath}/{report}", new { severity = "medium" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("received", view.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("triageDueAt").ValueKind);
    }

    [Fact]
    public async Task An_unknown_severity_is_a_validation_problem()
    {
        await using var factory = new ConvergioFactory();
        var report = await SecurityReportAdminTests.SubmitAsync(factory, "low");
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Client.PatchAsJsonAsync($"{AdminPath}/{report}", new { severity = "catastrophic" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
