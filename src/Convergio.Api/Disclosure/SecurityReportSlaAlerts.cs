using System.Globalization;
using Convergio.Api.Data;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Disclosure;

/// <summary>
/// Every minute, finds reports whose 24 h acknowledgment or same-day critical triage (by the
/// admin's classification when there is one) is overdue, and alerts each missed deadline once:
/// mail to the emergency address and the <c>convergio.disclosure.sla_overdue</c> counter. The
/// alert is recorded on the report in the same transaction as the mail, so it is sent once even
/// with several replicas (the marker is a concurrency token).
/// </summary>
internal sealed class SecurityReportSlaAlerts(IServiceScopeFactory scopes, TimeProvider time, SecurityMetrics metrics, ILogger<SecurityReportSlaAlerts> logger)
    : BackgroundService
{
    public const string AcknowledgeDeadline = "acknowledge";
    public const string TriageDeadline = "triage";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One-shot delays rather than a periodic timer: a clock that jumps ahead (a test's fake
        // clock, a resumed VM) causes one check, not one per minute skipped.
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, time, stoppingToken);
            try
            {
                await AlertOverdueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "The disclosure SLA check failed; retrying in a minute");
            }
        }
    }

    public async Task AlertOverdueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var mailer = scope.ServiceProvider.GetRequiredService<Mailer>();
        var now = time.GetUtcNow().UtcDateTime;
        var ackCutoff = now - SecurityReportSla.AcknowledgeWithin;
        var candidates = await db.SecurityReports
            .Where(r => (r.AcknowledgedAt == null && r.AckOverdueAlertedAt == null && r.ReceivedAt < ackCutoff)
                || (r.TriagedAt == null && r.TriageOverdueAlertedAt == null
                    && (r.AssessedSeverity == SecuritySeverities.Critical || (r.AssessedSeverity == null && r.Severity == SecuritySeverities.Critical))))
            .ToListAsync(cancellationToken);

        var alerted = new List<string>();
        foreach (var report in candidates)
        {
            if (report.AckOverdueAlertedAt is null && SecurityReportSla.IsAckOverdue(report, now))
            {
                report.AckOverdueAlertedAt = now;
                mailer.Enqueue(SecurityContacts.Emergency, $"[SLA OVERDUE] Vulnerability report {report.Id:D} is not acknowledged",
                    Body(report, $"Acknowledgment was due {SecurityReportSla.AckDueAt(report).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC."));
                alerted.Add(AcknowledgeDeadline);
            }
            if (report.TriageOverdueAlertedAt is null && SecurityReportSla.IsTriageOverdue(report, now))
            {
                report.TriageOverdueAlertedAt = now;
                mailer.Enqueue(SecurityContacts.Emergency, $"[SLA OVERDUE] Critical vulnerability report {report.Id:D} is not triaged",
                    Body(report, $"Triage was due {SecurityReportSla.TriageDueAt(report)!.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC."));
                alerted.Add(TriageDeadline);
            }
        }
        if (alerted.Count == 0)
        {
            return;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another replica alerted (or an admin answered) meanwhile; the next run sees the result.
            return;
        }
        foreach (var deadline in alerted)
        {
            metrics.DisclosureSlaOverdue(deadline);
        }
    }

    private static string Body(SecurityReport report, string deadline) =>
        $"{deadline}{Environment.NewLine}Report: {report.Id:D}{Environment.NewLine}Severity: {report.EffectiveSeverity ?? "not given"}{Environment.NewLine}Status: {report.Status}{Environment.NewLine}";
}
