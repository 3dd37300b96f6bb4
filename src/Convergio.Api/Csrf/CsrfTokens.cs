using System.Security.Cryptography;
using Convergio.Api.Secrets;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.Csrf;

/// <summary>
/// Signed double-submit tokens bound to the session: <c>nonce.HMAC(session id | nonce)</c>
/// with the signing key ring, so a token minted for one session is worthless in another and a
/// rotated key keeps verifying until it is removed from the ring.
/// </summary>
public sealed class CsrfTokens(SigningKeyRing keys)
{
    private const string Purpose = "csrf";

    /// <summary>
    /// Mints a token for <paramref name="sessionId"/> (none before sign-in) and sets the readable cookie
    /// with the session cookie's attributes (<paramref name="cookie"/>), so both live and die together.
    /// </summary>
    public string Issue(HttpContext http, Guid? sessionId, CookieOptions cookie)
    {
        var nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var token = $"{nonce}.{keys.Sign(Purpose, Bound(sessionId, nonce))}";
        http.Response.Cookies.Append(AuthNames.CsrfCookie, token, cookie);
        return token;
    }

    public bool IsValid(string token, Guid sessionId)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && keys.Verify(Purpose, Bound(sessionId, token[..dot]), token[(dot + 1)..]);
    }

    private static string Bound(Guid? sessionId, string nonce) => $"{sessionId?.ToString() ?? "anonymous"}|{nonce}";
}
