using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Edge;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Csrf;

/// <summary>
/// Refuses state-changing requests that a hostile site could forge:
/// (1) any mutating request whose Origin is neither this API nor an allowlisted frontend, or
/// that a browser marks <c>Sec-Fetch-Site: cross-site</c> without such an Origin — this covers
/// the public sign-in forms too (login CSRF);
/// (2) a mutating request with a session whose <c>X-CSRF-Token</c> header does not equal the
/// <c>csrf_token</c> cookie or does not verify for that session. Public endpoints carry no
/// session and are exempt from (2) by their <see cref="PublicEndpointMetadata"/>. A request an API
/// token authenticated is exempt from (2) only when it carries no session cookie: with a cookie a
/// browser could have attached it, so (2) applies and, having no session to bind to, refuses it.
/// </summary>
public sealed class CsrfMiddleware(RequestDelegate next, CsrfTokens tokens, TrustedOrigins origins, SecurityMetrics metrics)
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

        var sessionId = context.User.FindSessionId();
        var tokenWithCookie = context.User.HasClaim(ConvergioClaims.TokenWithSessionCookie, "true");
        if (context.GetEndpoint()?.IsPublic() == true || sessionId is null && !tokenWithCookie)
        {
            // No live session (or a token alone): nothing a browser could forge; authorization answers 401 where one is needed.
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
        if (sessionId is not { } id || !tokens.IsValid(cookie, id))
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
        // One detail for every refusal; the type tells a frontend whether to fetch a fresh token or give up.
        await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "CSRF token missing or invalid",
            reason == "origin" ? ProblemTypes.OriginNotAllowed : ProblemTypes.CsrfTokenInvalid);
    }
}
