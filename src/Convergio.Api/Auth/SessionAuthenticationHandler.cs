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
/// is inside its absolute lifetime and idle timeout, of a user who is not disabled. The sliding
/// <c>last_seen_at</c> is written at most once a minute per session, not on every request.
/// A session still owing its second factor authenticates only on endpoints marked
/// <see cref="PendingSecondFactor.AllowWithPendingSecondFactor{TBuilder}"/> (verify, logout); everywhere
/// else it counts as no session at all, so no endpoint can forget to refuse it.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConvergioDb db,
    AuthCookies cookies,
    IOptions<AuthOptions> authOptions,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(cookies.SessionCookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = SessionTokens.Hash(token);
        var now = time.GetUtcNow().UtcDateTime;
        var idleCutoff = now - authOptions.Value.IdleTimeout;
        var found = await db.Sessions.AsNoTracking()
            .Where(s => s.TokenHash == hash && s.ExpiresAt > now && s.LastSeenAt > idleCutoff && s.User!.DisabledAt == null)
            .Select(s => new
            {
                s.Id,
                s.UserId,
                s.LastSeenAt,
                s.User!.IsPlatformAdmin,
                EmailVerified = s.User.EmailVerifiedAt != null,
                s.Method,
                s.AuthenticatedAt,
                s.SecondFactorPending,
            })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("Session is unknown, expired or revoked.");
        }
        if (found.SecondFactorPending && Context.GetEndpoint()?.Metadata.GetMetadata<PendingSecondFactorAllowed>() is null)
        {
            return AuthenticateResult.Fail("The session still owes its second factor.");
        }

        if (now - found.LastSeenAt >= LastSeenResolution)
        {
            await db.Sessions.Where(s => s.Id == found.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ConvergioClaims.UserId, found.UserId.ToString()),
            new(ConvergioClaims.SessionId, found.Id.ToString()),
        };
        if (found.SecondFactorPending)
        {
            claims.Add(new(ConvergioClaims.SecondFactorPending, "true"));
        }
        else
        {
            claims.Add(new(ConvergioClaims.AuthenticationMethod, found.Method));
            // A reauthentication rotates the session, so a session's AuthenticatedAt is its latest proof.
            claims.Add(new(ConvergioClaims.AuthenticatedAt, new DateTimeOffset(found.AuthenticatedAt).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
            if (found.EmailVerified)
            {
                claims.Add(new(ConvergioClaims.EmailVerified, "true"));
            }
            if (found.IsPlatformAdmin)
            {
                claims.Add(new(AuthNames.PlatformAdminClaim, "true"));
            }
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, AuthNames.Scheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, AuthNames.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "Sign in to use this endpoint.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "You do not have permission to do this.");

    private Task WriteProblemAsync(int status, string detail) => ApiProblems.WriteAsync(Context, status, detail);
}
