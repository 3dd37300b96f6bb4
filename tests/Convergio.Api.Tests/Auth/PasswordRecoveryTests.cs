using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Auth;

public sealed class PasswordRecoveryTests
{
    private static Task<string> RequestResetTokenAsync(ConvergioFactory factory, SignedInUser user) => factory.RequestPasswordResetAsync(user.Email);

    private static Task<HttpResponseMessage> ResetAsync(ConvergioFactory factory, string token, string newPassword) => factory.ResetPasswordAsync(token, newPassword);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Forgot_password_answers_202_with_the_same_body_whether_or_not_the_email_exists(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);

        var known = await browser.PostJsonAsync("/api/v1/auth/forgot-password", new { email = user.Email });
        var unknown = await browser.PostJsonAsync("/api/v1/auth/forgot-password", new { email = AuthTestExtensions.NewEmail() });

        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_reset_request_for_an_unknown_address_mails_that_no_account_uses_it_and_no_link()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);
        var email = AuthTestExtensions.NewEmail();

        Assert.Equal(HttpStatusCode.Accepted, (await browser.PostJsonAsync("/api/v1/auth/forgot-password", new { email })).StatusCode);

        var mail = await MailPickup.WaitForAsync(factory.MailDirectory, email);
        Assert.Contains("no account uses it", mail, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", mail, StringComparison.Ordinal);
        Assert.Equal(0, await factory.WithDbAsync(d => d.PasswordResetTokens.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Forgot_password_with_a_malformed_email_is_400()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostJsonAsync("/api/v1/auth/forgot-password", new { email = "nope" })).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_mailed_token_resets_the_password_and_ends_every_session(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestResetTokenAsync(factory, user);
        var newPassword = TestKeys.Password();

        Assert.Equal(HttpStatusCode.NoContent, (await ResetAsync(factory, token, newPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
        await factory.SignInAsync(user with { Password = newPassword });
    }

    [Fact]
    public async Task Only_the_hash_of_the_reset_token_is_stored()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestResetTokenAsync(factory, user);

        var stored = await factory.WithDbAsync(d => d.PasswordResetTokens.SingleAsync(TestContext.Current.CancellationToken));

        Assert.Equal(SessionTokens.Hash(token), stored.TokenHash);
    }

    [Fact]
    public async Task A_reset_token_works_once()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestResetTokenAsync(factory, user);
        Assert.Equal(HttpStatusCode.NoContent, (await ResetAsync(factory, token, TestKeys.Password())).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await ResetAsync(factory, token, TestKeys.Password())).StatusCode);
    }

    [Fact]
    public async Task A_reset_token_expires_after_30_minutes()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestResetTokenAsync(factory, user);

        factory.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(HttpStatusCode.BadRequest, (await ResetAsync(factory, token, TestKeys.Password())).StatusCode);
    }

    [Fact]
    public async Task A_successful_reset_invalidates_every_other_outstanding_token()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var first = await RequestResetTokenAsync(factory, user);
        var second = await RequestResetTokenAsync(factory, user);

        Assert.Equal(HttpStatusCode.NoContent, (await ResetAsync(factory, second, TestKeys.Password())).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await ResetAsync(factory, first, TestKeys.Password())).StatusCode);
    }

    [Fact]
    public async Task A_password_change_invalidates_outstanding_reset_tokens()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestResetTokenAsync(factory, user);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/change-password", new { currentPassword = user.Password, newPassword = TestKeys.Password() })).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await ResetAsync(factory, token, TestKeys.Password())).StatusCode);
    }

    [Fact]
    public async Task A_forged_token_is_400()
    {
        await using var factory = new ConvergioFactory();

        Assert.Equal(HttpStatusCode.BadRequest, (await ResetAsync(factory, SessionTokens.New(), TestKeys.Password())).StatusCode);
    }

    [Fact]
    public async Task Reset_applies_the_password_rules()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestResetTokenAsync(factory, user);

        Assert.Equal(HttpStatusCode.BadRequest, (await ResetAsync(factory, token, "password1")).StatusCode);
    }

    [Fact]
    public async Task Reset_request_and_reset_are_audited()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestResetTokenAsync(factory, user);
        await ResetAsync(factory, token, TestKeys.Password());

        var actions = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.ActorUserId == user.Id).Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken));

        Assert.Contains(AuthAuditActions.PasswordResetRequested, actions);
        Assert.Contains(AuthAuditActions.PasswordReset, actions);
        Assert.DoesNotContain(token, string.Join(" ", await factory.WithDbAsync(d => d.AuditEvents.Select(e => e.Data ?? "").ToListAsync(TestContext.Current.CancellationToken))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Two_concurrent_resets_with_one_token_succeed_once(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestResetTokenAsync(factory, user);
        var passwords = new[] { TestKeys.Password(), TestKeys.Password() };

        var answers = await Task.WhenAll(passwords.Select(p => ResetAsync(factory, token, p)));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.BadRequest], answers.Select(a => a.StatusCode).Order());
        var winner = passwords[Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.NoContent)];
        await factory.SignInAsync(user with { Password = winner });
        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == AuthAuditActions.PasswordReset && e.ActorUserId == user.Id, TestContext.Current.CancellationToken)));
    }
}
