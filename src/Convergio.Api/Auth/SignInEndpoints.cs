using Convergio.Api.Audit;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.Notifications;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Csrf;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
namespace Convergio.Api.Auth;

/// <summary>Password sign-in, sign-out, the signed-in user, and the CSRF token bound to the session.</summary>
internal static class SignInEndpoints
{
    private const string InvalidCredentials = "Invalid credentials";

    internal static async Task<Results<Ok<UserResponse>, Ok<SecondFactorRequiredResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, ConvergioDb db, IPasswordHasher hasher, SessionService sessions, AttemptThrottle throttle,
        DeviceCookies devices, SecondFactors factors, AuditLog audit, SecurityNotifier notifier, SecurityMetrics metrics,
        IOptions<EmailVerificationOptions> emailVerification, TimeProvider time, CancellationToken cancellationToken)
    {
        var email = Emails.Normalize(request.Email);
        var password = request.Password ?? "";
        // A browser the account signed in from before answers for its own failures only.
        var throttleKey = devices.PresentedFor(http, email) is { } deviceId ? AttemptThrottle.DeviceLoginKey(deviceId) : AttemptThrottle.LoginKey(email);

        // The penalty is checked before the password, so a correct guess during it gains nothing;
        // unknown emails collect penalties too, so a 429 says nothing about existence.
        if (await throttle.BlockedForAsync(throttleKey, cancellationToken) is { } wait)
        {
            metrics.LoginAttempt("locked");
            return TooManyRequests.Problem(http, wait, "Too many failed sign-in attempts; try again later.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, cancellationToken);
        // Unknown email: the same Argon2id work as a wrong password, so timing reveals nothing.
        var verification = await hasher.VerifyAsync(password, user?.PasswordHash ?? hasher.DummyHash, cancellationToken);
        if (user is null || user.DisabledAt is not null || verification == PasswordVerification.Failed)
        {
            await using var failure = await db.Database.BeginTransactionAsync(cancellationToken);
            await throttle.RecordLoginFailureAsync(throttleKey, cancellationToken);
            audit.Record(AuthAuditActions.LoginFailed, AuditOutcomes.Failure, actorUserId: user?.Id, targetType: "user", targetId: user?.Id.ToString(),
                data: new { reason = user is null ? "unknown_account" : user.DisabledAt is not null ? "disabled" : "wrong_password" });
            await db.SaveChangesAsync(cancellationToken);
            await failure.CommitAsync(cancellationToken);
            metrics.LoginAttempt("failed");
            return ApiProblems.Unauthorized(InvalidCredentials);
        }

        // The password is right, so saying why reveals nothing new; until its mailbox answers, the account may be anyone's.
        if (emailVerification.Value.RequireVerifiedEmail && user.EmailVerifiedAt is null)
        {
            metrics.LoginAttempt("unverified");
            return ApiProblems.Forbidden("Verify your email address first: open the link we sent you, then sign in.", ProblemTypes.EmailVerificationRequired);
        }

        if (verification == PasswordVerification.SucceededRehashNeeded)
        {
            // The stored cost is below today's options: upgrade it while the password is at hand.
            user.PasswordHash = await hasher.HashAsync(password, cancellationToken);
            user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await throttle.ResetAsync(throttleKey, cancellationToken);
        await sessions.EndPresentedAsync(http, cancellationToken);
        var session = sessions.Start(http, user);
        // With a second factor on, the password only opens a pending session that can verify it.
        var secondFactorOwed = await factors.IsEnabledAsync(user.Id, cancellationToken);
        if (secondFactorOwed)
        {
            PendingSecondFactor.MarkPending(session.Session);
        }
        else
        {
            await notifier.NotifyIfNewDeviceAsync(http, user);
        }
        audit.Record(AuthAuditActions.LoginSucceeded, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString(),
            data: secondFactorOwed ? new { secondFactor = "pending" } : null);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessions.SetCookies(http, session);
        if (secondFactorOwed)
        {
            return TypedResults.Ok(SecondFactorRequiredResponse.Totp);
        }
        metrics.LoginAttempt("succeeded");
        return TypedResults.Ok(UserResponse.From(user));
    }

    internal static async Task<NoContent> LogoutAsync(HttpContext http, ConvergioDb db, SessionService sessions, AuditLog audit, SecurityMetrics metrics, CancellationToken cancellationToken)
    {
        var sessionId = http.User.FindSessionId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ended = sessionId is { } id && await sessions.EndAsync(id, http.User.GetUserId(), cancellationToken);
        audit.Record(AuthAuditActions.Logout, targetType: "session", targetId: sessionId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.SessionEnded(ended ? 1 : 0);
        sessions.ClearCookies(http);
        return TypedResults.NoContent();
    }

    // A session's profile comes with it from the session cache; an API token's is read.
    private static readonly PerProviderQuery<Func<ConvergioDb, Guid, CancellationToken, Task<UserResponse?>>> FindMe = new(() =>
        EF.CompileAsyncQuery((ConvergioDb db, Guid userId, CancellationToken cancellationToken) => db.Users
            .Where(u => u.Id == userId)
            .Select(u => new UserResponse(u.Id, u.Email, u.FullName, u.Tier, u.EmailVerifiedAt != null,
                db.TotpCredentials.Any(t => t.UserId == u.Id && t.ConfirmedAt != null), u.IsPlatformAdmin))
            .SingleOrDefault()));

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> MeAsync(HttpContext http, ConvergioDb db, CancellationToken cancellationToken) =>
        // Null only when the account was deleted between authentication and this query.
        (http.Features.Get<CachedSession>()?.Profile ?? await FindMe.For(db)(db, http.User.GetUserId(), cancellationToken)) is { } me
            ? TypedResults.Ok(me)
            : ApiProblems.Unauthorized("Sign in to use this endpoint.");

    internal static Ok<CsrfResponse> IssueCsrf(HttpContext http, CsrfTokens csrf, AuthCookies cookies) =>
        TypedResults.Ok(new CsrfResponse(csrf.Issue(http, http.User.FindSessionId(), cookies.Options(httpOnly: false))));
}
