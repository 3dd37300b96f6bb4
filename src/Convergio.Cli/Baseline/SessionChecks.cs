using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Convergio.Cli.Baseline;

/// <summary>
/// With a test account: the attributes of the session and CSRF cookies set at sign-in, and
/// CSRF enforcement on a mutating request that would otherwise be harmless (deleting a session
/// id that does not exist). The session is signed out at the end.
/// </summary>
internal sealed class SessionChecks(TimeProvider time) : ICheckGroup
{
    private static readonly TimeSpan MaxSessionLifetime = TimeSpan.FromDays(7);

    public IReadOnlyList<CheckDefinition> Checks =>
        [BaselineChecks.SessionCookie, BaselineChecks.CsrfCookie, BaselineChecks.CsrfMissingToken, BaselineChecks.CsrfMismatchedToken];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken)
    {
        if (probe.Target.Account is not { } account)
        {
            return Checks.Select(c => c.Skip("no --credentials-file given")).ToList();
        }
        if (probe.Target.ApiBase.Scheme != Uri.UriSchemeHttps)
        {
            // The test account's password never travels in clear.
            return Checks.Select(c => c.Fail("plain HTTP: not signed in, the test account is sent only over TLS")).ToList();
        }

        var login = await probe.SendAsync(HttpMethod.Post, ConvergioRoutes.Login,
            JsonSerializer.Serialize(new { email = account.Email, password = account.Password }), cancellationToken);
        if (login.Status != 200)
        {
            return Checks.Select(c => c.Fail($"signing in with the test account: {login}")).ToList();
        }

        var cookies = SetCookies(login);
        var session = cookies.FirstOrDefault(c => c.Name.Value != ConvergioRoutes.CsrfCookie && c.Name.Value!.Contains("session", StringComparison.OrdinalIgnoreCase))
                      ?? cookies.FirstOrDefault(c => c.Name.Value != ConvergioRoutes.CsrfCookie);
        if (session is null)
        {
            return Checks.Select(c => c.Fail($"{login}: no session cookie was set")).ToList();
        }
        if (!cookies.Any(IsCsrfCookie))
        {
            // Some deployments mint the CSRF token on request rather than at sign-in.
            cookies.AddRange(SetCookies(await probe.GetAsync(ConvergioRoutes.Csrf, cancellationToken, ("Cookie", CookieHeader([session])))));
        }
        var csrf = cookies.LastOrDefault(IsCsrfCookie);
        var sent = new[] { session, csrf }.OfType<SetCookieHeaderValue>().ToList();

        var results = new List<CheckResult> { SessionCookie(session), CsrfCookie(csrf) };
        var probePath = $"{ConvergioRoutes.Sessions}/{Guid.NewGuid()}";
        var missing = await probe.SendAsync(HttpMethod.Delete, probePath, null, cancellationToken, ("Cookie", CookieHeader(sent)));
        results.Add(missing.Status == 403
            ? BaselineChecks.CsrfMissingToken.Pass($"{missing} with the session cookie and no {ConvergioRoutes.CsrfHeader}")
            : BaselineChecks.CsrfMissingToken.Fail($"{missing} with the session cookie and no {ConvergioRoutes.CsrfHeader}; expected 403"));

        var forged = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var mismatched = await probe.SendAsync(HttpMethod.Delete, probePath, null, cancellationToken,
            ("Cookie", CookieHeader(sent)), (ConvergioRoutes.CsrfHeader, forged));
        results.Add(mismatched.Status == 403
            ? BaselineChecks.CsrfMismatchedToken.Pass($"{mismatched} with a {ConvergioRoutes.CsrfHeader} that does not match the cookie")
            : BaselineChecks.CsrfMismatchedToken.Fail($"{mismatched} with a {ConvergioRoutes.CsrfHeader} that does not match the cookie; expected 403"));

        await probe.SendAsync(HttpMethod.Post, ConvergioRoutes.Logout, null, cancellationToken,
            ("Cookie", CookieHeader(sent)), (ConvergioRoutes.CsrfHeader, csrf?.Value.Value ?? ""));
        return results;
    }

    private CheckResult SessionCookie(SetCookieHeaderValue cookie)
    {
        var problems = new List<string>();
        if (!cookie.Name.Value!.StartsWith("__Host-", StringComparison.Ordinal))
        {
            problems.Add("name lacks the __Host- prefix");
        }
        if (!cookie.HttpOnly)
        {
            problems.Add("not HttpOnly");
        }
        if (!cookie.Secure)
        {
            problems.Add("not Secure");
        }
        if (cookie.SameSite is not (SameSiteMode.Lax or SameSiteMode.Strict))
        {
            problems.Add($"SameSite is {(cookie.SameSite == SameSiteMode.Unspecified ? "absent" : cookie.SameSite.ToString())}");
        }
        var lifetime = cookie.MaxAge ?? (cookie.Expires - time.GetUtcNow());
        if (lifetime is null)
        {
            problems.Add("no Max-Age");
        }
        else if (lifetime > MaxSessionLifetime)
        {
            problems.Add($"lives {lifetime.Value.TotalDays:0.#} days, more than 7");
        }
        return BaselineChecks.SessionCookie.PassUnless(problems.Select(p => $"{Describe(cookie)}: {p}").ToList(), Describe(cookie));
    }

    private static CheckResult CsrfCookie(SetCookieHeaderValue? cookie)
    {
        if (cookie is null)
        {
            return BaselineChecks.CsrfCookie.Fail($"no {ConvergioRoutes.CsrfCookie} cookie at sign-in or from GET {ConvergioRoutes.Csrf}");
        }
        var problems = new List<string>();
        if (!cookie.Secure)
        {
            problems.Add("not Secure");
        }
        if (cookie.SameSite is not (SameSiteMode.Lax or SameSiteMode.Strict))
        {
            problems.Add($"SameSite is {(cookie.SameSite == SameSiteMode.Unspecified ? "absent" : cookie.SameSite.ToString())}");
        }
        return BaselineChecks.CsrfCookie.PassUnless(problems.Select(p => $"{Describe(cookie)}: {p}").ToList(), Describe(cookie));
    }

    private static bool IsCsrfCookie(SetCookieHeaderValue cookie) => cookie.Name.Value == ConvergioRoutes.CsrfCookie && cookie.Value.Value is { Length: > 0 };

    private static List<SetCookieHeaderValue> SetCookies(ProbeResponse response) =>
        SetCookieHeaderValue.TryParseList(response.Headers("Set-Cookie"), out var parsed) ? parsed.ToList() : [];

    private static string CookieHeader(IEnumerable<SetCookieHeaderValue> cookies) =>
        string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}"));

    /// <summary>The cookie's attributes without its value (a live credential).</summary>
    private static string Describe(SetCookieHeaderValue cookie) => new SetCookieHeaderValue(cookie.Name, "redacted")
    {
        Path = cookie.Path, Domain = cookie.Domain, MaxAge = cookie.MaxAge, Expires = cookie.Expires,
        Secure = cookie.Secure, HttpOnly = cookie.HttpOnly, SameSite = cookie.SameSite,
    }.ToString();
}
