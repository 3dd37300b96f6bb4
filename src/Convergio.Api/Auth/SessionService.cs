using Convergio.Api.Audit;
using Convergio.Api.Csrf;
using Convergio.Api.Data;
using Convergio.Api.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth;

/// <summary>Creates, finds and ends DB-backed sessions and writes their cookies.</summary>
public sealed class SessionService(
    ConvergioDb db,
    IOptions<AuthOptions> options,
    AuthCookies cookies,
    TimeProvider time,
    CsrfTokens csrf,
    DeviceCookies devices,
    SecurityMetrics metrics,
    SessionInvalidation invalidation)
{

    /// <summary>
    /// Ends the session the request arrived with, if any: signing in replaces it, so the old token
    /// (whoever else may hold it) stops working instead of lingering until it expires.
    /// Call inside the transaction that starts the new session.
    /// </summary>
    public async Task EndPresentedAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.User.FindSessionId() is not { } presented)
        {
            return;
        }
        var ended = await db.Sessions.Where(s => s.Id == presented).ExecuteDeleteAsync(cancellationToken);
        invalidation.SessionEnded(db, presented);
        metrics.SessionEnded(ended);
    }

    /// <summary>Ends the session <paramref name="sessionId"/> if it is <paramref name="userId"/>'s; whether it was.</summary>
    public async Task<bool> EndAsync(Guid sessionId, Guid userId, CancellationToken cancellationToken)
    {
        var ended = await db.Sessions.Where(s => s.Id == sessionId && s.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        invalidation.SessionEnded(db, sessionId);
        return ended > 0;
    }

    /// <summary>
    /// Adds a new session for <paramref name="user"/> to the unit of work. Always a fresh token:
    /// signing in never reuses an earlier session (no fixation). Call <see cref="SetCookies"/>
    /// once the unit of work is saved.
    /// </summary>
    public NewSession Start(HttpContext http, User user, string method = SessionMethods.Password)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = SessionTokens.New();
        var session = new Session
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            TokenHash = SessionTokens.Hash(token),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + options.Value.AbsoluteLifetime,
            Ip = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = AuditLog.UserAgentOf(http),
            Method = method,
            AuthenticatedAt = now,
            // The browser keeps its device id across sign-ins; a new one for a browser this account has not signed in from.
            DeviceId = devices.PresentedFor(http, user.Email) ?? Guid.NewGuid(),
        };
        db.Sessions.Add(session);
        return new NewSession(session, token, user.Email);
    }

    /// <summary>
    /// Replaces <paramref name="current"/> with a new session (new token, new id) authenticated by
    /// <paramref name="method"/>: a change of privilege never keeps a token that existed before it.
    /// </summary>
    /// <summary>
    /// The answer when a concurrent request on the same session (logout, another verification or
    /// reauthentication) ended or rotated it first: the cookie this request came with is no longer valid.
    /// </summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult EndedMeanwhile() =>
        ApiProblems.Unauthorized("This session ended in another request; sign in again.");

    public NewSession Rotate(HttpContext http, User user, Session current, string method)
    {
        db.Sessions.Remove(current);
        metrics.SessionEnded();
        var started = Start(http, user, method);
        started.Session.DeviceId = current.DeviceId ?? started.Session.DeviceId;
        return started;
    }

    /// <summary>
    /// Sets the session cookie and a CSRF token bound to the new session and, once the sign-in is
    /// complete (no second factor owed), the device cookie.
    /// </summary>
    public void SetCookies(HttpContext http, NewSession started)
    {
        http.Response.Cookies.Append(cookies.SessionCookieName, started.Token, cookies.Options(httpOnly: true));
        csrf.Issue(http, started.Session.Id, cookies.Options(httpOnly: false));
        if (!started.Session.SecondFactorPending && started.Session.DeviceId is { } deviceId)
        {
            devices.Issue(http, deviceId, started.Email);
        }
        metrics.SessionStarted();
    }

    /// <summary>Clears the session and CSRF cookies on the response.</summary>
    public void ClearCookies(HttpContext http)
    {
        http.Response.Cookies.Append(cookies.SessionCookieName, "", cookies.Expired(httpOnly: true));
        http.Response.Cookies.Append(AuthNames.CsrfCookie, "", cookies.Expired(httpOnly: false));
    }

    /// <summary>Ends every session of the user except <paramref name="keep"/>.</summary>
    public async Task<int> RevokeAllAsync(Guid userId, Guid? keep, CancellationToken cancellationToken)
    {
        var revoked = await db.Sessions.Where(s => s.UserId == userId && s.Id != keep).ExecuteDeleteAsync(cancellationToken);
        invalidation.UserChanged(db, userId);
        metrics.SessionEnded(revoked);
        return revoked;
    }
}

/// <summary>A session added to the unit of work, with the token its cookie will carry and its account's email (for the device cookie).</summary>
public sealed record NewSession(Session Session, string Token, string Email);
