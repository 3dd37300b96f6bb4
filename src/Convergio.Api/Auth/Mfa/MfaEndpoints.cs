using System.Globalization;
using Convergio.Api.Auth.Notifications;
using Convergio.Api.Audit;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth.Mfa;

public static class MfaEndpoints
{
    private const int CodeAttempts = 5;
    private static readonly TimeSpan CodeAttemptWindow = TimeSpan.FromMinutes(15);

    public static IEndpointRouteBuilder MapMfa(this IEndpointRouteBuilder app)
    {
        var mfa = app.MapGroup("/api/v1/auth/mfa").WithTags("MFA");

        // The one thing a pending session (password right, second factor owed) exists for.
        mfa.MapPost("/verify", VerifyAsync)
            .RequireAuthorization()
            .AllowWithPendingSecondFactor()
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("verifySecondFactor").WithSummary("Complete sign-in with a second factor")
            .WithDescription("With the pending session of a sign-in, checks a TOTP code or a recovery code and turns it into a full session; five wrong codes end it (401).").ProducesProblem(StatusCodes.Status409Conflict);

        // Changing the second factor is sensitive: a full session, recently (re)authenticated.
        var manage = mfa.MapGroup("")
            .RequireAuthorization()
            .RequireRecentAuthentication()
            .RequireRateLimiting(RateLimitPolicies.Admin);
        // A second factor added before the address is proven would outlive its owner's password reset.
        manage.MapPost("/totp/setup", SetupAsync).RequireVerifiedEmail()
            .WithName("setupTotp").WithSummary("Start TOTP setup")
            .WithDescription("Returns a new authenticator secret, its otpauth URI and that URI as a QR code (an SVG data URL drawn on the server), to confirm with a code.").ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapPost("/totp/confirm", ConfirmAsync).RequireVerifiedEmail()
            .WithName("confirmTotp").WithSummary("Confirm TOTP setup")
            .WithDescription("Checks a code of the new authenticator, turns the second factor on and returns the recovery codes (shown once).").ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapDelete("/totp", DisableAsync)
            .WithName("disableTotp").WithSummary("Turn TOTP off")
            .WithDescription("Checks a current code, removes the authenticator and the recovery codes.").ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapPost("/recovery-codes", RegenerateRecoveryCodesAsync)
            .WithName("regenerateRecoveryCodes").WithSummary("Replace the recovery codes")
            .WithDescription("Checks a current code and returns new recovery codes (shown once); the old ones stop working.").ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> VerifyAsync(
        SecondFactorVerifyRequest request, HttpContext http, ConvergioDb db, TotpAuthenticator totp, SecondFactors factors, SessionService sessions,
        AuditLog audit, SecurityNotifier notifier, SecurityMetrics metrics, CancellationToken cancellationToken)
    {
        if (http.User.FindFirst(ConvergioClaims.SecondFactorPending) is null)
        {
            return ApiProblems.Conflict("This session has no second factor pending.");
        }
        var useRecoveryCode = !string.IsNullOrWhiteSpace(request.RecoveryCode);
        if (!useRecoveryCode && string.IsNullOrWhiteSpace(request.Code))
        {
            return ApiProblems.Invalid("code", SecondFactors.CodeMissing);
        }

        var sessionId = http.User.FindSessionId();
        var userId = http.User.GetUserId();
        // One of the attempts is taken before the code is checked, so parallel guesses cannot exceed them.
        var reserved = await db.Sessions
            .Where(s => s.Id == sessionId && s.SecondFactorPending && s.SecondFactorAttempts < PendingSecondFactor.MaxAttempts)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.SecondFactorAttempts, s => s.SecondFactorAttempts + 1), cancellationToken);
        var session = await db.Sessions.Include(s => s.User).SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is null)
        {
            return SessionService.EndedMeanwhile();
        }

        var method = reserved == 0 ? null
            : useRecoveryCode
                ? await factors.UseRecoveryCodeAsync(userId, request.RecoveryCode!, cancellationToken) ? SessionMethods.PasswordAndRecoveryCode : null
                : await totp.AcceptAsync(userId, request.Code, cancellationToken) ? SessionMethods.PasswordAndTotp : null;

        if (method is null)
        {
            var exhausted = session.SecondFactorAttempts >= PendingSecondFactor.MaxAttempts;
            audit.Record(MfaAuditActions.Failed, AuditOutcomes.Failure, targetType: "user", targetId: userId.ToString(),
                data: new { kind = useRecoveryCode ? "recovery" : "totp", attempt = session.SecondFactorAttempts, sessionEnded = exhausted });
            if (exhausted)
            {
                // Not a tracked removal: a parallel attempt or logout may have deleted the row already.
                await sessions.EndAsync(session.Id, userId, cancellationToken);
            }
            await db.SaveChangesAsync(cancellationToken);
            metrics.LoginAttempt("failed");
            if (exhausted)
            {
                metrics.SessionEnded();
                sessions.ClearCookies(http);
                return ApiProblems.Unauthorized("Too many wrong codes; sign in again.");
            }
            return ApiProblems.Unauthorized("The code is not valid.");
        }

        var user = session.User!;
        var started = sessions.Rotate(http, user, session, method);
        audit.Record(MfaAuditActions.Verified, targetType: "user", targetId: userId.ToString(), data: new { method });
        if (method == SessionMethods.PasswordAndRecoveryCode)
        {
            audit.Record(MfaAuditActions.RecoveryCodeUsed, targetType: "user", targetId: userId.ToString());
            var left = await db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, cancellationToken);
            await notifier.NotifyAsync(user, SecurityNotices.RecoveryCodeUsed, left.ToString(CultureInfo.InvariantCulture));
        }
        await notifier.NotifyIfNewDeviceAsync(http, user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return SessionService.EndedMeanwhile();
        }
        sessions.SetCookies(http, started);
        metrics.LoginAttempt("succeeded");
        return TypedResults.Ok(UserResponse.From(user, mfaEnabled: true));
    }

    private static async Task<Results<Ok<TotpSetupResponse>, ProblemHttpResult>> SetupAsync(
        HttpContext http, ConvergioDb db, TotpAuthenticator totp, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(cancellationToken);
        var credential = await db.TotpCredentials.SingleOrDefaultAsync(t => t.UserId == userId, cancellationToken);
        if (credential?.ConfirmedAt is not null)
        {
            return AlreadyEnabled();
        }

        // A new setup replaces an unconfirmed one: only the latest QR code will confirm.
        var secret = TotpAuthenticator.NewSecret();
        if (credential is null)
        {
            credential = new TotpCredential { UserId = userId, SecretCiphertext = totp.Protect(secret) };
            db.TotpCredentials.Add(credential);
        }
        else
        {
            credential.SecretCiphertext = totp.Protect(secret);
            credential.LastUsedTimeStep = null;
        }
        credential.CreatedAt = time.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return AlreadyEnabled();
        }
        var uri = TotpAuthenticator.ProvisioningUri(secret, email);
        return TypedResults.Ok(new TotpSetupResponse(secret, uri, TotpQrCode.DataUrl(uri)));
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        SecondFactorCodeRequest request, HttpContext http, ConvergioDb db, TotpAuthenticator totp, SecondFactors factors, SessionService sessions,
        AuditLog audit, SecurityNotifier notifier, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var credential = await db.TotpCredentials.AsNoTracking().SingleOrDefaultAsync(t => t.UserId == userId, cancellationToken);
        if (credential is null)
        {
            return ApiProblems.Conflict("Start with POST /api/v1/auth/mfa/totp/setup.");
        }
        if (credential.ConfirmedAt is not null)
        {
            return AlreadyEnabled();
        }
        if (totp.Match(credential, request.Code) is not { } step)
        {
            return InvalidCode();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        // Conditional on the secret that was checked: a concurrent setup or confirm makes this one lose.
        var confirmed = await db.TotpCredentials
            .Where(t => t.UserId == userId && t.ConfirmedAt == null && t.SecretCiphertext == credential.SecretCiphertext)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.ConfirmedAt, now).SetProperty(t => t.LastUsedTimeStep, step), cancellationToken);
        if (confirmed == 0)
        {
            return ApiProblems.Conflict("The authenticator changed meanwhile; start the setup again.");
        }
        var codes = await factors.ReplaceRecoveryCodesAsync(userId, cancellationToken);
        var session = await db.Sessions.Include(s => s.User).SingleAsync(s => s.Id == http.User.FindSessionId(), cancellationToken);
        // Sessions opened elsewhere with the password alone (perhaps by whoever else knows it) do not outlive the new factor.
        var othersEnded = await sessions.RevokeAllAsync(userId, keep: session.Id, cancellationToken);
        audit.Record(MfaAuditActions.Enabled, targetType: "user", targetId: userId.ToString(), data: new { otherSessionsEnded = othersEnded });
        await notifier.NotifyAsync(session.User!, SecurityNotices.TotpEnabled);

        // The code just proved the second factor: the session is upgraded, under a new token.
        var method = SessionMethods.IsMultiFactor(session.Method) ? session.Method : SessionMethods.PasswordAndTotp;
        var started = sessions.Rotate(http, session.User!, session, method);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessions.SetCookies(http, started);
        return TypedResults.Ok(new RecoveryCodesResponse(codes));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DisableAsync(
        [FromBody] SecondFactorCodeRequest request, HttpContext http, ConvergioDb db, SecondFactors factors, AttemptThrottle throttle, SessionService sessions,
        AuditLog audit, SecurityNotifier notifier, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        if (await CheckCodeAsync(http, request, factors, throttle, cancellationToken) is { } refused)
        {
            return refused is ValidationProblem invalid ? invalid : (ProblemHttpResult)refused;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.TotpCredentials.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        // As after a password change: a change to how the account signs in ends its other sessions.
        var othersEnded = await sessions.RevokeAllAsync(userId, keep: http.User.FindSessionId(), cancellationToken);
        audit.Record(MfaAuditActions.Disabled, targetType: "user", targetId: userId.ToString(), data: new { otherSessionsEnded = othersEnded });
        await notifier.NotifyAsync(userId, SecurityNotices.TotpDisabled);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem, ProblemHttpResult>> RegenerateRecoveryCodesAsync(
        SecondFactorCodeRequest request, HttpContext http, ConvergioDb db, SecondFactors factors, AttemptThrottle throttle, AuditLog audit,
        SecurityNotifier notifier, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        if (await CheckCodeAsync(http, request, factors, throttle, cancellationToken) is { } refused)
        {
            return refused is ValidationProblem invalid ? invalid : (ProblemHttpResult)refused;
        }

        var codes = await factors.ReplaceRecoveryCodesAsync(userId, cancellationToken);
        audit.Record(MfaAuditActions.RecoveryCodesRegenerated, targetType: "user", targetId: userId.ToString());
        await notifier.NotifyAsync(userId, SecurityNotices.RecoveryCodesRegenerated);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new RecoveryCodesResponse(codes));
    }

    /// <summary>TOTP must be on and the code right; attempts are limited per user so a stolen session cannot grind codes.</summary>
    /// <returns>Null when the code is right, else a <see cref="ValidationProblem"/> or a <see cref="ProblemHttpResult"/>.</returns>
    private static async Task<IResult?> CheckCodeAsync(
        HttpContext http, SecondFactorCodeRequest request, SecondFactors factors, AttemptThrottle throttle, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        if (!await factors.IsEnabledAsync(userId, cancellationToken))
        {
            return ApiProblems.Conflict("Two-factor authentication is not enabled.");
        }
        if (await throttle.TryTakeAsync(CodeAttemptsKey(userId), CodeAttempts, CodeAttemptWindow, cancellationToken) is { } wait)
        {
            return TooManyRequests.Problem(http, wait, "Too many code attempts; try again later.");
        }
        return await factors.VerifyAsync(userId, request.Code, cancellationToken) is null ? InvalidCode() : null;
    }

    internal static string CodeAttemptsKey(Guid userId) => $"mfa-code:{userId:N}";

    private static ProblemHttpResult AlreadyEnabled() =>
        ApiProblems.Conflict("Two-factor authentication is already enabled; disable it first.");

    private static ValidationProblem InvalidCode() =>
        ApiProblems.Invalid("code", "The code is not valid.");
}
