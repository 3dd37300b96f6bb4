using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth;

/// <summary>
/// Authenticates a request by its session cookie: the token's SHA-256 must name a session that
/// is inside its absolute lifetime and idle timeout, of a user who is not disabled. Sessions are
/// served from the <see cref="SessionCache"/> when it holds them (dropped on every change through
/// <see cref="SessionInvalidation"/>), else read with one compiled query. The sliding
/// <c>last_seen_at</c> is handed to the <see cref="LastSeenWriter"/> at most once a minute per
/// session, which writes it in batches. The session is the request's <see cref="CachedSession"/> feature.
/// A session still owing its second factor authenticates only on endpoints marked
/// <see cref="PendingSecondFactor.AllowWithPendingSecondFactor{TBuilder}"/> (verify, logout); everywhere
/// else it counts as no session at all, so no endpoint can forget to refuse it.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AuthCookies cookies,
    IOptions<AuthOptions> authOptions,
    SessionCache cache,
    LastSeenWriter lastSeen,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    private static readonly PerProviderQuery<Func<ConvergioDb, byte[], DateTime, CancellationToken, Task<SessionRow?>>> FindSession = new(() =>
        EF.CompileAsyncQuery((ConvergioDb db, byte[] hash, DateTime now, CancellationToken cancellationToken) => db.Sessions.AsNoTracking()
            .Where(s => s.TokenHash == hash && s.ExpiresAt > now && s.User!.DisabledAt == null)
            .Select(s => new SessionRow(
                s.Id,
                s.UserId,
                s.ExpiresAt,
                s.LastSeenAt,
                s.User!.IsPlatformAdmin,
                s.User.EmailVerifiedAt != null,
                s.Method,
                s.AuthenticatedAt,
                s.SecondFactorPending,
                // The profile GET /me answers with, so the page every client asks for first needs no query of its own.
                new UserResponse(s.UserId, s.User.Email, s.User.FullName, s.User.Tier, s.User.EmailVerifiedAt != null,
                    db.TotpCredentials.Any(t => t.UserId == s.UserId && t.ConfirmedAt != null), s.User.IsPlatformAdmin)))
            .SingleOrDefault()));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(cookies.SessionCookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var session = SessionTokenHash.TryCompute(token, out var hash)
            ? cache.Find(hash, now) ?? await LoadAsync(hash, now)
            : null;
        if (session is null)
        {
            return AuthenticateResult.Fail("Session is unknown, expired or revoked.");
        }
        if (session.SecondFactorPending && Context.GetEndpoint()?.Metadata.GetMetadata<PendingSecondFactorAllowed>() is null)
        {
            return AuthenticateResult.Fail("The session still owes its second factor.");
        }

        session.LastSeen = now;
        if (now - session.LastSeenWritten >= LastSeenWriter.Resolution)
        {
            session.LastSeenWritten = now;
            lastSeen.Record(session.Id, now);
        }
        Context.Features.Set(session);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(session.Claims, AuthNames.SessionScheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, AuthNames.SessionScheme));
    }

    /// <summary>Reads the session from the database and caches it, unless an invalidation happened while reading.</summary>
    private async Task<CachedSession?> LoadAsync(SessionTokenHash hash, DateTime now)
    {
        var generation = cache.Generation;
        // Asked for here, not injected: a request without a session, or with a cached one, builds no DbContext.
        var db = Context.RequestServices.GetRequiredService<ConvergioDb>();
        if (await FindSession.For(db)(db, hash.ToArray(), now, Context.RequestAborted) is not { } row)
        {
            return null;
        }
        // A use recorded here but not yet written counts for the idle timeout.
        var seen = lastSeen.Pending(row.Id) is { } pending && pending > row.LastSeenAt ? pending : row.LastSeenAt;
        var session = new CachedSession
        {
            Id = row.Id,
            UserId = row.UserId,
            ExpiresAt = row.ExpiresAt,
            SecondFactorPending = row.SecondFactorPending,
            Claims = Claims(row),
            Profile = row.Profile,
            LoadedAt = now,
            LastSeen = seen,
            LastSeenWritten = seen,
        };
        if (!session.IsValidAt(now, authOptions.Value.IdleTimeout))
        {
            return null;
        }
        cache.Add(hash, session, generation);
        return session;
    }

    private static Claim[] Claims(SessionRow row)
    {
        var claims = new List<Claim>
        {
            new(ConvergioClaims.UserId, row.UserId.ToString()),
            new(ConvergioClaims.SessionId, row.Id.ToString()),
        };
        if (row.SecondFactorPending)
        {
            claims.Add(new(ConvergioClaims.SecondFactorPending, "true"));
        }
        else
        {
            claims.Add(new(ConvergioClaims.AuthenticationMethod, row.Method));
            // A reauthentication rotates the session, so a session's AuthenticatedAt is its latest proof.
            claims.Add(new(ConvergioClaims.AuthenticatedAt, new DateTimeOffset(row.AuthenticatedAt).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
            if (row.EmailVerified)
            {
                claims.Add(new(ConvergioClaims.EmailVerified, "true"));
            }
            if (row.IsPlatformAdmin)
            {
                claims.Add(new(AuthNames.PlatformAdminClaim, "true"));
            }
        }
        return [.. claims];
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "Sign in to use this endpoint.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "You do not have permission to do this.");

    private Task WriteProblemAsync(int status, string detail) => ApiProblems.WriteAsync(Context, status, detail);

    private sealed record SessionRow(
        Guid Id,
        Guid UserId,
        DateTime ExpiresAt,
        DateTime LastSeenAt,
        bool IsPlatformAdmin,
        bool EmailVerified,
        string Method,
        DateTime AuthenticatedAt,
        bool SecondFactorPending,
        UserResponse Profile);
}
