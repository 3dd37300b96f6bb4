using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Mail;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth;

/// <summary>
/// A forgot-password request waiting to be answered by mail. The endpoint only stores this row, the
/// same single insert for every address, so its response time cannot tell whether an account uses the
/// address; <see cref="PasswordResetDispatcher"/> does the part that differs (a token, which mail) after
/// the response. The requester's address and user agent are kept only until then, for the audit event.
/// </summary>
public sealed class PasswordResetRequest
{
    public Guid Id { get; set; }
    public required string Email { get; set; }
    public DateTime RequestedAt { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public string? RequestId { get; set; }
}

internal sealed class PasswordResetRequestConfiguration : IEntityTypeConfiguration<PasswordResetRequest>
{
    public void Configure(EntityTypeBuilder<PasswordResetRequest> builder)
    {
        builder.ToTable("password_reset_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Email).HasMaxLength(Emails.MaxLength);
        builder.Property(r => r.Ip).HasMaxLength(64);
        builder.Property(r => r.UserAgent).HasMaxLength(AuditLog.MaxUserAgentLength);
        builder.Property(r => r.RequestId).HasMaxLength(128);
        builder.HasIndex(r => r.RequestedAt);
    }
}

/// <summary>Wakes the dispatcher as soon as a reset request is stored.</summary>
public sealed class PasswordResetSignal : WakeSignal;

/// <summary>
/// Answers stored reset requests, oldest first: a token and a link for an account's address, a
/// "no account uses it" mail otherwise, and the audit event either way, carrying the request's origin.
/// Each request is answered in one transaction that begins by deleting its row, so a failure leaves it
/// for the next pass and, with several instances, only the one whose delete took it sends the mail.
/// </summary>
internal sealed class PasswordResetDispatcher(
    IServiceScopeFactory scopes,
    PasswordResetSignal signal,
    IOptions<AuthOptions> options,
    ILogger<PasswordResetDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 50;

    // Catches requests that another instance stored and left (it stopped before answering them).
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        signal.DrainAsync(DispatchBatchAsync, BatchSize, Poll, logger, stoppingToken);

    /// <summary>Answers up to one batch of pending requests; how many were pending.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        List<PasswordResetRequest> pending;
        await using (var scope = scopes.CreateAsyncScope())
        {
            pending = await scope.ServiceProvider.GetRequiredService<ConvergioDb>().PasswordResetRequests.AsNoTracking()
                .OrderBy(r => r.RequestedAt).Take(BatchSize).ToListAsync(cancellationToken);
        }
        foreach (var request in pending)
        {
            await AnswerAsync(request, cancellationToken);
        }
        return pending.Count;
    }

    private async Task AnswerAsync(PasswordResetRequest request, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ConvergioDb>();
        var mailer = services.GetRequiredService<Mailer>();
        var audit = services.GetRequiredService<AuditLog>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.PasswordResetRequests.Where(r => r.Id == request.Id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == request.Email && u.DisabledAt == null, cancellationToken);
        AuditEvent auditEvent;
        if (user is not null)
        {
            var token = SessionTokens.New();
            db.PasswordResetTokens.Add(new PasswordResetToken
            {
                Id = Guid.NewGuid(),
                UserId = user.Id,
                TokenHash = SessionTokens.Hash(token),
                CreatedAt = now,
                ExpiresAt = now + options.Value.ResetTokenLifetime,
            });
            var link = QueryHelpers.AddQueryString(options.Value.ResetPasswordUrl, "token", token);
            mailer.Enqueue(user.Email, "Reset your Convergio password",
                $"Someone asked to reset the password of your Convergio account.\n\nTo choose a new password, open this link within {options.Value.ResetTokenLifetime.TotalMinutes:0} minutes:\n{link}\n\nIf it was not you, ignore this message; your password is unchanged.");
            auditEvent = audit.Record(AuthAuditActions.PasswordResetRequested, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString());
        }
        else
        {
            // The mailbox's owner learns that no account uses this address, which helps one who forgot which they used.
            mailer.Enqueue(request.Email, "Password reset request for Convergio",
                "Someone asked to reset the password of a Convergio account for this email address, but no account uses it.\n\nIf it was you, you may have signed up with another address. If not, ignore this message.");
            auditEvent = audit.Record(AuthAuditActions.PasswordResetRequested, AuditOutcomes.Failure, data: new { reason = "unknown_account" });
        }
        // There is no request here: the event names the one that asked.
        auditEvent.Ip = request.Ip;
        auditEvent.UserAgent = request.UserAgent;
        auditEvent.RequestId = request.RequestId;

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
