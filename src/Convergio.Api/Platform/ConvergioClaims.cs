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

    public static Guid? FindUserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(UserId), out var id) ? id : null;

    /// <summary>For endpoints behind authorization, where a user is guaranteed.</summary>
    public static Guid GetUserId(this ClaimsPrincipal principal) =>
        principal.FindUserId() ?? throw new InvalidOperationException("No signed-in user on this request.");

    public static Guid? FindSessionId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionId), out var id) ? id : null;
}
