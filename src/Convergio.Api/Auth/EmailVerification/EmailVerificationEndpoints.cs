using Convergio.Api.Audit;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth.EmailVerification;

public sealed record VerifyEmailRequest(string? Token);

public static class EmailVerificationEndpoints
{
    public const string Verified = "auth.email.verified";
    public const string VerificationSent = "auth.email.verification_sent";

    public static WebApplicationBuilder AddEmailVerification(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailVerificationOptions>()
            .Configure<IHostEnvironment>((options, environment) => options.RequireVerifiedEmail = environment.IsProduction())
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<EmailVerificationMailer>();
        builder.Services.AddSingleton<IAuthorizationHandler, VerifiedEmailHandler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapEmailVerification(this IEndpointRouteBuilder app)
    {
        // Anonymous by design: the link may be opened in a browser without the session.
        app.MapPost("/api/v1/auth/verify-email", VerifyAsync).WithTags("Auth").AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("verifyEmail").WithSummary("Verify the email address")
            .WithDescription("Spends the mailed verification token; works without a session (the link may open in another browser).");
        // Sends mail, so it shares the tight auth limits.
        app.MapPost("/api/v1/auth/verify-email/resend", ResendAsync).WithTags("Auth").RequireAuthorization().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("resendVerificationEmail").WithSummary("Send the verification mail again")
            .WithDescription("Mails a new verification link to the signed-in user; 409 when the address is already verified.").ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<NoContent, ValidationProblem>> VerifyAsync(
        VerifyEmailRequest request, HttpContext http, ConvergioDb db, DeviceCookies devices, AuditLog audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var invalid = ApiProblems.Invalid("token", "The verification link is invalid, expired or already used.");
        if (string.IsNullOrEmpty(request.Token))
        {
            return invalid;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var hash = SessionTokens.Hash(request.Token);
        var token = await db.EmailVerificationTokens.SingleOrDefaultAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, cancellationToken);
        // The link proves the address it was sent to; if the account's email changed since, it proves nothing.
        var user = token is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == token.UserId && u.Email == token.Email && u.DisabledAt == null, cancellationToken);
        if (token is null || user is null)
        {
            return invalid;
        }

        // Single use even under a race: the token is spent by a conditional update, not by a read-then-write.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.EmailVerificationTokens.Where(t => t.Id == token.Id).TrySpendAsync(t => t.UsedAt, now, cancellationToken))
        {
            return invalid;
        }
        user.EmailVerifiedAt ??= now;
        user.UpdatedAt = now;
        audit.Record(Verified, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // The browser that followed the link reads the account's mailbox: it is the owner's, so signing
        // in from it next (the usual step after sign-up) is not announced as a sign-in from a new device.
        if (devices.PresentedFor(http, user.Email) is null)
        {
            devices.Issue(http, Guid.NewGuid(), user.Email);
        }
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> ResendAsync(
        HttpContext http, ConvergioDb db, EmailVerificationMailer mailer, AuditLog audit, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        if (user.EmailVerifiedAt is not null)
        {
            return ApiProblems.Conflict("Your email address is already verified.");
        }
        await mailer.IssueAsync(user, cancellationToken);
        audit.Record(VerificationSent, targetType: "user", targetId: userId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted((string?)null);
    }
}
