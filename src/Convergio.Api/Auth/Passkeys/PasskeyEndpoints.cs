using Convergio.Api.Auth.Notifications;
using Convergio.Api.Audit;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Data;
using Convergio.Api.Observability;
using Fido2NetLib;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth.Passkeys;

public static class PasskeyEndpoints
{
    public static IEndpointRouteBuilder MapPasskeys(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Passkeys");

        // Anonymous by design: signing in with a passkey (per-IP auth limits).
        auth.MapPost("/passkeys/login/options", LoginOptionsAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("passkeyLoginOptions").WithSummary("Get passkey sign-in options")
            .WithDescription("WebAuthn assertion options for signing in with a passkey.");
        auth.MapPost("/passkeys/login/complete", LoginCompleteAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("passkeyLogin").WithSummary("Sign in with a passkey")
            .WithDescription("Checks the WebAuthn assertion and sets a two-factor session cookie; 401 when it is not accepted.").ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapGet("/passkeys", ListAsync).RequireAuthorization().RequireRateLimiting(RateLimitPolicies.General)
            .WithName("listPasskeys").WithSummary("List my passkeys")
            .WithDescription("The signed-in user's passkeys.");
        // A name only tells the owner's passkeys apart: no new way in, so no recent sign-in is asked for.
        auth.MapPatch("/passkeys/{id:guid}", RenameAsync).RequireAuthorization().RequireRateLimiting(RateLimitPolicies.General)
            .WithName("renamePasskey").WithSummary("Rename a passkey")
            .WithDescription("Changes the name of one of the signed-in user's passkeys.");

        // Adding or removing a way to sign in is sensitive: recently (re)authenticated sessions only.
        var manage = auth.MapGroup("/passkeys")
            .RequireAuthorization()
            .RequireRecentAuthentication()
            .RequireRateLimiting(RateLimitPolicies.Admin);
        // A passkey added before the address is proven would outlive its owner's password reset.
        manage.MapPost("/register/options", RegisterOptionsAsync).RequireVerifiedEmail()
            .WithName("passkeyRegistrationOptions").WithSummary("Get passkey registration options")
            .WithDescription("WebAuthn creation options for adding a passkey.");
        manage.MapPost("/register/complete", RegisterCompleteAsync).RequireVerifiedEmail()
            .WithName("registerPasskey").WithSummary("Add a passkey")
            .WithDescription("Checks the WebAuthn attestation and stores the passkey; 409 when it is already registered.").ProducesProblem(StatusCodes.Status409Conflict);
        manage.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("deletePasskey").WithSummary("Remove a passkey")
            .WithDescription("Removes one of the signed-in user's passkeys.");
        return app;
    }

    private static async Task<Ok<CredentialCreateOptions>> RegisterOptionsAsync(HttpContext http, ConvergioDb db, PasskeyCeremonies ceremonies, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        return TypedResults.Ok(await ceremonies.BeginRegistrationAsync(user, cancellationToken));
    }

    private static async Task<Results<Created<PasskeyResponse>, ProblemHttpResult>> RegisterCompleteAsync(
        PasskeyRegistrationRequest request, HttpContext http, ConvergioDb db, PasskeyCeremonies ceremonies, AuditLog audit, SecurityNotifier notifier,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var outcome = await ceremonies.CompleteRegistrationAsync(userId, request.Credential, cancellationToken);
        if (outcome.Value is not { } credential)
        {
            audit.Record(PasskeyAuditActions.Registered, AuditOutcomes.Failure, targetType: "user", targetId: userId.ToString(), data: new { reason = outcome.Failure });
            await db.SaveChangesAsync(cancellationToken);
            return ApiProblems.BadRequest("The passkey could not be verified; start the registration again.");
        }

        var passkey = new Passkey
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            CredentialId = credential.Id,
            PublicKey = credential.PublicKey,
            SignCount = credential.SignCount,
            Name = PasskeyNames.Normalize(request.Name),
            AaGuid = credential.AaGuid,
            IsBackupEligible = credential.IsBackupEligible,
            IsBackedUp = credential.IsBackedUp,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Passkeys.Add(passkey);
        audit.Record(PasskeyAuditActions.Registered, targetType: "passkey", targetId: passkey.Id.ToString());
        await notifier.NotifyAsync(userId, SecurityNotices.PasskeyAdded, passkey.Name);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return ApiProblems.Conflict("This passkey is already registered.");
        }
        return TypedResults.Created($"/api/v1/auth/passkeys/{passkey.Id}", PasskeyResponse.From(passkey));
    }

    private static async Task<Ok<AssertionOptions>> LoginOptionsAsync(PasskeyCeremonies ceremonies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ceremonies.BeginAssertionAsync(WebAuthnPurposes.Login, userId: null, cancellationToken));

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> LoginCompleteAsync(
        AuthenticatorAssertionRawResponse response, HttpContext http, ConvergioDb db, PasskeyCeremonies ceremonies, SessionService sessions,
        SecondFactors factors, AuditLog audit, SecurityNotifier notifier, SecurityMetrics metrics, CancellationToken cancellationToken)
    {
        var outcome = await ceremonies.CompleteAssertionAsync(WebAuthnPurposes.Login, userId: null, response, cancellationToken);
        var user = outcome.Value is { } used
            ? await db.Users.SingleOrDefaultAsync(u => u.Id == used.UserId && u.DisabledAt == null, cancellationToken)
            : null;
        if (user is null)
        {
            audit.Record(AuthAuditActions.LoginFailed, AuditOutcomes.Failure, actorUserId: outcome.Value?.UserId,
                data: new { method = SessionMethods.Passkey, reason = outcome.Failure ?? "disabled" });
            await db.SaveChangesAsync(cancellationToken);
            metrics.LoginAttempt("failed");
            return ApiProblems.Unauthorized("Passkey sign-in failed.");
        }

        // As with a password: the session the request arrived with ends, whoever else holds its token.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await sessions.EndPresentedAsync(http, cancellationToken);
        var session = sessions.Start(http, user, SessionMethods.Passkey);
        audit.Record(PasskeyAuditActions.Used, actorUserId: user.Id, targetType: "passkey", targetId: outcome.Value!.Id.ToString(), data: new { purpose = WebAuthnPurposes.Login });
        audit.Record(AuthAuditActions.LoginSucceeded, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString(), data: new { method = SessionMethods.Passkey });
        await notifier.NotifyIfNewDeviceAsync(http, user);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessions.SetCookies(http, session);
        metrics.LoginAttempt("succeeded");
        return TypedResults.Ok(UserResponse.From(user, await factors.IsEnabledAsync(user.Id, cancellationToken)));
    }

    private static async Task<Ok<List<PasskeyResponse>>> ListAsync(HttpContext http, ConvergioDb db, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var passkeys = await db.Passkeys.AsNoTracking().Where(p => p.UserId == userId).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(passkeys.Select(PasskeyResponse.From).ToList());
    }

    private static async Task<Results<Ok<PasskeyResponse>, ValidationProblem, ProblemHttpResult>> RenameAsync(
        Guid id, PasskeyRenameRequest request, HttpContext http, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim() ?? "";
        if (PasskeyNames.Validate(name) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var userId = http.User.GetUserId();
        var passkey = await db.Passkeys.SingleOrDefaultAsync(p => p.Id == id && p.UserId == userId, cancellationToken);
        if (passkey is null)
        {
            return ApiProblems.NotFound("No such passkey.");
        }
        passkey.Name = name;
        audit.Record(PasskeyAuditActions.Renamed, targetType: "passkey", targetId: id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(PasskeyResponse.From(passkey));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext http, ConvergioDb db, AuditLog audit, SecurityNotifier notifier, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var passkey = await db.Passkeys.SingleOrDefaultAsync(p => p.Id == id && p.UserId == userId, cancellationToken);
        if (passkey is null)
        {
            return ApiProblems.NotFound("No such passkey.");
        }
        db.Passkeys.Remove(passkey);
        audit.Record(PasskeyAuditActions.Removed, targetType: "passkey", targetId: id.ToString());
        await notifier.NotifyAsync(userId, SecurityNotices.PasskeyRemoved, passkey.Name);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
