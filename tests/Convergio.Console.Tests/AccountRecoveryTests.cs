using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>Sign-up with its verification step, and forgot/reset password, through the mailed links.</summary>
public abstract class AccountRecoveryTests(Chromium chromium, SharedSystem site)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium, SameOriginSystem site) : AccountRecoveryTests(chromium, site), IClassFixture<SameOriginSystem>;

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium, SplitSystem site) : AccountRecoveryTests(chromium, site), IClassFixture<SplitSystem>;

    [Fact]
    public async Task Sign_up_asks_to_check_the_mail_and_its_link_verifies_the_address()
    {
        var user = TestUsers.New();
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/sign-up");
        await page.GetByLabel("Full name").FillAsync("Grace Tester");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your mail" })).ToBeVisibleAsync();
        await Expect(page.Locator("#check-mail")).ToContainTextAsync(user.Email);

        var token = await MailPickup.WaitForLinkTokenAsync(site.Api.MailDirectory, user.Email, "/verify-email");
        await page.GotoAsync($"/verify-email?token={token}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify my email" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email verified" })).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("[data-field=emailVerified]")).ToHaveTextAsync("Yes");
    }

    [Fact]
    public async Task A_verification_link_without_a_valid_token_says_so_next_to_nothing_else()
    {
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/verify-email?token=not-a-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify my email" }).ClickAsync();

        await Expect(page.Locator("#verify-form [role=alert]")).ToContainTextAsync("invalid, expired or already used");
    }

    [Fact]
    public async Task Forgot_password_mails_a_link_whose_page_sets_a_new_password_that_signs_in()
    {
        var user = await TestUsers.RegisterAsync(site.Api);
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/forgot-password");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your mail" })).ToBeVisibleAsync();

        var token = await MailPickup.WaitForLinkTokenAsync(site.Api.MailDirectory, user.Email, "/reset-password");
        var renewed = user with { Password = TestKeys.Password() };
        await page.GotoAsync($"/reset-password?token={token}");
        // The token leaves the address bar (history, screenshots, shoulder surfers) once the page has read it.
        await Expect(page).ToHaveURLAsync(new Uri(site.Address, "/reset-password").ToString());
        await page.GetByLabel("New password").FillAsync(renewed.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Password changed" })).ToBeVisibleAsync();

        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(renewed);
        await page.ExpectSignedInHomeAsync(site.Address, renewed);
    }

    [Fact]
    public async Task A_field_error_from_the_api_is_shown_next_to_its_field()
    {
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/sign-up");
        await page.GetByLabel("Email").FillAsync(TestUsers.New().Email);
        await page.GetByLabel("Password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        var password = page.GetByLabel("Password");
        await Expect(password).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#password-error")).ToContainTextAsync("at least 8 characters");
        await Expect(password).ToHaveAttributeAsync("aria-describedby", new System.Text.RegularExpressions.Regex("password-error"));
    }
}
