using Convergio.Api.Data;
using Convergio.Api.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Disclosure;

/// <summary>
/// A message meant for <see cref="SecurityContacts.Emergency"/>: paged at once (<see cref="PagedAt"/>),
/// or, over the hourly cap, held until <see cref="EmergencyDigest"/> lists it (<see cref="DigestedAt"/>).
/// </summary>
public sealed class EmergencyAlert
{
    public Guid Id { get; set; }
    public Guid ReportId { get; set; }
    public SecurityReport Report { get; set; } = null!;

    /// <summary>Why the emergency address was wanted (<see cref="EmergencyAlertReasons"/>).</summary>
    public required string Reason { get; set; }

    public DateTime RaisedAt { get; set; }
    public DateTime? PagedAt { get; set; }
    public DateTime? DigestedAt { get; set; }
}

public static class EmergencyAlertReasons
{
    public const string CriticalReport = "critical_report";
    public const string AcknowledgeOverdue = "acknowledge_overdue";
    public const string TriageOverdue = "triage_overdue";
}

/// <summary>
/// Every message for the emergency address goes through here, so that whoever is on call is paged at
/// most <see cref="DisclosureOptions.EmergencyPagesPerHour"/> times in any 60 minutes, in total, however
/// many instances and requests race: a flood of reports marked critical must not bury the pager. Under
/// one lock it counts the pages of the last hour, then queues the page or holds the alert for the digest
/// to the security address (which receives every report in full anyway).
/// </summary>
public sealed class EmergencyPager(ConvergioDb db, Mailer mailer, IOptions<DisclosureOptions> options, TimeProvider time, ILogger<EmergencyPager> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    // Any fixed 64-bit number; it names the PostgreSQL advisory lock that serializes paging decisions.
    private const long PostgresLockKey = 0x436F6E7650616765; // "ConvPage"

    /// <summary>
    /// Pages <see cref="SecurityContacts.Emergency"/> with this message, or holds it when the hour's pages
    /// are spent; true when paged. Runs in the caller's transaction and saves its changes, so a second call
    /// in the same transaction counts this one; the lock lasts until that transaction ends.
    /// </summary>
    public async Task<bool> RaiseAsync(Guid reportId, string reason, string subject, string body, CancellationToken cancellationToken)
    {
        await LockAsync(db, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var since = now - Window;
        var paged = await db.EmergencyAlerts.CountAsync(a => a.PagedAt > since, cancellationToken);
        var alert = new EmergencyAlert { Id = Guid.NewGuid(), ReportId = reportId, Reason = reason, RaisedAt = now };
        if (paged < options.Value.EmergencyPagesPerHour)
        {
            alert.PagedAt = now;
            mailer.Enqueue(SecurityContacts.Emergency, subject, body);
        }
        else
        {
            logger.LogWarning("The emergency address was paged {Pages} times in the last hour; the {Reason} alert for report {ReportId} waits for the digest",
                paged, reason, reportId);
        }
        db.EmergencyAlerts.Add(alert);
        await db.SaveChangesAsync(cancellationToken);
        return alert.PagedAt is not null;
    }

    /// <summary>
    /// Serializes paging decisions and digests until the current transaction ends. PostgreSQL: a
    /// transaction-scoped advisory lock, across instances. SQLite: the transaction is already the
    /// database's single writer (BEGIN IMMEDIATE).
    /// </summary>
    internal static async Task LockAsync(ConvergioDb db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Emergency paging decisions are taken inside a transaction.");
        }
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
        }
    }
}

internal sealed class EmergencyAlertConfiguration : IEntityTypeConfiguration<EmergencyAlert>
{
    public void Configure(EntityTypeBuilder<EmergencyAlert> builder)
    {
        builder.ToTable("emergency_alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Reason).HasMaxLength(40);
        builder.HasOne(a => a.Report).WithMany().HasForeignKey(a => a.ReportId).OnDelete(DeleteBehavior.Cascade);
        // The hour's page count, and the alerts still waiting for a digest.
        builder.HasIndex(a => a.PagedAt);
        builder.HasIndex(a => a.DigestedAt);
    }
}
