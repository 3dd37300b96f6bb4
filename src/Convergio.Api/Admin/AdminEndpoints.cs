using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Auth.Notifications;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Data;
using Convergio.Api.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Admin;

/// <summary>
/// <c>/api/v1/admin</c>: platform administrators only, under the admin rate limit. Every call is audited,
/// and so is every refused attempt by a signed-in user who is not a platform administrator.
/// </summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapPlatformAdminGroup("/api/v1/admin").WithTags("Admin");
        admin.MapGet("/users", ListUsersAsync).AuditDenied(AdminAuditActions.UsersListed)
            .WithName("listUsers").WithSummary("List users")
            .WithDescription("Users, optionally by email, paged.");
        // Sensitive: account state and sessions.
        admin.MapPost("/users/{id:guid}/disable", DisableAsync).RequireRecentAuthentication().AuditDenied(AdminAuditActions.UserDisabled)
            .WithName("disableUser").WithSummary("Disable a user")
            .WithDescription("Disables the account and ends its sessions; 409 for your own account.").ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/users/{id:guid}/enable", EnableAsync).RequireRecentAuthentication().AuditDenied(AdminAuditActions.UserEnabled)
            .WithName("enableUser").WithSummary("Enable a user")
            .WithDescription("Lets a disabled account sign in again.");
        admin.MapDelete("/users/{id:guid}/sessions", RevokeSessionsAsync).RequireRecentAuthentication().AuditDenied(AdminAuditActions.UserSessionsRevoked)
            .WithName("revokeUserSessions").WithSummary("Revoke a user's sessions")
            .WithDescription("Ends every session of the user and says how many.");
        admin.MapGet("/audit", ReadAuditAsync).AuditDenied(AdminAuditActions.AuditRead)
            .WithName("searchAudit").WithSummary("Search the audit log")
            .WithDescription("Audit events across the platform by actor, organization, action and period, paged.").WithTags("Audit");
        return app;
    }

    private static async Task<Results<Ok<PagedList<AdminUserResponse>>, ValidationProblem>> ListUsersAsync(
        [AsParameters] UserSearch search, [AsParameters] PageRequest paging, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var errors = paging.Errors();
        if (search.Email?.Length > Emails.MaxLength)
        {
            errors["email"] = [$"email must be at most {Emails.MaxLength} characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search.Email))
        {
            // Stored emails are normalized, so a normalized fragment matches case-insensitively on both providers.
            var fragment = Emails.Normalize(search.Email);
            users = users.Where(u => u.Email.Contains(fragment));
        }
        var page = await users
            .OrderBy(u => u.Email)
            .Select(u => new AdminUserResponse(u.Id, u.Email, u.FullName, u.IsPlatformAdmin, u.DisabledAt, u.CreatedAt))
            .ToPageAsync(paging, cancellationToken);
        audit.Record(AdminAuditActions.UsersListed, data: new { search = search.Email is null ? null : "email", page = paging.Number });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> DisableAsync(
        Guid id, HttpContext http, ConvergioDb db, SessionService sessions, AuditLog audit, SecurityNotifier notifier, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (id == http.User.GetUserId())
        {
            return ApiProblems.Conflict("You cannot disable your own account.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return NoSuchUser();
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (user.DisabledAt is null)
        {
            await notifier.NotifyAsync(user, SecurityNotices.AccountDisabled, byTheOwner: false);
        }
        user.DisabledAt ??= now;
        user.UpdatedAt = now;
        // The session handler already refuses a disabled user's cookies; deleting the rows ends them for good.
        var revoked = await sessions.RevokeAllAsync(id, keep: null, cancellationToken);
        audit.Record(AdminAuditActions.UserDisabled, targetType: "user", targetId: id.ToString(), data: new { sessionsRevoked = revoked });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(AdminUserResponse.From(user));
    }

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> EnableAsync(
        Guid id, ConvergioDb db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        // A deleted account stays disabled: it is a tombstone, not a user.
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id && u.DeletedAt == null, cancellationToken);
        if (user is null)
        {
            return NoSuchUser();
        }
        user.DisabledAt = null;
        user.UpdatedAt = time.GetUtcNow().UtcDateTime;
        audit.Record(AdminAuditActions.UserEnabled, targetType: "user", targetId: id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(AdminUserResponse.From(user));
    }

    private static async Task<Results<Ok<SessionsRevokedResponse>, ProblemHttpResult>> RevokeSessionsAsync(
        Guid id, ConvergioDb db, SessionService sessions, AuditLog audit, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Users.AnyAsync(u => u.Id == id, cancellationToken))
        {
            return NoSuchUser();
        }
        var revoked = await sessions.RevokeAllAsync(id, keep: null, cancellationToken);
        audit.Record(AdminAuditActions.UserSessionsRevoked, targetType: "user", targetId: id.ToString(), data: new { count = revoked });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new SessionsRevokedResponse(revoked));
    }

    private static async Task<Results<Ok<PagedList<AuditEventResponse>>, ValidationProblem>> ReadAuditAsync(
        [AsParameters] AuditFilter filter, [AsParameters] PageRequest paging, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var result = await AuditSearch.FindAsync(db.AuditEvents.AsNoTracking(), filter, paging, cancellationToken);
        if (result.Result is Ok<PagedList<AuditEventResponse>>)
        {
            audit.Record(AdminAuditActions.AuditRead, orgId: filter.Org);
            await db.SaveChangesAsync(cancellationToken);
        }
        return result;
    }

    private static ProblemHttpResult NoSuchUser() => ApiProblems.NotFound("No such user.");
}
