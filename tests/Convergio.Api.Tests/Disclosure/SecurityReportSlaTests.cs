using Convergio.Api.Disclosure;

namespace Convergio.Api.Tests.Disclosure;

public sealed class SecurityReportSlaTests
{
    private static readonly DateTime Received = new(2026, 11, 29, 9, 30, 0, DateTimeKind.Utc);

    [Fact]
    public void Acknowledgment_is_due_24_hours_after_receipt()
    {
        var report = Report(SecuritySeverities.High);

        Assert.Equal(Received.AddHours(24), SecurityReportSla.AckDueAt(report));
        Assert.Null(SecurityReportSla.TriageDueAt(report));
        Assert.False(SecurityReportSla.IsOverdue(report, Received.AddHours(24)));
        Assert.True(SecurityReportSla.IsOverdue(report, Received.AddHours(24).AddSeconds(1)));
    }

    [Fact]
    public void A_critical_report_is_due_for_triage_by_the_end_of_the_day_it_arrived()
    {
        var report = Report(SecuritySeverities.Critical);

        Assert.Equal(new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc), SecurityReportSla.TriageDueAt(report));
        report.AcknowledgedAt = Received.AddHours(1);
        Assert.False(SecurityReportSla.IsOverdue(report, Received.AddHours(14)));
        Assert.True(SecurityReportSla.IsOverdue(report, Received.AddHours(15)));
        report.TriagedAt = Received.AddHours(16);
        Assert.False(SecurityReportSla.IsOverdue(report, Received.AddDays(30)));
    }

    [Theory]
    [InlineData("received", "acknowledged", true)]
    [InlineData("received", "triaged", true)]
    [InlineData("received", "rejected", true)]
    [InlineData("acknowledged", "triaged", true)]
    [InlineData("triaged", "fixed", true)]
    [InlineData("fixed", "disclosed", true)]
    [InlineData("received", "fixed", false)]
    [InlineData("received", "disclosed", false)]
    [InlineData("triaged", "disclosed", false)]
    [InlineData("triaged", "acknowledged", false)]
    [InlineData("acknowledged", "acknowledged", false)]
    [InlineData("fixed", "rejected", false)]
    [InlineData("disclosed", "rejected", false)]
    [InlineData("rejected", "acknowledged", false)]
    public void Reports_move_forward_only_and_disclosure_follows_a_fix(string from, string to, bool allowed) =>
        Assert.Equal(allowed, SecurityReportStatuses.CanMove(from, to));

    private static SecurityReport Report(string severity) => new()
    {
        Id = Guid.NewGuid(),
        ReceivedAt = Received,
        ReporterEmail = "finder@example.test",
        AffectedComponent = "api",
        ReproductionSteps = "steps",
        Impact = "impact",
        Severity = severity,
    };
}
