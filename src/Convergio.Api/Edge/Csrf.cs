using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Auth;
using Convergio.Api.Observability;
using Convergio.Api.Secrets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.Edge;

/// <summary>
/// Signed double-submit tokens bound to the session: <c>nonce.HMAC(session id | nonce)</c>
/// with the signing key ring, so a token minted for one session is worthless in another and a
/// rotated key keeps verifying until it is removed from the ring.
/// </summary>
public sealed class CsrfTokens(SigningKeyRing keys, AuthCookies cookies)
{
    private const string Purpose = "csrf";

    /// <summary>Mints a token for <paramref name="sessionId"/> (none before sign-in) and sets the readable cookie.</summary>
    public string Issue(HttpContext http, Guid? sessionId)
    {
        var nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var token = $"{nonce}.{keys.Sign(Purpose, Bound(sessionId, nonce))}";
        http.Response.Cookies.Append(AuthNames.CsrfCookie, token, cookies.Options(httpOnly: false));
        return token;
    }

    public bool IsValid(string token, Guid sessionId)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && keys.Verify(Purpose, Bound(sessionId, token[..dot]), token[(dot + 1)..]);
    }

    private static string Bound(Guid? sessionId, string nonce) => $"{sessionId?.ToString() ?? "anonymous"}|{nonce}";
}

/// <summary>
/// Refuses state-changing requests that a hostile site could forge:
/// (1) any mutating request whose Origin is neither this API nor an allowlisted frontend, or
/// that a browser marks <c>Sec-Fetch-Site: cross-site</c> without such an Origin — this covers
/// the public sign-in forms too (login CSRF);
/// (2) a mutating request with a session whose <c>X-CSRF-Token</c> header does not equal the
/// <c>csrf_token</c> cookie or does not verify for that session. Public endpoints carry no
/// session and are exempt from (2) by their <see cref="PublicEndpointMetadata"/>.
/// </summary>
public sealed class CsrfProtection(RequestDelegate next, CsrfTokens tokens, AuthCookies cookies, TrustedOrigins origins, SecurityMetrics metrics, IProblemDetailsService problems)
{

    public async Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        {
            await next(context);
            return;
        }

        if (!FromAllowedOrigin(context.Request))
        {
            await RejectAsync(context, "origin");
            return;
        }

        if (context.GetEndpoint()?.IsPublic() == true
            || !context.Request.Cookies.ContainsKey(cookies.SessionCookieName)
            || context.User.FindSessionId() is not { } sessionId)
        {
            // No live session: nothing to forge; authorization answers 401 where one is needed.
            await next(context);
            return;
        }

        var header = context.Request.Headers[AuthNames.CsrfHeader].ToString();
        var cookie = context.Request.Cookies[AuthNames.CsrfCookie] ?? "";
        if (header.Length == 0 || cookie.Length == 0)
        {
            await RejectAsync(context, "missing");
            return;
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(cookie)))
        {
            await RejectAsync(context, "mismatch");
            return;
        }
        if (!tokens.IsValid(cookie, sessionId))
        {
            await RejectAsync(context, "invalid");
            return;
        }
        await next(context);
    }

    private bool FromAllowedOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return origins.IsTrusted(request, origin);
        }
        return !string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase);
    }

    private async Task RejectAsync(HttpContext context, string reason)
    {
        metrics.CsrfRejected(reason);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = "CSRF token missing or invalid",
            },
        });
    }
}

public static class CsrfExtensions
{
    public static IApplicationBuilder UseCsrfProtection(this IApplicationBuilder app) => app.UseMiddleware<CsrfProtection>();
}
