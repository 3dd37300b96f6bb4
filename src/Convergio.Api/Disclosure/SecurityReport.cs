using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Disclosure;

/// <summary>A vulnerability report received through <c>POST /api/v1/security/reports</c>.</summary>
public sealed class SecurityReport
{
    public Guid Id { get; set; }
    public DateTime ReceivedAt { get; set; }
    public required string ReporterEmail { get; set; }
    public required string AffectedComponent { get; set; }
    public required string ReproductionSteps { get; set; }
    public required string Impact { get; set; }
    public string? SuggestedMitigation { get; set; }

    /// <summary>The reporter's assessment (<see cref="SecuritySeverities"/>), or null when not given.</summary>
    public string? Severity { get; set; }

    /// <summary>An admin's classification, which overrides the reporter's once set.</summary>
    public string? AssessedSeverity { get; set; }

    /// <summary>The severity the SLA follows: the admin's when given, else the reporter's.</summary>
    public string? EffectiveSeverity => AssessedSeverity ?? Severity;

    /// <summary>When the overdue acknowledgment was alerted (once).</summary>
    public DateTime? AckOverdueAlertedAt { get; set; }

    /// <summary>When the overdue critical triage was alerted (once).</summary>
    public DateTime? TriageOverdueAlertedAt { get; set; }

    public string Status { get; set; } = SecurityReportStatuses.Received;
    public DateTime? AcknowledgedAt { get; set; }
    public DateTime? TriagedAt { get; set; }
    public DateTime? StatusChangedAt { get; set; }
}

public static class SecuritySeverities
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Critical = "critical";

    public static readonly IReadOnlyList<string> All = [Low, Medium, High, Critical];
}

/// <summary>
/// The life of a report: received, acknowledged, triaged, fixed, then disclosed (the public
/// advisory, only once the fix is validated). Acknowledgment may be skipped by triaging at once;
/// an open report that is not a vulnerability is rejected. Nothing goes back.
/// </summary>
public static class SecurityReportStatuses
{
    public const string Received = "received";
    public const string Acknowledged = "acknowledged";
    public const string Triaged = "triaged";
    public const string Fixed = "fixed";
    public const string Disclosed = "disclosed";
    public const string Rejected = "rejected";

    /// <summary>The statuses an admin may set.</summary>
    public static readonly IReadOnlyList<string> Settable = [Acknowledged, Triaged, Fixed, Disclosed, Rejected];

    private static readonly Dictionary<string, string[]> Next = new(StringComparer.Ordinal)
    {
        [Received] = [Acknowledged, Triaged, Rejected],
        [Acknowledged] = [Triaged, Rejected],
        [Triaged] = [Fixed, Rejected],
        [Fixed] = [Disclosed],
    };

    public static bool CanMove(string from, string to) => Next.TryGetValue(from, out var next) && next.Contains(to);
}

/// <summary>
/// The response targets of SECURITY.md: acknowledgment within 24 hours of receipt; a critical
/// report is also triaged the same day (by the end of the UTC day it arrived).
/// </summary>
public static class SecurityReportSla
{
    public static readonly TimeSpan AcknowledgeWithin = TimeSpan.FromHours(24);

    public static DateTime AckDueAt(SecurityReport report) => report.ReceivedAt + AcknowledgeWithin;

    public static DateTime? TriageDueAt(SecurityReport report) =>
        report.EffectiveSeverity == SecuritySeverities.Critical ? report.ReceivedAt.Date.AddDays(1) : null;

    public static bool IsAckOverdue(SecurityReport report, DateTime now) => report.AcknowledgedAt is null && now > AckDueAt(report);

    public static bool IsTriageOverdue(SecurityReport report, DateTime now) =>
        report.TriagedAt is null && TriageDueAt(report) is { } triageDue && now > triageDue;

    public static bool IsOverdue(SecurityReport report, DateTime now) => IsAckOverdue(report, now) || IsTriageOverdue(report, now);
}

internal sealed class SecurityReportConfiguration : IEntityTypeConfiguration<SecurityReport>
{
    public void Configure(EntityTypeBuilder<SecurityReport> builder)
    {
        builder.ToTable("security_reports");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.ReporterEmail).HasMaxLength(SecurityReportLimits.Email);
        builder.Property(r => r.AffectedComponent).HasMaxLength(SecurityReportLimits.AffectedComponent);
        builder.Property(r => r.ReproductionSteps).HasMaxLength(SecurityReportLimits.ReproductionSteps);
        builder.Property(r => r.Impact).HasMaxLength(SecurityReportLimits.Impact);
        builder.Property(r => r.SuggestedMitigation).HasMaxLength(SecurityReportLimits.SuggestedMitigation);
        builder.Property(r => r.Severity).HasMaxLength(20);
        builder.Property(r => r.AssessedSeverity).HasMaxLength(20);
        // Two replicas alerting the same overdue report at once: one commits, the other's alert rolls back.
        builder.Property(r => r.AckOverdueAlertedAt).IsConcurrencyToken();
        builder.Property(r => r.TriageOverdueAlertedAt).IsConcurrencyToken();
        // Two admins moving the same report at once: the second gets a conflict, not a silent overwrite.
        builder.Property(r => r.Status).HasMaxLength(20).IsConcurrencyToken();
        builder.HasIndex(r => r.ReceivedAt);
    }
}

/// <summary>Field lengths, in characters; the whole request body is capped at 64 KiB as well.</summary>
public static class SecurityReportLimits
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int Email = 254;
    public const int AffectedComponent = 200;
    public const int ReproductionSteps = 32_000;
    public const int Impact = 8_000;
    public const int SuggestedMitigation = 8_000;
}
