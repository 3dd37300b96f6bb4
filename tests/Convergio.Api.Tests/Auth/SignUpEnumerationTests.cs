using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Auth;

/// <summary>With <c>Auth:RequireVerifiedEmail</c> on (the Production default), sign-up does not tell whether an address has an account.</summary>
public sealed class SignUpEnumerationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ConvergioFactory VerificationRequired(Db db) =>
        new(db, new Dictionary<string, string?> { ["Auth:RequireVerifiedEmail"] = "true" });

    private static Task<HttpResponseMessage> RegisterAsync(TestBrowser browser, string email, string password) =>
        browser.PostJsonAsync(AuthTestExtensions.RegisterPath, new { email, password, fullName = "Someone" });

    /// <summary>What a client can compare between two answers: status, body and header names (values such as Date differ anyway).</summary>
    private static async Task<string> ShapeAsync(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)} "
        + string.Join(",", response.Headers.Concat(response.Content.Headers).Select(h => h.Key.ToLowerInvariant()).Where(k => k != "date").Order());

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Sign_up_answers_a_new_and_a_taken_address_alike_with_202_and_no_session(Db db)
    {
        await using var factory = VerificationRequired(db);
        var existing = await factory.CreateSignedInUserAsync();
        using var first = factory.CreateBrowser();
        using var second = factory.CreateBrowser();
        var newEmail = AuthTestExtensions.NewEmail();

        var forNew = await RegisterAsync(first, newEmail, TestKeys.Password());
        var forTaken = await RegisterAsync(second, existing.Email, TestKeys.Password());

        Assert.Equal(HttpStatusCode.Accepted, forNew.StatusCode);
        Assert.Equal(await ShapeAsync(forNew), await ShapeAsync(forTaken));
        Assert.False(forNew.Headers.Contains("Set-Cookie"));
        Assert.False(forTaken.Headers.Contains("Set-Cookie"));
        Assert.Equal(0, await factory.WithDbAsync(d => d.Sessions.CountAsync(s => s.User!.Email == newEmail, Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_taken_address_is_mailed_sign_in_and_reset_links(Db db)
    {
        await using var factory = VerificationRequired(db);
        var existing = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();

        await RegisterAsync(browser, existing.Email, TestKeys.Password());

        var mail = await MailPickup.WaitForAsync(factory.MailDirectory, existing.Email, "tried to create a Convergio account");
        var links = factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        Assert.Contains(links.SignInUrl, mail, StringComparison.Ordinal);
        Assert.Contains(links.ForgotPasswordUrl, mail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(existing.Email, existing.Password)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_new_account_signs_in_only_after_its_link_is_followed_and_the_link_starts_no_session(Db db)
    {
        await using var factory = VerificationRequired(db);
        using var browser = factory.CreateBrowser();
        var email = AuthTestExtensions.NewEmail();
        var password = TestKeys.Password();
        Assert.Equal(HttpStatusCode.Accepted, (await RegisterAsync(browser, email, password)).StatusCode);

        Assert.Equal(ProblemTypes.EmailVerificationRequired, await ProblemAssert.TypeAsync(await browser.LoginAsync(email, password), HttpStatusCode.Forbidden));
        Assert.Null(browser.Cookie(AuthNames.SessionCookie));

        var token = await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, email, "/verify-email");
        var verified = await browser.PostJsonAsync("/api/v1/auth/verify-email", new { token });
        Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        Assert.Null(browser.Cookie(AuthNames.SessionCookie));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(email, password)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_unverified_account_with_a_wrong_password_gets_the_ordinary_401(Db db)
    {
        await using var factory = VerificationRequired(db);
        using var browser = factory.CreateBrowser();
        var email = AuthTestExtensions.NewEmail();
        await RegisterAsync(browser, email, TestKeys.Password());

        await (await browser.LoginAsync(email, "not-the-password")).IsProblemAsync(HttpStatusCode.Unauthorized);
    }
}
