using Convergio.Api.Audit;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
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

/// <summary>The routes of account creation, sign-in, passwords and sessions; each flow's handlers live in their own file.</summary>
public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth");

        // Anonymous by design: account creation, sign-in and recovery (per-IP and per-account limits).
        auth.MapPost("/register", RegistrationEndpoints.RegisterAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("register").WithSummary("Create an account")
            .WithDescription("Creates an account from email and password. With email verification required (the Production default) it answers 202 alike for new and taken addresses and opens no session; otherwise 201 with the user and a session cookie, or 409 for a taken address.").ProducesProblem(StatusCodes.Status409Conflict);
        auth.MapPost("/login", SignInEndpoints.LoginAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("login").WithSummary("Sign in with email and password")
            .WithDescription("Checks the password and sets the session cookie. The body is the user, or `{ mfaRequired: true, methods }` when a second factor is owed: the session is then pending until POST /api/v1/auth/mfa/verify. Limited per client IP and per account.").ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblemType(StatusCodes.Status403Forbidden, ProblemTypes.EmailVerificationRequired);
        auth.MapPost("/forgot-password", PasswordEndpoints.ForgotPasswordAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("forgotPassword").WithSummary("Ask for a password reset link")
            .WithDescription("Mails a single-use reset link (valid 30 minutes) when an account exists; answers 202 alike either way.");
        auth.MapPost("/reset-password", PasswordEndpoints.ResetPasswordAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("resetPassword").WithSummary("Set a new password with a reset token")
            .WithDescription("Spends the mailed token, sets the new password and ends every session of the account.");
        // A pending session gets a token bound to it, or mfa/verify would refuse the token.
        auth.MapGet("/csrf", SignInEndpoints.IssueCsrf).AllowPublic().AllowWithPendingSecondFactor().RequireRateLimiting(RateLimitPolicies.General)
            .WithName("getCsrfToken").WithSummary("Get a CSRF token")
            .WithDescription("Issues the token to send in X-CSRF-Token on mutating requests, bound to the current session (also a pending one); fetch it again after sign-in, since the session changes.");

        // Everything else needs a live session.
        var signedIn = auth.MapGroup("").RequireAuthorization().RequireRateLimiting(RateLimitPolicies.General);
        signedIn.MapPost("/logout", SignInEndpoints.LogoutAsync).AllowWithPendingSecondFactor()
            .WithName("logout").WithSummary("Sign out")
            .WithDescription("Ends the current session and clears its cookies.");
        signedIn.MapGet("/me", SignInEndpoints.MeAsync)
            .WithName("getMe").WithSummary("Get the signed-in user")
            .WithDescription("The signed-in user, with whether a second factor is on.");
        signedIn.MapPatch("/me", ProfileEndpoints.UpdateMeAsync)
            .WithName("updateMe").WithSummary("Update my profile")
            .WithDescription("Sets the signed-in user's full name: trimmed, one line, at most 200 characters; empty clears it. Other fields are ignored (the email changes only through a confirmed address).");
        signedIn.MapPost("/change-password", PasswordEndpoints.ChangePasswordAsync).RequireRecentAuthentication()
            .WithName("changePassword").WithSummary("Change the password")
            .WithDescription("Checks the current password (3 attempts per 15 minutes, then 429), sets the new one and ends the other sessions.");
        signedIn.MapGet("/sessions", SessionEndpoints.ListSessionsAsync)
            .WithName("listSessions").WithSummary("List my sessions")
            .WithDescription("The signed-in user's live sessions, the current one marked.").WithTags("Sessions");
        signedIn.MapDelete("/sessions/{id:guid}", SessionEndpoints.RevokeSessionAsync)
            .WithName("revokeSession").WithSummary("Revoke one of my sessions")
            .WithDescription("Ends one of the signed-in user's sessions.").WithTags("Sessions");
        signedIn.MapPost("/sessions/revoke-others", SessionEndpoints.RevokeOtherSessionsAsync)
            .WithName("revokeOtherSessions").WithSummary("Revoke my other sessions")
            .WithDescription("Ends every session of the signed-in user except the current one.").WithTags("Sessions");
        return app;
    }
}
