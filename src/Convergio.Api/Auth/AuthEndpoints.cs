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
        auth.MapPost("/register", RegistrationEndpoints.RegisterAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth);
        auth.MapPost("/login", SignInEndpoints.LoginAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth);
        auth.MapPost("/forgot-password", PasswordEndpoints.ForgotPasswordAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth);
        auth.MapPost("/reset-password", PasswordEndpoints.ResetPasswordAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth);
        // A pending session gets a token bound to it, or mfa/verify would refuse the token.
        auth.MapGet("/csrf", SignInEndpoints.IssueCsrf).AllowPublic().AllowWithPendingSecondFactor().RequireRateLimiting(RateLimitPolicies.General);

        // Everything else needs a live session.
        var signedIn = auth.MapGroup("").RequireAuthorization().RequireRateLimiting(RateLimitPolicies.General);
        signedIn.MapPost("/logout", SignInEndpoints.LogoutAsync).AllowWithPendingSecondFactor();
        signedIn.MapGet("/me", SignInEndpoints.MeAsync);
        signedIn.MapPost("/change-password", PasswordEndpoints.ChangePasswordAsync).RequireRecentAuthentication();
        signedIn.MapGet("/sessions", SessionEndpoints.ListSessionsAsync);
        signedIn.MapDelete("/sessions/{id:guid}", SessionEndpoints.RevokeSessionAsync);
        signedIn.MapPost("/sessions/revoke-others", SessionEndpoints.RevokeOtherSessionsAsync);
        return app;
    }
}
