using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Notifications;
using Convergio.Api.Data;
using Convergio.Api.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Account;

/// <summary>
/// Moving an account to another address: the signed-in user asks, a link goes to the new address, and
/// following it makes the change. Until then nothing changes, so a typo or a mailbox someone else
/// reads costs nothing.
/// </summary>
internal static class EmailChangeEndpoints
{
    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem>> RequestAsync(
        EmailChangeRequest request, HttpContext http, ConvergioDb db, Mailer mailer, AuditLog audit, IOptions<AccountOptions> options, IOptions<AuthOptions> authOptions,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var newEmail = Emails.Normalize(request.NewEmail);
        if (!Emails.IsValid(newEmail))
        {
            return ApiProblems.Invalid("newEmail", "Enter a valid email address.");
        }
        var userId = http.User.GetUserId();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        if (user.Email == newEmail)
        {
            return ApiProblems.Invalid("newEmail", "This is already your address.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // One outstanding change at a time: a new request ends the links mailed before it.
        await db.EmailChangeTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        // The answer is the same either way, so it does not tell whether an account uses the address; only its mailbox learns that.
        if (await db.Users.AnyAsync(u => u.Email == newEmail, cancellationToken))
        {
            mailer.Enqueue(newEmail, "Your address is already used on Convergio",
                $"Someone asked to move a Convergio account to this email address, but another account already uses it, so nothing changed.\n\nIf it was you, sign in to that account instead: {authOptions.Value.SignInUrl}\n\nIf not, ignore this message.");
        }
        else
        {
            var token = SessionTokens.New();
            var lifetime = options.Value.EmailChangeTokenLifetime;
            db.EmailChangeTokens.Add(new EmailChangeToken
            {
                Id = Guid.NewGuid(),
                UserId = userId,
                TokenHash = SessionTokens.Hash(token),
                NewEmail = newEmail,
                RequestedBySessionId = http.User.FindSessionId(),
                CreatedAt = now,
                ExpiresAt = now + lifetime,
            });
            var link = QueryHelpers.AddQueryString(options.Value.EmailChangeConfirmUrl, "token", token);
            mailer.Enqueue(newEmail, "Confirm your new email address for Convergio",
                $"Someone asked to use this address for a Convergio account.\n\nTo confirm, open this link within {lifetime.TotalMinutes:0} minutes:\n{link}\n\nUntil then the account keeps its old address. If it was not you, ignore this message.");
        }
        audit.Record(AccountAuditActions.EmailChangeRequested, targetType: "user", targetId: userId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Accepted((string?)null, new AcceptedResponse("A confirmation link is on its way to the new address."));
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        EmailChangeConfirmRequest request, ConvergioDb db, SessionService sessions, EmailVerificationMailer verification, SecurityNotifier notifier,
        AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var invalid = ApiProblems.Invalid("token", "The confirmation link is invalid, expired or already used.");
        if (string.IsNullOrEmpty(request.Token))
        {
            return invalid;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var hash = SessionTokens.Hash(request.Token);
        var change = await db.EmailChangeTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, cancellationToken);
        var user = change is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == change.UserId && u.DisabledAt == null, cancellationToken);
        if (change is null || user is null)
        {
            return invalid;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Single use even under a race: the token is spent by a conditional update, not by the read above.
        if (!await db.EmailChangeTokens.Where(t => t.Id == change.Id).TrySpendAsync(t => t.UsedAt, now, cancellationToken))
        {
            return invalid;
        }
        if (await db.Users.AnyAsync(u => u.Email == change.NewEmail, cancellationToken))
        {
            return AddressTaken();
        }

        // Told before the address moves: the notice goes to the mailbox that is losing the account.
        await notifier.NotifyAsync(user, SecurityNotices.EmailChanged);
        user.Email = change.NewEmail;
        // The link reached the new mailbox, so the new address is proven.
        user.EmailVerifiedAt = now;
        user.UpdatedAt = now;
        // Links mailed to the old address proved that mailbox, which no longer speaks for the account.
        await verification.RevokeOutstandingAsync(user.Id, now, cancellationToken);
        await db.PasswordResetTokens.Where(t => t.UserId == user.Id && t.UsedAt == null).ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, now), cancellationToken);
        audit.Record(AccountAuditActions.EmailChanged, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another account took the address between the check and the write; the rollback undoes the spend as well.
            return AddressTaken();
        }
        await sessions.RevokeAllAsync(user.Id, keep: change.RequestedBySessionId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult AddressTaken() =>
        ApiProblems.Conflict("Another account started using this address after the link was sent; nothing changed.");
}
