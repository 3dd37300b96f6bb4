using System.Globalization;
using System.Text;
using Convergio.Api.Data;
using Convergio.Api.Mail;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Disclosure;

/// <summary>
/// Every minute: once the oldest alert <see cref="EmergencyPager"/> held back is an hour old, one mail
/// to <see cref="SecurityContacts.Security"/> lists the held alerts (report id, reason, severity,
/// received time; nothing about the reporter) and marks every held alert digested, in one transaction
/// under the pager's lock, so each alert is digested once even with several instances. A flood lists
/// the oldest <see cref="MaxListed"/> and counts the rest, so the mail and the pass stay small.
/// </summary>
internal sealed class EmergencyDigest(IServiceScopeFactory scopes, TimeProvider time, ILogger<EmergencyDigest> logger) : BackgroundService
{
    public const string SubjectPrefix = "[EMERGENCY DIGEST]";
    public const int MaxListed = 200;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(Interval, SendDueAsync, time, logger, stoppingToken);

    /// <summary>Sends the digest when it is due; returns how many alerts it digested (0: none due).</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var mailer = scope.ServiceProvider.GetRequiredService<Mailer>();
        return await db.InTransactionAsync(async (transaction, token) =>
        {
            await EmergencyPager.LockAsync(db, token);
            var now = time.GetUtcNow().UtcDateTime;
            var pending = db.EmergencyAlerts.Where(a => a.PagedAt == null && a.DigestedAt == null);
            var listed = await pending.AsNoTracking()
                .Include(a => a.Report)
                .OrderBy(a => a.RaisedAt).ThenBy(a => a.Id)
                .Take(MaxListed)
                .ToListAsync(token);
            if (listed.Count == 0 || listed[0].RaisedAt > now - EmergencyPager.Window)
            {
                return 0;
            }
            var held = await pending.ExecuteUpdateAsync(a => a.SetProperty(x => x.DigestedAt, now), token);
            mailer.Enqueue(SecurityContacts.Security, $"{SubjectPrefix} {held} alert(s) did not page {SecurityContacts.Emergency}", Body(listed, held));
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return held;
        }, cancellationToken);
    }

    private static string Body(List<EmergencyAlert> listed, int held)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{SecurityContacts.Emergency} had already been paged the hourly maximum, so these alerts did not page it.")
            .AppendLine("Each report was mailed to this address in full when it arrived; review them in the admin queue.")
            .AppendLine()
            .AppendLine("report | reason | severity | received (UTC) | alert raised (UTC)");
        foreach (var alert in listed)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{alert.ReportId:D} | {alert.Reason} | {alert.Report.EffectiveSeverity ?? "not given"} | {alert.Report.ReceivedAt:yyyy-MM-dd HH:mm:ss} | {alert.RaisedAt:yyyy-MM-dd HH:mm:ss}");
        }
        if (held > listed.Count)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"... and {held - listed.Count} more alert(s), not listed here: the admin queue has them all.");
        }
        return text.ToString();
    }
}
