using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Disclosure;
using Convergio.Api.Mail;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Convergio.Api.Tests.Disclosure;

/// <summary>
/// The emergency address pages a person: at most <c>Disclosure:EmergencyPagesPerHour</c> (default 10)
/// pages in any hour, in total; the alerts over the cap reach the security address in one digest.
/// </summary>
public sealed class EmergencyPagingTests
{
    private const int DefaultCap = 10;

    private static Task<List<OutboxEmail>> PagesAsync(ConvergioFactory factory) =>
        factory.WithDbAsync(db => db.OutboxEmails.Where(e => e.To == SecurityContacts.Emergency).ToListAsync(TestContext.Current.CancellationToken));

    private static Task<List<OutboxEmail>> DigestsAsync(ConvergioFactory factory) =>
        factory.WithDbAsync(db => db.OutboxEmails
            .Where(e => e.To == SecurityContacts.Security && e.Subject.StartsWith(EmergencyDigest.SubjectPrefix))
            .ToListAsync(TestContext.Current.CancellationToken));

    private static async Task<List<Guid>> SubmitCriticalAsync(ConvergioFactory factory, int count, TimeSpan apart)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await SecurityReportAdminTests.SubmitAsync(factory, "critical"));
            factory.Time.Advance(apart);
        }
        return ids;
    }

    private static bool Names(OutboxEmail mail, Guid report) => mail.Subject.Contains(report.ToString("D"), StringComparison.Ordinal);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Eleven_critical_reports_within_an_hour_page_the_emergency_address_ten_times(Db db)
    {
        await using var factory = new ConvergioFactory(db);

        var reports = await SubmitCriticalAsync(factory, DefaultCap + 1, TimeSpan.FromMinutes(5));

        var pages = await PagesAsync(factory);
        Assert.Equal(DefaultCap, pages.Count);
        Assert.All(reports[..DefaultCap], report => Assert.Single(pages, page => Names(page, report)));
        Assert.DoesNotContain(pages, page => Names(page, reports[^1]));
        var toSecurity = await factory.WithDbAsync(d => d.OutboxEmails.Where(e => e.To == SecurityContacts.Security).ToListAsync(TestContext.Current.CancellationToken));
        Assert.All(reports, report => Assert.Single(toSecurity, mail => Names(mail, report)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_report_over_the_cap_reaches_the_security_address_in_one_digest_at_the_end_of_the_hour(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var reports = await SubmitCriticalAsync(factory, DefaultCap + 1, TimeSpan.Zero);
        var held = reports[^1];
        var receivedAt = factory.Time.GetUtcNow().UtcDateTime;

        factory.Time.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Empty(await DigestsAsync(factory));

        factory.Time.Advance(TimeSpan.FromMinutes(2));
        var digest = Assert.Single(await Eventually.ReadAsync(() => DigestsAsync(factory), digests => digests.Count > 0));
        Assert.Contains(held.ToString("D"), digest.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{EmergencyAlertReasons.CriticalReport} | critical | {receivedAt:yyyy-MM-dd HH:mm:ss}", digest.TextBody, StringComparison.Ordinal);
        Assert.All(reports[..DefaultCap], paged => Assert.DoesNotContain(paged.ToString("D"), digest.TextBody, StringComparison.Ordinal));
        Assert.DoesNotContain("finder@example.test", digest.TextBody, StringComparison.Ordinal);

        factory.Time.Advance(TimeSpan.FromHours(2));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Single(await DigestsAsync(factory));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_flood_digest_lists_the_oldest_alerts_counts_the_rest_and_digests_them_all(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var report = await SecurityReportAdminTests.SubmitAsync(factory, "high");
        var raised = factory.Time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(2);
        const int flood = EmergencyDigest.MaxListed + 5;
        await factory.WithDbAsync(async d =>
        {
            d.EmergencyAlerts.AddRange(Enumerable.Range(0, flood).Select(i =>
                new EmergencyAlert { Id = Guid.NewGuid(), ReportId = report, Reason = EmergencyAlertReasons.AcknowledgeOverdue, RaisedAt = raised.AddSeconds(i) }));
            await d.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var digester = factory.Services.GetServices<IHostedService>().OfType<EmergencyDigest>().Single();

        await digester.SendDueAsync(TestContext.Current.CancellationToken);

        var digest = Assert.Single(await DigestsAsync(factory));
        Assert.Contains($"{flood} alert(s)", digest.Subject, StringComparison.Ordinal);
        Assert.Equal(EmergencyDigest.MaxListed, digest.TextBody.Split('\n').Count(line => line.Contains($"| {EmergencyAlertReasons.AcknowledgeOverdue} |", StringComparison.Ordinal)));
        Assert.Contains("and 5 more alert(s)", digest.TextBody, StringComparison.Ordinal);
        Assert.Equal(0, await factory.WithDbAsync(d => d.EmergencyAlerts.CountAsync(a => a.DigestedAt == null, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Critical_reports_submitted_in_parallel_still_page_exactly_the_cap(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var client = factory.CreateClient();
        const int submissions = 3 * DefaultCap;

        var responses = await Task.WhenAll(Enumerable.Range(0, submissions).Select(_ =>
            client.PostAsJsonAsync("/api/v1/security/reports", SecurityReportIntakeTests.ValidReport(severity: "critical"), TestContext.Current.CancellationToken)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Accepted, response.StatusCode));
        Assert.Equal(DefaultCap, (await PagesAsync(factory)).Count);
        Assert.Equal(submissions - DefaultCap, await factory.WithDbAsync(d => d.EmergencyAlerts.CountAsync(a => a.PagedAt == null, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Pages_resume_once_the_earliest_page_of_the_hour_is_an_hour_old(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await SubmitCriticalAsync(factory, DefaultCap, TimeSpan.Zero);
        var held = await SecurityReportAdminTests.SubmitAsync(factory, "critical");

        factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var next = await SecurityReportAdminTests.SubmitAsync(factory, "critical");

        var pages = await PagesAsync(factory);
        Assert.Equal(DefaultCap + 1, pages.Count);
        Assert.Single(pages, page => Names(page, next));
        Assert.DoesNotContain(pages, page => Names(page, held));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_missed_deadline_alert_counts_against_the_same_cap(Db db)
    {
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["Disclosure:EmergencyPagesPerHour"] = "1" });
        var unanswered = await SecurityReportAdminTests.SubmitAsync(factory, "medium");
        factory.Time.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(50));
        var critical = await SecurityReportAdminTests.SubmitAsync(factory, "critical");

        // Past the first report's 24-hour acknowledgment, eleven minutes after the hour's one page.
        factory.Time.Advance(TimeSpan.FromMinutes(11));
        var overdue = await Eventually.ReadAsync(
            () => factory.WithDbAsync(d => d.EmergencyAlerts.SingleOrDefaultAsync(a => a.ReportId == unanswered, TestContext.Current.CancellationToken)),
            alert => alert is not null);

        Assert.NotNull(overdue);
        Assert.Equal(EmergencyAlertReasons.AcknowledgeOverdue, overdue.Reason);
        Assert.Null(overdue.PagedAt);
        var page = Assert.Single(await PagesAsync(factory));
        Assert.True(Names(page, critical));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task An_emergency_page_cap_outside_1_to_1000_stops_the_start(string value)
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["Disclosure:EmergencyPagesPerHour"] = value }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains("EmergencyPagesPerHour", output, StringComparison.Ordinal);
    }
}
