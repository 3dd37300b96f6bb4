using System.Globalization;
using System.Text;
using Convergio.Api.Data;
using Convergio.Api.Mail;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Disclosure;

/// <summary>
/// Every minute: once the oldest alert <see cref="EmergencyPager"/> held back is an hour old, one mail
/// to <see cref="SecurityContacts.Security"/> lists every held alert (report id, reason, severity,
/// received time; nothing about the reporter) and marks them digested, in one transaction under the
/// pager's lock, so each alert is listed once even with several instances.
/// </summary>
internal sealed class EmergencyDigest(IServiceScopeFactory scopes, TimeProvider time, ILogger<EmergencyDigest> logger) : BackgroundService
{
    public const string SubjectPrefix = "[EMERGENCY DIGEST]";
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Interval, SendDueAsync, time, logger, stoppingToken);

    /// <summary>Sends the digest when it is due; returns how many alerts it listed (0: none due).</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var mailer = scope.ServiceProvider.GetRequiredService<Mailer>();
        return await db.InTransactionAsync(async (transaction, token) =>
        {
            await EmergencyPager.LockAsync(db, token);
            var now = time.GetUtcNow().UtcDateTime;
            var held = await db.EmergencyAlerts
                .Include(a => a.Report)
                .Where(a => a.PagedAt == null && a.DigestedAt == null)
                .OrderBy(a => a.RaisedAt).ThenBy(a => a.Id)
                .ToListAsync(token);
            if (held.Count == 0 || held[0].RaisedAt > now - EmergencyPager.Window)
            {
                return 0;
            }
            foreach (var alert in held)
            {
                alert.DigestedAt = now;
            }
            mailer.Enqueue(SecurityContacts.Security, $"{SubjectPrefix} {held.Count} alert(s) did not page {SecurityContacts.Emergency}", Body(held));
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return held.Count;
        }, cancellationToken);
    }

    private static string Body(List<EmergencyAlert> held)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{SecurityContacts.Emergency} had already been paged the hourly maximum, so these alerts did not page it.")
            .AppendLine("Each report was mailed to this address in full when it arrived; review them in the admin queue.")
            .AppendLine()
            .AppendLine("report | reason | severity | received (UTC) | alert raised (UTC)");
        foreach (var alert in held)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{alert.ReportId:D} | {alert.Reason} | {alert.Report.EffectiveSeverity ?? "not given"} | {alert.Report.ReceivedAt:yyyy-MM-dd HH:mm:ss} | {alert.RaisedAt:yyyy-MM-dd HH:mm:ss}");
        }
        return text.ToString();
    }
}
