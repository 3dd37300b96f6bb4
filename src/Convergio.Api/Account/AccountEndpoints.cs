using Convergio.Api.Admin;
using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Auth.StepUp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Account;

/// <summary>The account's lifecycle: moving it to another address, taking a copy of its data, deleting it.</summary>
public static class AccountEndpoints
{
    public static WebApplicationBuilder AddAccountLifecycle(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<AccountDeletion>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAccountLifecycle(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth");

        // Anonymous by design: the link may be opened in a browser without the session. The token is the proof.
        auth.MapPost("/email-change/confirm", EmailChangeEndpoints.ConfirmAsync).AllowPublic().RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("confirmEmailChange").WithSummary("Confirm a new email address")
            .WithDescription("Spends the token mailed to the new address: the account moves to it (verified), the old address is told, and every session but the one that asked for the change ends. 409 when another account took the address meanwhile (nothing changes).")
            .ProducesProblem(StatusCodes.Status409Conflict);

        var signedIn = auth.MapGroup("").RequireAuthorization().RequireRecentAuthentication();
        // Sends mail, so it shares the tight auth limits.
        signedIn.MapPost("/email-change", EmailChangeEndpoints.RequestAsync).RequireRateLimiting(RateLimitPolicies.Auth)
            .WithName("requestEmailChange").WithSummary("Ask to change the email address")
            .WithDescription("Mails a single-use confirmation link to the new address; nothing changes until it is followed. Answers 202 alike when another account uses the address (its mailbox is told instead).");
        signedIn.MapGet("/me/export", AccountExport.ExportAsync).RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("exportMe").WithSummary("Export my data")
            .WithDescription("Everything stored about the signed-in user as one JSON document: profile, sessions, memberships, provider keys (last 4 characters), second factors and passkeys (no secrets), and the audit events where the user acted or was acted on.");
        signedIn.MapDelete("/me", DeleteMeAsync).RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("deleteMe").WithSummary("Delete my account")
            .WithDescription("Erases the account: sessions, credentials, provider keys, memberships and invitations go, personal data is replaced by a tombstone, and audit events keep only the user's id. 409 `last-owner`, listing the organizations, while the user is the last owner of any.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ProblemTypes.LastOwner);

        var admin = app.MapPlatformAdminGroup("/api/v1/admin").WithTags("Admin");
        admin.MapDelete("/users/{id:guid}", DeleteUserAsync).RequireRecentAuthentication().AuditDenied(AdminAuditActions.UserDeleted)
            .WithName("deleteUser").WithSummary("Delete a user")
            .WithDescription("Erases the account as DELETE /api/v1/auth/me does, with a reason (required, at most 500 characters) kept in the audit trail; 409 `last-owner` listing the organizations while the user is the last owner of any, 409 for your own account.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ProblemTypes.LastOwner);
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMeAsync(
        HttpContext http, AccountDeletion deletion, SessionService sessions, CancellationToken cancellationToken)
    {
        var outcome = await deletion.DeleteAsync(http.User.GetUserId(), AccountAuditActions.Deleted, byTheOwner: true, reason: null, cancellationToken);
        if (outcome.Result == AccountDeletionResult.LastOwner)
        {
            return outcome.LastOwnerProblem();
        }
        sessions.ClearCookies(http);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteUserAsync(
        Guid id, [FromBody] DeleteUserRequest request, HttpContext http, AccountDeletion deletion, CancellationToken cancellationToken)
    {
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > DeleteUserRequest.MaxReasonLength)
        {
            return ApiProblems.Invalid("reason", $"Give the reason for the deletion, at most {DeleteUserRequest.MaxReasonLength} characters.");
        }
        if (id == http.User.GetUserId())
        {
            return ApiProblems.Conflict("Delete your own account with DELETE /api/v1/auth/me.");
        }
        var outcome = await deletion.DeleteAsync(id, AdminAuditActions.UserDeleted, byTheOwner: false, reason, cancellationToken);
        return outcome.Result switch
        {
            AccountDeletionResult.NotFound => ApiProblems.NotFound("No such user."),
            AccountDeletionResult.LastOwner => outcome.LastOwnerProblem(),
            _ => TypedResults.NoContent(),
        };
    }
}
