using System.Globalization;
using Convergio.Api.Data;
using Convergio.Api.Observability;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Disclosure;

/// <summary>
/// Every minute, finds reports whose 24 h acknowledgment or same-day critical triage (by the
/// admin's classification when there is one) is overdue, and alerts each missed deadline once:
/// a page to the emergency address (through <see cref="EmergencyPager"/>, so within the hourly
/// cap) and the <c>convergio.disclosure.sla_overdue</c> counter. The alert is recorded on the
/// report in the same transaction as the page, so it is sent once even with several replicas
/// (the marker is a concurrency token).
/// </summary>
internal sealed class SecurityReportSlaAlerts(IServiceScopeFactory scopes, TimeProvider time, SecurityMetrics metrics, ILogger<SecurityReportSlaAlerts> logger)
    : BackgroundService
{
    public const string AcknowledgeDeadline = "acknowledge";
    public const string TriageDeadline = "triage";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Interval, AlertOverdueAsync, time, logger, stoppingToken);

    public async Task AlertOverdueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var pager = scope.ServiceProvider.GetRequiredService<EmergencyPager>();
        var alerted = await db.InTransactionAsync<List<string>>(async (transaction, token) =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var ackCutoff = now - SecurityReportSla.AcknowledgeWithin;
            var candidates = await db.SecurityReports
                .Where(r => (r.AcknowledgedAt == null && r.AckOverdueAlertedAt == null && r.ReceivedAt < ackCutoff)
                    || (r.TriagedAt == null && r.TriageOverdueAlertedAt == null
                        && (r.AssessedSeverity == SecuritySeverities.Critical || (r.AssessedSeverity == null && r.Severity == SecuritySeverities.Critical))))
                .ToListAsync(token);

            var deadlines = new List<string>();
            try
            {
                foreach (var report in candidates)
                {
                    if (report.AckOverdueAlertedAt is null && SecurityReportSla.IsAckOverdue(report, now))
                    {
                        report.AckOverdueAlertedAt = now;
                        await pager.RaiseAsync(report.Id, EmergencyAlertReasons.AcknowledgeOverdue,
                            $"[SLA OVERDUE] Vulnerability report {report.Id:D} is not acknowledged",
                            Body(report, $"Acknowledgment was due {SecurityReportSla.AckDueAt(report).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC."),
                            token);
                        deadlines.Add(AcknowledgeDeadline);
                    }
                    if (report.TriageOverdueAlertedAt is null && SecurityReportSla.IsTriageOverdue(report, now))
                    {
                        report.TriageOverdueAlertedAt = now;
                        await pager.RaiseAsync(report.Id, EmergencyAlertReasons.TriageOverdue,
                            $"[SLA OVERDUE] Critical vulnerability report {report.Id:D} is not triaged",
                            Body(report, $"Triage was due {SecurityReportSla.TriageDueAt(report)!.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC."),
                            token);
                        deadlines.Add(TriageDeadline);
                    }
                }
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another replica alerted (or an admin answered) meanwhile: nothing of this run commits; the next run sees the result.
                return [];
            }
            await transaction.CommitAsync(token);
            return deadlines;
        }, cancellationToken);
        foreach (var deadline in alerted)
        {
            metrics.DisclosureSlaOverdue(deadline);
        }
    }

    private static string Body(SecurityReport report, string deadline) =>
        $"{deadline}{Environment.NewLine}Report: {report.Id:D}{Environment.NewLine}Severity: {report.EffectiveSeverity ?? "not given"}{Environment.NewLine}Status: {report.Status}{Environment.NewLine}";
}
