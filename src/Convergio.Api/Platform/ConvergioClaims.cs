using System.Security.Claims;

namespace Convergio.Api.Platform;

/// <summary>The claims a session principal carries.</summary>
public static class ConvergioClaims
{
    /// <summary>The user's id (a GUID).</summary>
    public const string UserId = ClaimTypes.NameIdentifier;

    /// <summary>The id of the session row (a GUID), never the token.</summary>
    public const string SessionId = "sid";

    /// <summary>How the session was authenticated (<see cref="SessionMethods"/>).</summary>
    public const string AuthenticationMethod = "amr";

    /// <summary>The latest (re)authentication of the session, Unix seconds.</summary>
    public const string AuthenticatedAt = "auth_time";

    /// <summary>Present ("true") when the user's email address is verified.</summary>
    public const string EmailVerified = "email_verified";

    /// <summary>Present ("true") on a session that still owes its second factor.</summary>
    public const string SecondFactorPending = "convergio:second_factor_pending";

    /// <summary>On an API token principal: the token's id (a GUID), never the token.</summary>
    public const string TokenId = "convergio:token_id";

    /// <summary>On an API token principal: one claim per scope the token holds.</summary>
    public const string TokenScope = "scope";

    /// <summary>On an organization-limited API token principal: the one organization it may reach.</summary>
    public const string TokenOrgId = "convergio:token_org";

    /// <summary>
    /// Present ("true") on an API token principal whose request also carried a session cookie: a browser
    /// may have attached that cookie, so CSRF protection still applies (and, with no session, refuses).
    /// </summary>
    public const string TokenWithSessionCookie = "convergio:token_with_session_cookie";

    public static Guid? FindUserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(UserId), out var id) ? id : null;

    /// <summary>For endpoints behind authorization, where a user is guaranteed.</summary>
    public static Guid GetUserId(this ClaimsPrincipal principal) =>
        principal.FindUserId() ?? throw new InvalidOperationException("No signed-in user on this request.");

    public static Guid? FindSessionId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionId), out var id) ? id : null;

    /// <summary>The API token that authenticated the request, or null for a session (or no one).</summary>
    public static Guid? FindTokenId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(TokenId), out var id) ? id : null;

    /// <summary>The organization an API token is limited to, or null (a session, or a token for every organization).</summary>
    public static Guid? FindTokenOrgId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(TokenOrgId), out var id) ? id : null;
}
