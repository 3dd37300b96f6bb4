using Convergio.Api.Audit;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth;

public static class AuthEndpoints
{
    private const string InvalidCredentials = "Invalid credentials";
    private const int MaxFullNameLength = 200;
    private const int ChangePasswordAttempts = 3;
    private static readonly TimeSpan ChangePasswordWindow = TimeSpan.FromMinutes(15);

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth");

        // Anonymous by design: account creation, sign-in and recovery (per-IP and per-account limits).
        auth.MapPost("/register", RegisterAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth);
        auth.MapPost("/login", LoginAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth);
        auth.MapPost("/forgot-password", ForgotPasswordAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth);
        auth.MapPost("/reset-password", ResetPasswordAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth);
        // A pending session gets a token bound to it, or mfa/verify would refuse the token.
        auth.MapGet("/csrf", IssueCsrf).AllowPublic().AllowWithPendingSecondFactor().RequireRateLimiting(RateLimitPolicies.General);

        // Everything else needs a live session.
        var signedIn = auth.MapGroup("").RequireAuthorization().RequireRateLimiting(RateLimitPolicies.General);
        signedIn.MapPost("/logout", LogoutAsync).AllowWithPendingSecondFactor();
        signedIn.MapGet("/me", MeAsync);
        signedIn.MapPost("/change-password", ChangePasswordAsync).RequireRecentAuthentication();
        signedIn.MapGet("/sessions", ListSessionsAsync);
        signedIn.MapDelete("/sessions/{id:guid}", RevokeSessionAsync);
        signedIn.MapPost("/sessions/revoke-others", RevokeOtherSessionsAsync);
        return app;
    }

    private static async Task<Results<Created<UserResponse>, Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, HttpContext http, ConvergioDb db, IPasswordHasher hasher, SessionService sessions, EmailVerificationMailer verification,
        Mailer mailer, AuditLog audit, IOptions<EmailVerificationOptions> emailVerification, IOptions<AuthOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var email = Emails.Normalize(request.Email);
        var errors = new Dictionary<string, string[]>();
        if (!Emails.IsValid(email))
        {
            errors["email"] = ["Enter a valid email address."];
        }
        if (PasswordPolicy.Check(request.Password, email) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }
        var fullName = string.IsNullOrWhiteSpace(request.FullName) ? null : request.FullName.Trim();
        if (fullName?.Length > MaxFullNameLength)
        {
            errors["fullName"] = [$"Full name must be at most {MaxFullNameLength} characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Hashed before the lookup, so a new and a taken address cost the same Argon2id work.
        var passwordHash = await hasher.HashAsync(request.Password, cancellationToken);
        var existing = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == email, cancellationToken);
        var quiet = emailVerification.Value.RequireVerifiedEmail;
        if (existing is not null)
        {
            if (!quiet)
            {
                return EmailTaken();
            }
            // The answer must not say the address has an account, so the owner hears of it by mail instead.
            mailer.Enqueue(existing.Email, "Someone tried to sign up to Convergio with your address",
                $"Someone, perhaps you, tried to create a Convergio account with this email address, which already has one.\n\nTo sign in:\n{options.Value.SignInUrl}\n\nForgot your password? Choose a new one here:\n{options.Value.ForgotPasswordUrl}\n\nIf it was not you, ignore this message; nothing changed on your account.");
            audit.Record(AuthAuditActions.RegisterExisting, AuditOutcomes.Failure, actorUserId: existing.Id, targetType: "user", targetId: existing.Id.ToString());
            await db.SaveChangesAsync(cancellationToken);
            return SignUpMailed();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Guid.NewGuid(),
            Email = email,
            FullName = fullName,
            PasswordHash = passwordHash,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        verification.IssueForNewUser(user);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // With verification required, following the mailed link and then signing in is the only way in:
        // a session here would let whoever typed the address use an account that may be someone else's.
        var session = quiet ? null : await StartReplacingAsync(http, sessions, user, cancellationToken);
        audit.Record(AuthAuditActions.Register, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // A concurrent registration won the unique index; nothing of this one is kept.
            return quiet ? SignUpMailed() : EmailTaken();
        }
        await transaction.CommitAsync(cancellationToken);

        if (session is null)
        {
            return SignUpMailed();
        }
        sessions.SetCookies(http, session);
        return TypedResults.Created("/api/v1/auth/me", UserResponse.From(user));
    }

    private static async Task<NewSession> StartReplacingAsync(HttpContext http, SessionService sessions, User user, CancellationToken cancellationToken)
    {
        await sessions.EndPresentedAsync(http, cancellationToken);
        return sessions.Start(http, user);
    }

    /// <summary>The one answer for a new and a taken address when verification is required.</summary>
    private static Accepted<AcceptedResponse> SignUpMailed() =>
        TypedResults.Accepted((string?)null, new AcceptedResponse("Check your inbox: we sent you a message to finish signing up."));

    private static ProblemHttpResult EmailTaken() =>
        ApiProblems.Conflict("An account with this email already exists.");

    private static async Task<IResult> LoginAsync(
        LoginRequest request, HttpContext http, ConvergioDb db, IPasswordHasher hasher, SessionService sessions, AttemptThrottle throttle,
        DeviceCookies devices, SecondFactors factors, AuditLog audit, SecurityMetrics metrics, IOptions<EmailVerificationOptions> emailVerification,
        TimeProvider time, CancellationToken cancellationToken)
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
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: InvalidCredentials);
        }

        // The password is right, so saying why reveals nothing new; until its mailbox answers, the account may be anyone's.
        if (emailVerification.Value.RequireVerifiedEmail && user.EmailVerifiedAt is null)
        {
            metrics.LoginAttempt("unverified");
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", type: AssuranceProblemTypes.EmailVerificationRequired,
                detail: "Verify your email address first: open the link we sent you, then sign in.");
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

    private static async Task<NoContent> LogoutAsync(HttpContext http, ConvergioDb db, SessionService sessions, AuditLog audit, SecurityMetrics metrics, CancellationToken cancellationToken)
    {
        var sessionId = http.User.FindSessionId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ended = await db.Sessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(cancellationToken);
        audit.Record(AuthAuditActions.Logout, targetType: "session", targetId: sessionId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.SessionEnded(ended);
        sessions.ClearCookies(http);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> MeAsync(HttpContext http, ConvergioDb db, SecondFactors factors, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        // Only when the account was deleted between authentication and this query.
        return user is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Sign in to use this endpoint.")
            : TypedResults.Ok(UserResponse.From(user, await factors.IsEnabledAsync(userId, cancellationToken)));
    }

    private static Ok<CsrfResponse> IssueCsrf(HttpContext http, CsrfTokens csrf) =>
        TypedResults.Ok(new CsrfResponse(csrf.Issue(http, http.User.FindSessionId())));

    private static async Task<IResult> ChangePasswordAsync(
        ChangePasswordRequest request, HttpContext http, ConvergioDb db, IPasswordHasher hasher, SessionService sessions, AttemptThrottle throttle,
        AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
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
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllAsync(user.Id, keep: http.User.FindSessionId(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<AcceptedResponse>, ValidationProblem>> ForgotPasswordAsync(
        ForgotPasswordRequest request, ConvergioDb db, Mailer mailer, AuditLog audit, IOptions<AuthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var email = Emails.Normalize(request.Email);
        if (!Emails.IsValid(email))
        {
            return ApiProblems.Invalid("email", "Enter a valid email address.");
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == email && u.DisabledAt == null, cancellationToken);
        if (user is not null)
        {
            var now = time.GetUtcNow().UtcDateTime;
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
            audit.Record(AuthAuditActions.PasswordResetRequested, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString());
        }
        else
        {
            // Recorded for monitoring, and so an unknown address costs a database write as a known one does (timing).
            audit.Record(AuthAuditActions.PasswordResetRequested, AuditOutcomes.Failure, data: new { reason = "unknown_account" });
        }
        await db.SaveChangesAsync(cancellationToken);

        return TypedResults.Accepted((string?)null, new AcceptedResponse("If an account exists for this email, a reset link is on its way."));
    }

    private static async Task<Results<NoContent, ValidationProblem>> ResetPasswordAsync(
        ResetPasswordRequest request, ConvergioDb db, IPasswordHasher hasher, SessionService sessions, AttemptThrottle throttle, LayeredRateLimiter limiter,
        EmailVerificationMailer verification, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
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
        if (await db.PasswordResetTokens.Where(t => t.Id == reset!.Id && t.UsedAt == null).ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, now), cancellationToken) == 0)
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

    private static async Task<Ok<List<SessionResponse>>> ListSessionsAsync(
        HttpContext http, ConvergioDb db, IOptions<AuthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var current = http.User.FindSessionId();
        var now = time.GetUtcNow().UtcDateTime;
        var idleCutoff = now - options.Value.IdleTimeout;
        // Only sessions that would still authenticate; dead ones wait for the purge.
        var list = await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.ExpiresAt > now && s.LastSeenAt > idleCutoff)
            .OrderByDescending(s => s.LastSeenAt)
            .Select(s => new SessionResponse(s.Id, s.CreatedAt, s.LastSeenAt, s.Ip, s.UserAgent, s.Id == current,
                s.Method, s.AuthenticatedAt, s.ReauthenticatedAt, s.SecondFactorPending, s.DeviceId))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(list);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessionAsync(
        Guid id, HttpContext http, ConvergioDb db, SessionService sessions, AuditLog audit, SecurityMetrics metrics, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Another user's session id matches nothing here, so it is indistinguishable from an unknown one.
        if (await db.Sessions.Where(s => s.Id == id && s.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return ApiProblems.NotFound("No such session.");
        }
        audit.Record(AuthAuditActions.SessionRevoked, targetType: "session", targetId: id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.SessionEnded();
        if (id == http.User.FindSessionId())
        {
            sessions.ClearCookies(http);
        }
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RevokeOtherSessionsAsync(HttpContext http, ConvergioDb db, SessionService sessions, AuditLog audit, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var revoked = await sessions.RevokeAllAsync(userId, keep: http.User.FindSessionId(), cancellationToken);
        audit.Record(AuthAuditActions.SessionRevoked, targetType: "user", targetId: userId.ToString(), data: new { scope = "others", count = revoked });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
