using System.Security.Claims;
using System.Text.Encodings.Web;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Convergio.Api.Auth.Tokens;

/// <summary>
/// Authenticates <c>Authorization: Bearer cvg_…</c>: a well-formed token whose SHA-256 names a row
/// that has not expired, of a user who is not disabled. The principal is the user with only the
/// token's scopes (and organization): no session, no authentication method and no step-up clock, so
/// every session-only rule (CSRF binding, step-up, second factor, platform admin) refuses it.
/// The row is read on every request, so revoking (deleting it) or disabling the user acts at once.
/// Every refusal is 401 with <c>WWW-Authenticate: Bearer error="invalid_token"</c>.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ConvergioDb db,
    AuthCookies cookies,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string BearerPrefix = "Bearer ";

    /// <summary>last_used_at is written at most this often per token.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private static readonly PerProviderQuery<Func<ConvergioDb, byte[], DateTime, CancellationToken, Task<TokenRow?>>> FindToken = new(() =>
        EF.CompileAsyncQuery((ConvergioDb db, byte[] hash, DateTime now, CancellationToken cancellationToken) => db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.ExpiresAt > now && t.User!.DisabledAt == null)
            .Select(t => new TokenRow(t.Id, t.UserId, t.Scopes, t.OrgId, t.LastUsedAt, t.User!.EmailVerifiedAt != null))
            .SingleOrDefault()));

    /// <summary>True when the request presents a bearer credential (which this scheme, not the session cookie, then judges).</summary>
    public static bool IsPresented(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var token = header[BearerPrefix.Length..].Trim();
        if (!ApiTokenFormat.IsWellFormed(token))
        {
            return AuthenticateResult.Fail("The bearer token is not a Convergio API token.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (await FindToken.For(db)(db, ApiTokenFormat.Hash(token), now, Context.RequestAborted) is not { } row)
        {
            return AuthenticateResult.Fail("The API token is unknown, expired or revoked.");
        }
        if (row.LastUsedAt is not { } used || now - used >= LastUsedResolution)
        {
            await db.ApiTokens.Where(t => t.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ConvergioClaims.UserId, row.UserId.ToString()),
            new(ConvergioClaims.TokenId, row.Id.ToString()),
        };
        claims.AddRange(row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(scope => new Claim(ConvergioClaims.TokenScope, scope)));
        if (row.OrgId is { } orgId)
        {
            claims.Add(new(ConvergioClaims.TokenOrgId, orgId.ToString()));
        }
        if (Request.Cookies.ContainsKey(cookies.SessionCookieName))
        {
            claims.Add(new(ConvergioClaims.TokenWithSessionCookie, "true"));
        }
        if (row.EmailVerified)
        {
            claims.Add(new(ConvergioClaims.EmailVerified, "true"));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, AuthNames.TokenScheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, AuthNames.TokenScheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer error=\"invalid_token\"";
        return ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "The API token is missing, malformed, unknown, expired or revoked, or its user is disabled.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "You do not have permission to do this.");

    private sealed record TokenRow(Guid Id, Guid UserId, string Scopes, Guid? OrgId, DateTime? LastUsedAt, bool EmailVerified);
}
