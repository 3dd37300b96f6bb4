using Convergio.Api.Audit;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.Passkeys;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Fido2NetLib;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.StepUp;

/// <summary>The password and code (when TOTP is on), or a passkey assertion from <c>/reauthenticate/passkey-options</c>.</summary>
public sealed record ReauthenticateRequest(string? Password, string? Code, AuthenticatorAssertionRawResponse? Passkey);

public static class ReauthenticationEndpoints
{
    public const string Reauthenticated = "auth.reauthenticated";

    public static IEndpointRouteBuilder MapStepUp(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.Auth);
        auth.MapPost("/reauthenticate", ReauthenticateAsync)
            .WithName("reauthenticate").WithSummary("Reauthenticate (step-up)")
            .WithDescription("Proves the user again (password and, with a second factor on, a code; or a passkey assertion) so sensitive actions are allowed for Auth:StepUpWindow; rotates the session.");
        auth.MapPost("/reauthenticate/passkey-options", PasskeyOptionsAsync)
            .WithName("reauthenticatePasskeyOptions").WithSummary("Get passkey options to reauthenticate")
            .WithDescription("WebAuthn assertion options for reauthenticating with a passkey.");
        return app;
    }

    private static async Task<Ok<AssertionOptions>> PasskeyOptionsAsync(HttpContext http, PasskeyCeremonies ceremonies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ceremonies.BeginAssertionAsync(WebAuthnPurposes.Reauthenticate, http.User.GetUserId(), cancellationToken));

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReauthenticateAsync(
        ReauthenticateRequest request, HttpContext http, ConvergioDb db, IPasswordHasher hasher, SecondFactors factors, PasskeyCeremonies ceremonies,
        SessionService sessions, AttemptThrottle throttle, AuditLog audit, IOptions<StepUpOptions> options, CancellationToken cancellationToken)
    {
        if (request.Passkey is null && string.IsNullOrEmpty(request.Password))
        {
            return ApiProblems.Invalid("password", "Give your password (and code), or use a passkey.");
        }

        var userId = http.User.GetUserId();
        // A stolen session must not become a password-guessing oracle: attempts are counted per user.
        if (await throttle.TryTakeAsync($"reauthenticate:{userId:N}", options.Value.ReauthenticationAttempts, options.Value.ReauthenticationAttemptWindow, cancellationToken) is { } wait)
        {
            return TooManyRequests.Problem(http, wait, "Too many reauthentication attempts; try again later.");
        }

        var session = await db.Sessions.Include(s => s.User).SingleOrDefaultAsync(s => s.Id == http.User.FindSessionId(), cancellationToken);
        if (session is null)
        {
            return SessionService.EndedMeanwhile();
        }
        var user = session.User!;
        string? method;
        string? failure = null;
        if (request.Passkey is not null)
        {
            var outcome = await ceremonies.CompleteAssertionAsync(WebAuthnPurposes.Reauthenticate, userId, request.Passkey, cancellationToken);
            method = outcome.Value is null ? null : SessionMethods.Passkey;
            failure = outcome.Failure;
            if (outcome.Value is { } passkey)
            {
                audit.Record(PasskeyAuditActions.Used, targetType: "passkey", targetId: passkey.Id.ToString(), data: new { purpose = WebAuthnPurposes.Reauthenticate });
            }
        }
        else if (await hasher.VerifyAsync(request.Password!, user.PasswordHash) == PasswordVerification.Failed)
        {
            method = null;
            failure = "wrong_password";
        }
        else if (await factors.IsEnabledAsync(userId, cancellationToken))
        {
            if (string.IsNullOrWhiteSpace(request.Code))
            {
                return ApiProblems.Invalid("code", SecondFactors.CodeMissing);
            }
            method = await factors.VerifyAsync(userId, request.Code, cancellationToken);
            failure = method is null ? "wrong_code" : null;
        }
        else
        {
            method = SessionMethods.Password;
        }

        if (method is null)
        {
            audit.Record(Reauthenticated, AuditOutcomes.Failure, targetType: "session", targetId: session.Id.ToString(), data: new { reason = failure });
            await db.SaveChangesAsync(cancellationToken);
            return ApiProblems.BadRequest("Reauthentication failed: the password, code or passkey was not accepted.");
        }

        // A session keeps the strongest assurance it has shown; the refreshed one gets a new token.
        var assurance = SessionMethods.IsMultiFactor(method) || !SessionMethods.IsMultiFactor(session.Method) ? method : session.Method;
        var started = sessions.Rotate(http, user, session, assurance);
        started.Session.ReauthenticatedAt = started.Session.AuthenticatedAt;
        audit.Record(Reauthenticated, targetType: "session", targetId: started.Session.Id.ToString(), data: new { method });
        if (method == SessionMethods.PasswordAndRecoveryCode)
        {
            audit.Record(MfaAuditActions.RecoveryCodeUsed, targetType: "user", targetId: userId.ToString());
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return SessionService.EndedMeanwhile();
        }
        sessions.SetCookies(http, started);
        return TypedResults.NoContent();
    }
}
