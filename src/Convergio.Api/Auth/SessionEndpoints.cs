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

/// <summary>The signed-in user's sessions: list them, end one, end all others.</summary>
internal static class SessionEndpoints
{
    internal static async Task<Ok<List<SessionResponse>>> ListSessionsAsync(
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

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessionAsync(
        Guid id, HttpContext http, ConvergioDb db, SessionService sessions, AuditLog audit, SecurityMetrics metrics, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Another user's session id matches nothing here, so it is indistinguishable from an unknown one.
        if (!await sessions.EndAsync(id, userId, cancellationToken))
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

    internal static async Task<NoContent> RevokeOtherSessionsAsync(HttpContext http, ConvergioDb db, SessionService sessions, AuditLog audit, CancellationToken cancellationToken)
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
