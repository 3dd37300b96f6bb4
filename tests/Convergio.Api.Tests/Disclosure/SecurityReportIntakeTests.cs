using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Disclosure;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Disclosure;

public sealed class SecurityReportIntakeTests
{
    private const string Path = "/api/v1/security/reports";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_valid_report_is_202_stored_audited_and_mailed_to_the_security_address(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var client = factory.CreateClient();
        var steps = $"1. GET /api/v1/orgs with another tenant's id {Guid.NewGuid():N}";

        var response = await client.PostAsJsonAsync(Path, ValidReport(reproductionSteps: steps, severity: "High"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var reportId = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("reportId").GetGuid();
        await using var scope = factory.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var stored = await context.SecurityReports.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(reportId, stored.Id);
        Assert.Equal(steps, stored.ReproductionSteps);
        Assert.Equal("high", stored.Severity);
        Assert.Equal(SecurityReportStatuses.Received, stored.Status);
        Assert.Equal(factory.Time.GetUtcNow().UtcDateTime, stored.ReceivedAt);
        var audited = await context.AuditEvents.SingleAsync(e => e.Action == SecurityReportEndpoints.ReceivedAction, TestContext.Current.CancellationToken);
        Assert.Equal(reportId.ToString("D"), audited.TargetId);
        Assert.DoesNotContain("finder@example.test", audited.Data ?? "", StringComparison.Ordinal);
        var mail = await MailPickup.WaitForAsync(factory.MailDirectory, SecurityContacts.Security);
        Assert.Contains(reportId.ToString("D"), mail, StringComparison.Ordinal);
        Assert.Contains(steps, mail, StringComparison.Ordinal);
        Assert.Equal([SecurityContacts.Security], await context.OutboxEmails.Select(e => e.To).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_critical_report_is_also_mailed_to_the_emergency_address()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(Path, ValidReport(severity: "critical"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var emergency = await MailPickup.WaitForAsync(factory.MailDirectory, SecurityContacts.Emergency);
        Assert.Contains("[CRITICAL]", emergency, StringComparison.Ordinal);
        await MailPickup.WaitForAsync(factory.MailDirectory, $"To: {SecurityContacts.Security}");
    }

    [Theory]
    [InlineData("reporterEmail", null)]
    [InlineData("reporterEmail", "not-an-email")]
    [InlineData("reporterEmail", "Mallory <mallory@example.test>")]
    [InlineData("reporterEmail", "a@example.test\r\nBcc: victim@example.test")]
    [InlineData("affectedComponent", "   ")]
    [InlineData("reproductionSteps", null)]
    [InlineData("impact", "")]
    [InlineData("severity", "catastrophic")]
    public async Task An_invalid_field_is_400_naming_it_and_nothing_is_stored(string field, string? value)
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();
        var body = ValidReport();
        body[field] = value;

        var response = await client.PostAsJsonAsync(Path, body, TestContext.Current.CancellationToken);

        await ProblemAssert.IsValidationProblemAsync(response, field);
        await using var scope = factory.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        Assert.Equal(0, await context.SecurityReports.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await context.OutboxEmails.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_field_over_its_length_limit_is_400()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(Path, ValidReport(impact: new string('x', SecurityReportLimits.Impact + 1)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"impact\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413_and_nothing_is_stored()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(Path, ValidReport(reproductionSteps: new string('x', SecurityReportLimits.MaxBodyBytes)), TestContext.Current.CancellationToken);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ConvergioDb>().SecurityReports.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Fields_outside_the_report_are_not_bound()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();
        var body = ValidReport();
        body["status"] = "disclosed";
        body["id"] = Guid.Empty.ToString();
        body["acknowledgedAt"] = "2020-01-01T00:00:00Z";

        var response = await client.PostAsJsonAsync(Path, body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<ConvergioDb>().SecurityReports.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(SecurityReportStatuses.Received, stored.Status);
        Assert.NotEqual(Guid.Empty, stored.Id);
        Assert.Null(stored.AcknowledgedAt);
    }

    internal static Dictionary<string, string?> ValidReport(string? reproductionSteps = null, string? impact = null, string? severity = null) => new()
    {
        ["reporterEmail"] = "finder@example.test",
        ["affectedComponent"] = "GET /api/v1/orgs/{orgId}",
        ["reproductionSteps"] = reproductionSteps ?? "1. Sign in as a member of org A. 2. Request org B by id.",
        ["impact"] = impact ?? "Cross-tenant read of organization names.",
        ["suggestedMitigation"] = "Filter by membership in the query.",
        ["severity"] = severity,
    };
}
