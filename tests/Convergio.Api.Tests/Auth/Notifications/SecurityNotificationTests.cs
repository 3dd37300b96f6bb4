using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Auth;
using Convergio.Api.Mail;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth.Notifications;

/// <summary>
/// The account's owner is mailed when its security changes: when, from where, and what to do if it was
/// not them. A notice is the only mail with an HTML part, and it carries no secret and no token.
/// </summary>
public sealed class SecurityNotificationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<List<OutboxEmail>> NoticesAsync(ConvergioFactory factory, string email) =>
        factory.WithDbAsync(d => d.OutboxEmails.Where(e => e.To == email && e.HtmlBody != null).OrderBy(e => e.CreatedAt).ToListAsync(Cancel));

    private static async Task<OutboxEmail> SingleNoticeAsync(ConvergioFactory factory, string email, string subjectPart) =>
        Assert.Single(await NoticesAsync(factory, email), n => n.Subject.Contains(subjectPart, StringComparison.Ordinal));

    private static void AssertCarriesNo(OutboxEmail notice, params string[] secrets)
    {
        Assert.All(secrets, secret =>
        {
            Assert.DoesNotContain(secret, notice.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, notice.HtmlBody!, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("token=", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", notice.HtmlBody!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_sign_in_from_a_browser_new_to_the_account_mails_when_from_where_and_what_to_do(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();
        browser.Client.DefaultRequestHeaders.UserAgent.ParseAdd("NoticeProbe/2.0");

        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(user.Email, user.Password)).StatusCode);

        var notice = await SingleNoticeAsync(factory, user.Email, "New sign-in");
        var options = factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        Assert.Contains(factory.Time.GetUtcNow().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains("NoticeProbe/2.0", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains(options.ForgotPasswordUrl, notice.TextBody, StringComparison.Ordinal);
        Assert.Contains(options.SessionsUrl, notice.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{options.SessionsUrl}\"", notice.HtmlBody, StringComparison.Ordinal);
        AssertCarriesNo(notice, user.Password);
    }

    [Fact]
    public async Task A_sign_in_from_a_browser_the_account_used_before_mails_nothing()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.LoginAsync(user.Email, user.Password)).StatusCode);

        Assert.Empty(await NoticesAsync(factory, user.Email));
    }

    [Fact]
    public async Task The_first_sign_in_from_the_browser_that_verified_the_address_mails_nothing()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Auth:RequireVerifiedEmail"] = "true" });
        using var browser = factory.CreateBrowser();
        var email = AuthTestExtensions.NewEmail();
        var password = TestKeys.Password();
        Assert.Equal(HttpStatusCode.Accepted, (await browser.PostJsonAsync(AuthTestExtensions.RegisterPath, new { email, password, fullName = "Test User" })).StatusCode);
        var token = await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, email, "/verify-email");
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostJsonAsync("/api/v1/auth/verify-email", new { token })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(email, password)).StatusCode);

        Assert.Empty(await NoticesAsync(factory, email));
    }

    [Fact]
    public async Task A_sign_in_owing_its_second_factor_is_announced_only_once_the_factor_is_verified()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);
        Assert.DoesNotContain(await NoticesAsync(factory, user.Email), n => n.Subject.Contains("New sign-in", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret) })).StatusCode);

        await SingleNoticeAsync(factory, user.Email, "New sign-in");
    }

    [Fact]
    public async Task A_passkey_sign_in_from_a_new_browser_is_announced()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        using var browser = factory.CreateBrowser();

        Assert.Equal(HttpStatusCode.OK, (await browser.SignInWithPasskeyAsync(authenticator)).StatusCode);

        await SingleNoticeAsync(factory, user.Email, "New sign-in");
    }

    [Fact]
    public async Task Changing_the_password_mails_the_owner_without_either_password()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var newPassword = TestKeys.Password();

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/change-password", new { currentPassword = user.Password, newPassword })).StatusCode);

        AssertCarriesNo(await SingleNoticeAsync(factory, user.Email, "password was changed"), user.Password, newPassword);
    }

    [Fact]
    public async Task A_password_reset_mails_the_owner_a_notice_without_the_reset_token()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await factory.RequestPasswordResetAsync(user.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await factory.ResetPasswordAsync(token, TestKeys.Password())).StatusCode);

        AssertCarriesNo(await SingleNoticeAsync(factory, user.Email, "password was reset"), token);
    }

    [Fact]
    public async Task Turning_on_two_step_verification_mails_the_owner_without_the_secret_or_codes()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();

        var totp = await factory.EnableTotpAsync(user);

        AssertCarriesNo(await SingleNoticeAsync(factory, user.Email, "turned on"), [totp.Secret, .. totp.RecoveryCodes]);
    }

    [Fact]
    public async Task Turning_off_two_step_verification_mails_the_owner()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteJsonAsync("/api/v1/auth/mfa/totp", new { code = factory.TotpCode(totp.Secret) })).StatusCode);

        await SingleNoticeAsync(factory, user.Email, "turned off");
    }

    [Fact]
    public async Task New_recovery_codes_are_announced_without_the_codes()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);

        var response = await user.Browser.PostJsonAsync("/api/v1/auth/mfa/recovery-codes", new { code = factory.TotpCode(totp.Secret) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var codes = (await ReadJsonAsync(response)).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        AssertCarriesNo(await SingleNoticeAsync(factory, user.Email, "New recovery codes"), codes);
    }

    [Fact]
    public async Task Signing_in_with_a_recovery_code_is_announced_with_how_many_remain()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);

        Assert.Equal(HttpStatusCode.OK, (await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = totp.RecoveryCodes[0] })).StatusCode);

        var notice = await SingleNoticeAsync(factory, user.Email, "recovery code was used");
        Assert.Contains($"{totp.RecoveryCodes.Count - 1} unused code(s) remain", notice.TextBody, StringComparison.Ordinal);
        AssertCarriesNo(notice, [.. totp.RecoveryCodes]);
    }

    [Fact]
    public async Task Adding_a_passkey_mails_the_owner_its_name()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();

        await user.Browser.RegisterPasskeyAsync(authenticator, "Work laptop");

        Assert.Contains("Work laptop", (await SingleNoticeAsync(factory, user.Email, "passkey was added")).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_a_passkey_mails_the_owner_its_name()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var passkey = await user.Browser.RegisterPasskeyAsync(authenticator, "Old phone");

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync($"/api/v1/auth/passkeys/{passkey}")).StatusCode);

        Assert.Contains("Old phone", (await SingleNoticeAsync(factory, user.Email, "passkey was removed")).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_an_account_mails_its_owner_without_the_administrators_address_or_browser()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var admin = await factory.CreatePlatformAdminAsync();
        admin.Browser.Client.DefaultRequestHeaders.UserAgent.ParseAdd("AdminConsole/9.9");

        Assert.Equal(HttpStatusCode.OK, (await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{user.Id}/disable", new { })).StatusCode);

        var notice = await SingleNoticeAsync(factory, user.Email, "was disabled");
        Assert.DoesNotContain("AdminConsole/9.9", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("IP address", notice.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_the_user_typed_is_html_encoded_in_the_html_part()
    {
        await using var factory = new ConvergioFactory();
        using var registration = factory.CreateBrowser();
        var email = AuthTestExtensions.NewEmail();
        var password = TestKeys.Password();
        Assert.Equal(HttpStatusCode.Created, (await registration.Client.PostAsJsonAsync("/api/v1/auth/register",
            new { email, password, fullName = "<img src=x onerror=alert(1)>" }, Cancel)).StatusCode);
        using var browser = factory.CreateBrowser();

        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(email, password)).StatusCode);

        var notice = await SingleNoticeAsync(factory, email, "New sign-in");
        Assert.DoesNotContain("<img", notice.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", notice.HtmlBody, StringComparison.Ordinal);
    }
}
