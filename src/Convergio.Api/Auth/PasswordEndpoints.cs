using Convergio.Api.Audit;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.Notifications;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Csrf;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
namespace Convergio.Api.Auth;

/// <summary>Password change (signed in, recently authenticated) and recovery by a mailed link.</summary>
internal static class PasswordEndpoints
{
    private const int ChangePasswordAttempts = 3;
    private static readonly TimeSpan ChangePasswordWindow = TimeSpan.FromMinutes(15);

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, HttpContext http, ConvergioDb db, IPasswordHasher hasher, SessionService sessions, AttemptThrottle throttle,
        AuditLog audit, SecurityNotifier notifier, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        if (await throttle.TryTakeAsync(AttemptThrottle.ChangePasswordKey(userId), ChangePasswordAttempts, ChangePasswordWindow, cancellationToken) is { } wait)
        {
            return TooManyRequests.Problem(http, wait, "Too many password change attempts; try again later.");
        }

        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        if (await hasher.VerifyAsync(request.CurrentPassword ?? "", user.PasswordHash) == PasswordVerification.Failed)
        {
            return ApiProblems.Invalid("currentPassword", "Current password is incorrect.");
        }
        if (PasswordPolicy.Check(request.NewPassword, user.Email) is { } passwordError)
        {
            return ApiProblems.Invalid("newPassword", passwordError);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        user.PasswordHash = await hasher.HashAsync(request.NewPassword);
        user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await InvalidateResetTokensAsync(db, user.Id, user.UpdatedAt, cancellationToken);
        audit.Record(AuthAuditActions.PasswordChanged, targetType: "user", targetId: user.Id.ToString());
        await notifier.NotifyAsync(user, SecurityNotices.PasswordChanged);
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllAsync(user.Id, keep: http.User.FindSessionId(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem>> ForgotPasswordAsync(
        ForgotPasswordRequest request, HttpContext http, ConvergioDb db, PasswordResetSignal dispatch, TimeProvider time, CancellationToken cancellationToken)
    {
        var email = Emails.Normalize(request.Email);
        if (!Emails.IsValid(email))
        {
            return ApiProblems.Invalid("email", "Enter a valid email address.");
        }

        // The same single insert whatever the address, so the answer's timing does not tell whether an
        // account uses it (bench/login-timing.sh); the dispatcher looks the address up after the response.
        db.PasswordResetRequests.Add(new PasswordResetRequest
        {
            Id = Guid.NewGuid(),
            Email = email,
            RequestedAt = time.GetUtcNow().UtcDateTime,
            Ip = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = AuditLog.UserAgentOf(http),
            RequestId = http.TraceIdentifier,
        });
        await db.SaveChangesAsync(cancellationToken);
        dispatch.Notify();

        return TypedResults.Accepted((string?)null, new AcceptedResponse("If an account exists for this email, a reset link is on its way."));
    }

    internal static async Task<Results<NoContent, ValidationProblem>> ResetPasswordAsync(
        ResetPasswordRequest request, ConvergioDb db, IPasswordHasher hasher, SessionService sessions, AttemptThrottle throttle, LayeredRateLimiter limiter,
        EmailVerificationMailer verification, AuditLog audit, SecurityNotifier notifier, TimeProvider time, CancellationToken cancellationToken)
    {
        var invalid = ApiProblems.Invalid("token", "The reset link is invalid, expired or already used.");
        if (string.IsNullOrEmpty(request.Token))
        {
            return invalid;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var hash = SessionTokens.Hash(request.Token);
        var reset = await db.PasswordResetTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, cancellationToken);
        var user = reset is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == reset.UserId && u.DisabledAt == null, cancellationToken);
        if (user is null)
        {
            return invalid;
        }
        if (PasswordPolicy.Check(request.NewPassword, user.Email) is { } passwordError)
        {
            return ApiProblems.Invalid("newPassword", passwordError);
        }
        var passwordHash = await hasher.HashAsync(request.NewPassword, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Single use even under a race: the token is spent by a conditional update, not by the read above.
        if (!await db.PasswordResetTokens.Where(t => t.Id == reset!.Id).TrySpendAsync(t => t.UsedAt, now, cancellationToken))
        {
            return invalid;
        }
        user.PasswordHash = passwordHash;
        user.UpdatedAt = now;
        await InvalidateResetTokensAsync(db, user.Id, now, cancellationToken);

        // The link reached the mailbox, so the reset proves the address. If it was unproven until now,
        // whoever registered it first may have added ways to sign in: none of them survives.
        var factorsRemoved = user.EmailVerifiedAt is null ? await RemoveSignInFactorsAsync(db, user.Id, cancellationToken) : 0;
        user.EmailVerifiedAt ??= now;
        await verification.RevokeOutstandingAsync(user.Id, now, cancellationToken);
        // The owner is back in control: the penalty and the per-account count others ran up for this
        // address no longer hold them out (the rate-limit bucket is emptied once this commits).
        await throttle.ResetAsync(AttemptThrottle.LoginKey(user.Email), cancellationToken);

        audit.Record(AuthAuditActions.PasswordReset, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString(),
            data: factorsRemoved > 0 ? new { factorsRemoved } : null);
        await notifier.NotifyAsync(user, SecurityNotices.PasswordReset);
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllAsync(user.Id, keep: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await limiter.ResetAsync(RateLimitKeys.Account(user.Email), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Deletes every passkey, TOTP secret and recovery code of the user; how many there were.</summary>
    private static async Task<int> RemoveSignInFactorsAsync(ConvergioDb db, Guid userId, CancellationToken cancellationToken) =>
        await db.Passkeys.Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken)
        + await db.TotpCredentials.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken)
        + await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);

    // Every outstanding link dies when the password changes, by reset or by the user.
    private static async Task InvalidateResetTokensAsync(ConvergioDb db, Guid userId, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var token in await db.PasswordResetTokens.Where(t => t.UserId == userId && t.UsedAt == null).ToListAsync(cancellationToken))
        {
            token.UsedAt = now;
        }
    }
}
