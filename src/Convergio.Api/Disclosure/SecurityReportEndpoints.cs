using System.Globalization;
using System.Text;
using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Disclosure;

/// <summary>Only these fields bind; anything else in the body is ignored.</summary>
public sealed record SecurityReportRequest(
    string? ReporterEmail,
    string? AffectedComponent,
    [property: MultiLine] string? ReproductionSteps,
    [property: MultiLine] string? Impact,
    [property: MultiLine] string? SuggestedMitigation,
    string? Severity);

public sealed record SecurityReportAccepted(Guid ReportId);

/// <summary>A new status, an admin's severity classification, or both.</summary>
public sealed record SecurityReportStatusRequest(string? Status, string? Severity = null);

public sealed record SecurityReportView(
    Guid Id,
    DateTime ReceivedAt,
    string ReporterEmail,
    string AffectedComponent,
    string ReproductionSteps,
    string Impact,
    string? SuggestedMitigation,
    string? Severity,
    string? AssessedSeverity,
    string Status,
    DateTime AckDueAt,
    DateTime? TriageDueAt,
    bool Overdue,
    DateTime? AcknowledgedAt,
    DateTime? TriagedAt,
    DateTime? StatusChangedAt)
{
    public static SecurityReportView From(SecurityReport r, DateTime now) => new(
        r.Id, r.ReceivedAt, r.ReporterEmail, r.AffectedComponent, r.ReproductionSteps, r.Impact, r.SuggestedMitigation,
        r.Severity, r.AssessedSeverity, r.Status, SecurityReportSla.AckDueAt(r), SecurityReportSla.TriageDueAt(r), SecurityReportSla.IsOverdue(r, now),
        r.AcknowledgedAt, r.TriagedAt, r.StatusChangedAt);
}

public static class SecurityReportEndpoints
{
    public const string ReceivedAction = "security.report.received";
    public const string StatusChangedAction = "security.report.status_changed";
    public const string SeverityChangedAction = "security.report.severity_changed";
    private const string TargetType = "security_report";

    /// <summary>
    /// Stores the report, audits it and queues mail to <see cref="SecurityContacts.Security"/> (and,
    /// when critical, pages <see cref="SecurityContacts.Emergency"/> through <see cref="EmergencyPager"/>),
    /// all in one transaction. Nothing is mailed to the reporter: the endpoint is public, and it must
    /// not send mail to an address anyone can type in.
    /// </summary>
    internal static async Task<Results<Accepted<SecurityReportAccepted>, ValidationProblem>> SubmitAsync(
        SecurityReportRequest request, ConvergioDb db, AuditLog audit, Mailer mailer, EmergencyPager pager, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var report = new SecurityReport
        {
            Id = Guid.NewGuid(),
            ReceivedAt = time.GetUtcNow().UtcDateTime,
            ReporterEmail = request.ReporterEmail!.Trim(),
            AffectedComponent = request.AffectedComponent!.Trim(),
            ReproductionSteps = request.ReproductionSteps!,
            Impact = request.Impact!,
            SuggestedMitigation = string.IsNullOrWhiteSpace(request.SuggestedMitigation) ? null : request.SuggestedMitigation,
            Severity = string.IsNullOrWhiteSpace(request.Severity) ? null : request.Severity.Trim().ToLowerInvariant(),
        };
        var critical = report.Severity == SecuritySeverities.Critical;
        var subject = $"{(critical ? "[CRITICAL] " : "")}Vulnerability report {report.Id:D}";
        var body = MailBody(report);
        await db.InTransactionAsync(async (transaction, token) =>
        {
            db.SecurityReports.Add(report);
            audit.Record(ReceivedAction, targetType: TargetType, targetId: report.Id.ToString("D"), data: new { severity = report.Severity });
            mailer.Enqueue(SecurityContacts.Security, subject, body);
            if (critical)
            {
                await pager.RaiseAsync(report.Id, EmergencyAlertReasons.CriticalReport, subject, body, token);
            }
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return report.Id;
        }, cancellationToken);
        return TypedResults.Accepted((string?)null, new SecurityReportAccepted(report.Id));
    }

    internal static async Task<Results<Ok<PagedList<SecurityReportView>>, ValidationProblem>> ListAsync(
        string? status, [AsParameters] PageRequest paging, ConvergioDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = paging.Errors();
        if (status is not null && status != SecurityReportStatuses.Received && !SecurityReportStatuses.Settable.Contains(status))
        {
            errors["status"] = [$"Use one of: {SecurityReportStatuses.Received}, {string.Join(", ", SecurityReportStatuses.Settable)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.SecurityReports.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(r => r.Status == status);
        }
        var reports = await query.OrderByDescending(r => r.ReceivedAt).ThenBy(r => r.Id).ToPageAsync(paging, cancellationToken);
        // The SLA fields are computed here, not in SQL, so the page is mapped after it is read.
        var now = time.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(new PagedList<SecurityReportView>(
            reports.Items.Select(r => SecurityReportView.From(r, now)).ToList(), reports.Page, reports.PageSize, reports.Total));
    }

    internal static async Task<Results<Ok<SecurityReportView>, ValidationProblem, ProblemHttpResult>> ChangeStatusAsync(
        Guid id, SecurityReportStatusRequest request, ConvergioDb db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var to = request.Status;
        var severity = request.Severity?.Trim().ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if ((to is null && severity is null) || (to is not null && !SecurityReportStatuses.Settable.Contains(to)))
        {
            errors["status"] = [$"Use one of: {string.Join(", ", SecurityReportStatuses.Settable)} (or give only a severity)."];
        }
        if (severity is not null && !SecuritySeverities.All.Contains(severity))
        {
            errors["severity"] = [$"Use one of: {string.Join(", ", SecuritySeverities.All)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var report = await db.SecurityReports.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (report is null)
        {
            return ApiProblems.NotFound("No security report has this id.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (severity is not null && severity != report.EffectiveSeverity)
        {
            audit.Record(SeverityChangedAction, targetType: TargetType, targetId: report.Id.ToString("D"), data: new { from = report.EffectiveSeverity, to = severity });
            report.AssessedSeverity = severity;
        }
        if (to is not null)
        {
            var from = report.Status;
            if (!SecurityReportStatuses.CanMove(from, to))
            {
                return ApiProblems.Conflict($"A {from} report cannot become {to}.");
            }
            report.Status = to;
            report.StatusChangedAt = now;
            // Any answer acknowledges the report; triage ends with a triaged or rejected verdict.
            report.AcknowledgedAt ??= now;
            if (to is SecurityReportStatuses.Triaged or SecurityReportStatuses.Rejected)
            {
                report.TriagedAt ??= now;
            }
            audit.Record(StatusChangedAction, targetType: TargetType, targetId: report.Id.ToString("D"), data: new { from, to });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiProblems.Conflict("The report was changed meanwhile; reload it and try again.");
        }
        return TypedResults.Ok(SecurityReportView.From(report, now));
    }

    private static Dictionary<string, string[]> Validate(SecurityReportRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var email = request.ReporterEmail?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors["reporterEmail"] = ["Required, so we can reply."];
        }
        else if (email.Length > SecurityReportLimits.Email || !IsPlainAddress(email))
        {
            errors["reporterEmail"] = ["Not a valid email address."];
        }
        Require(errors, "affectedComponent", request.AffectedComponent, SecurityReportLimits.AffectedComponent);
        Require(errors, "reproductionSteps", request.ReproductionSteps, SecurityReportLimits.ReproductionSteps);
        Require(errors, "impact", request.Impact, SecurityReportLimits.Impact);
        if (request.SuggestedMitigation is { Length: > SecurityReportLimits.SuggestedMitigation })
        {
            errors["suggestedMitigation"] = [$"At most {SecurityReportLimits.SuggestedMitigation} characters."];
        }
        if (!string.IsNullOrWhiteSpace(request.Severity) && !SecuritySeverities.All.Contains(request.Severity.Trim().ToLowerInvariant()))
        {
            errors["severity"] = [$"Use one of: {string.Join(", ", SecuritySeverities.All)}, or leave it out."];
        }
        return errors;
    }

    private static void Require(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["Required."];
        }
        else if (value.Length > maxLength)
        {
            errors[field] = [$"At most {maxLength} characters."];
        }
    }

    /// <summary>A bare address (no display name, no control characters), as MailKit would send to it.</summary>
    private static bool IsPlainAddress(string value) =>
        !value.Any(char.IsControl)
        && MimeKit.MailboxAddress.TryParse(value, out var mailbox)
        && string.IsNullOrEmpty(mailbox.Name)
        && string.Equals(mailbox.Address, value, StringComparison.Ordinal)
        && mailbox.Address.Contains('@', StringComparison.Ordinal);

    private static string MailBody(SecurityReport report)
    {
        var text = new StringBuilder()
            .AppendLine("A vulnerability report was received. Acknowledge it within 24 hours; a critical one is triaged today.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Report: {report.Id:D}")
            .AppendLine(CultureInfo.InvariantCulture, $"Received: {report.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC")
            .AppendLine(CultureInfo.InvariantCulture, $"Acknowledge by: {SecurityReportSla.AckDueAt(report):yyyy-MM-dd HH:mm:ss} UTC")
            .AppendLine(CultureInfo.InvariantCulture, $"Severity (reporter's view): {report.Severity ?? "not given"}")
            .AppendLine(CultureInfo.InvariantCulture, $"Reporter: {report.ReporterEmail}")
            .AppendLine(CultureInfo.InvariantCulture, $"Affected component: {report.AffectedComponent}")
            .AppendLine()
            .AppendLine("Reproduction steps:")
            .AppendLine(report.ReproductionSteps)
            .AppendLine()
            .AppendLine("Impact:")
            .AppendLine(report.Impact);
        if (report.SuggestedMitigation is not null)
        {
            text.AppendLine().AppendLine("Suggested mitigation:").AppendLine(report.SuggestedMitigation);
        }
        return text.ToString();
    }
}
