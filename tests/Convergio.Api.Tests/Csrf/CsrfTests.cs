using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Convergio.Api.Tests.Infrastructure.AuthTestExtensions;

namespace Convergio.Api.Tests.Csrf;

public sealed class CsrfTests
{
    private const string CsrfPath = "/api/v1/auth/csrf";
    private const string Mutating = "/api/v1/auth/sessions/revoke-others";
    internal const string Rejection = "CSRF token missing or invalid";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostAsync(TestBrowser browser, string? header = null, string? origin = null, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Mutating);
        if (header is not null)
        {
            request.Headers.Add(AuthNames.CsrfHeader, header);
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }
        return browser.Client.SendAsync(request, Cancel);
    }

    private static async Task AssertRejectedAsync(HttpResponseMessage response) =>
        Assert.Equal(Rejection, await ProblemAssert.DetailAsync(response, HttpStatusCode.Forbidden));

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Csrf_endpoint_is_public_and_returns_the_token_it_sets_in_a_readable_lax_cookie(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();

        var response = await browser.Client.GetAsync(CsrfPath, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>(Cancel))!["token"];
        Assert.Equal(token, browser.Cookie(AuthNames.CsrfCookie));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_matching_header_and_cookie_bound_to_the_session_pass(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(user.Browser)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_token_refreshed_from_the_csrf_endpoint_while_signed_in_passes(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var before = user.Browser.Cookie(AuthNames.CsrfCookie);

        await user.Client.GetAsync(CsrfPath, Cancel);

        Assert.NotEqual(before, user.Browser.Cookie(AuthNames.CsrfCookie));
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(user.Browser)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_cookie_without_the_header_is_403(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        user.Browser.SendsCsrfHeader = false;

        await AssertRejectedAsync(await PostAsync(user.Browser));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_header_without_the_cookie_is_403(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var token = user.Browser.Cookie(AuthNames.CsrfCookie)!;
        user.Browser.DeleteCookie(AuthNames.CsrfCookie);

        await AssertRejectedAsync(await PostAsync(user.Browser, header: token));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_header_that_differs_from_the_cookie_is_403(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var stale = user.Browser.Cookie(AuthNames.CsrfCookie)!;
        await user.Client.GetAsync(CsrfPath, Cancel);

        await AssertRejectedAsync(await PostAsync(user.Browser, header: stale));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_token_minted_for_another_session_is_403_even_in_both_places(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var attacker = await factory.CreateSignedInUserAsync();
        using var victim = await factory.CreateSignedInUserAsync();
        var attackersToken = attacker.Browser.Cookie(AuthNames.CsrfCookie)!;
        victim.Browser.SetCookie(AuthNames.CsrfCookie, attackersToken);

        await AssertRejectedAsync(await PostAsync(victim.Browser, header: attackersToken));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_anonymous_token_is_worthless_once_signed_in(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var anonymous = factory.CreateBrowser();
        await anonymous.Client.GetAsync(CsrfPath, Cancel);
        var anonymousToken = anonymous.Cookie(AuthNames.CsrfCookie)!;
        user.Browser.SetCookie(AuthNames.CsrfCookie, anonymousToken);

        await AssertRejectedAsync(await PostAsync(user.Browser, header: anonymousToken));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_forged_token_is_403(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var nonce = user.Browser.Cookie(AuthNames.CsrfCookie)!.Split('.')[0];
        foreach (var forged in new[] { $"{nonce}.{WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32))}", nonce, "x", "." })
        {
            user.Browser.SetCookie(AuthNames.CsrfCookie, forged);
            await AssertRejectedAsync(await PostAsync(user.Browser, header: forged));
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_token_signed_with_a_rotated_key_still_verifies_and_dies_when_the_key_is_removed(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var configuration = factory.Services.GetRequiredService<IConfiguration>();
        var oldKey = configuration["Security:SigningKeys:0"];

        configuration["Security:SigningKeys:0"] = TestKeys.SigningKey();
        configuration["Security:SigningKeys:1"] = oldKey;
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(user.Browser)).StatusCode);

        configuration["Security:SigningKeys:1"] = null;
        await AssertRejectedAsync(await PostAsync(user.Browser));
    }

    [Fact]
    public async Task A_missing_token_is_refused_with_the_csrf_token_invalid_type()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        user.Browser.SendsCsrfHeader = false;

        Assert.Equal(ProblemTypes.CsrfTokenInvalid, await ProblemAssert.TypeAsync(await PostAsync(user.Browser), HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task A_hostile_origin_is_refused_with_the_origin_not_allowed_type()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(ProblemTypes.OriginNotAllowed, await ProblemAssert.TypeAsync(await PostAsync(user.Browser, origin: "https://evil.example"), HttpStatusCode.Forbidden));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_hostile_origin_is_403_even_with_a_valid_token(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();

        await AssertRejectedAsync(await PostAsync(user.Browser, origin: "https://evil.example"));
        await AssertRejectedAsync(await PostAsync(user.Browser, origin: "null"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_apis_own_origin_and_allowlisted_origins_pass(Db db)
    {
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["ALLOWED_ORIGINS"] = "https://app.example.test" });
        using var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(user.Browser, origin: "http://localhost")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(user.Browser, origin: "https://app.example.test", fetchSite: "cross-site")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Sec_fetch_site_cross_site_without_an_allowlisted_origin_is_403(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();

        await AssertRejectedAsync(await PostAsync(user.Browser, fetchSite: "cross-site"));
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(user.Browser, fetchSite: "same-origin")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_from_a_hostile_origin_is_403_and_signs_nobody_in(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var victim = factory.CreateBrowser();
        var request = new HttpRequestMessage(HttpMethod.Post, LoginPath) { Content = JsonContent.Create(new { email = user.Email, password = user.Password }) };
        request.Headers.Add("Origin", "https://evil.example");

        await AssertRejectedAsync(await victim.Client.SendAsync(request, Cancel));

        Assert.Null(victim.Cookie(AuthNames.SessionCookie));
        Assert.Equal(1, await factory.WithDbAsync(d => d.Sessions.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Public_endpoints_are_exempt_from_the_token_check_even_with_a_session_cookie(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        user.Browser.SendsCsrfHeader = false;

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.LoginAsync(user.Email, user.Password)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_mutating_request_without_a_session_cookie_is_not_csrf_checked_but_is_401(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();

        await ProblemAssert.IsProblemAsync(await PostAsync(browser), HttpStatusCode.Unauthorized);
    }
}
