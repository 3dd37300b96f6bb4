using System.Net;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>The sign-in page against the real API, in both topologies.</summary>
public abstract class SignInTests(Chromium chromium, SharedSystem site)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium, SameOriginSystem site) : SignInTests(chromium, site), IClassFixture<SameOriginSystem>;

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium, SplitSystem site) : SignInTests(chromium, site), IClassFixture<SplitSystem>;

    [Fact]
    public async Task A_password_signs_in_and_the_home_page_shows_the_signed_in_user()
    {
        var user = await TestUsers.RegisterAsync(site.Api);
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);

        await page.ExpectSignedInHomeAsync(site.Address, user);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_on_the_page_and_nobody_is_signed_in()
    {
        var user = await TestUsers.RegisterAsync(site.Api);
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user with { Password = "not-" + user.Password });

        await Expect(page.Locator("#password-form [role=alert]")).ToContainTextAsync("Invalid credentials");
        Assert.Equal(401, await Accounts.MeStatusAsync(page, site.Api));
    }

    [Fact]
    public async Task With_two_factor_on_the_password_is_followed_by_the_authenticator_code()
    {
        var user = await ApiSession.RegisterVerifiedAsync(site.Api);
        var totp = await EnableTotpAsync(user);
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);
        await page.GetByLabel("Authentication code").FillAsync(ConsolePages.NextTotpCode(totp.Secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

        await page.ExpectSignedInHomeAsync(site.Address, user);
        await Expect(page.Locator("[data-field=mfaEnabled]")).ToHaveTextAsync("On");
    }

    [Fact]
    public async Task With_two_factor_on_a_recovery_code_can_replace_the_authenticator_code()
    {
        var user = await ApiSession.RegisterVerifiedAsync(site.Api);
        var totp = await EnableTotpAsync(user);
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a recovery code instead" }).ClickAsync();
        await page.GetByLabel("Recovery code").FillAsync(totp.RecoveryCodes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

        await page.ExpectSignedInHomeAsync(site.Address, user);
    }

    [Fact]
    public async Task Signing_in_returns_to_the_local_page_that_asked_for_it_but_never_to_another_site()
    {
        var user = await TestUsers.RegisterAsync(site.Api);
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync("/sign-in?returnUrl=" + Uri.EscapeDataString("//evil.example/"));
        await page.SignInWithPasswordAsync(user);

        await page.ExpectSignedInHomeAsync(site.Address, user);
    }

    [Fact]
    public async Task The_keyboard_alone_signs_in()
    {
        var user = await TestUsers.RegisterAsync(site.Api);
        var page = await chromium.NewPageAsync(site.Address);
        await page.GotoAsync("/sign-in");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Create account" })).ToBeVisibleAsync();

        // Tab from the top of the page until the email field has focus (skip link and navigation come first).
        for (var presses = 0; presses < 10 && await page.EvaluateAsync<string>("document.activeElement.id") != "email"; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
        }
        await Expect(page.GetByLabel("Email")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(user.Email);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(user.Password);
        await page.Keyboard.PressAsync("Enter");

        await page.ExpectSignedInHomeAsync(site.Address, user);
    }

    [Fact]
    public async Task Sign_out_in_the_navigation_ends_the_session()
    {
        var user = await TestUsers.RegisterAsync(site.Api);
        var page = await chromium.NewPageAsync(site.Address);
        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);
        await page.ExpectSignedInHomeAsync(site.Address, user);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(site.Address, "/sign-in").ToString());
        await Expect(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Equal((int)HttpStatusCode.Unauthorized, await Accounts.MeStatusAsync(page, site.Api));
    }

    private async Task<(string Secret, IReadOnlyList<string> RecoveryCodes)> EnableTotpAsync(TestUser user)
    {
        using var session = await ApiSession.SignInAsync(site.Api, user);
        var secret = (await session.PostAsync("/api/v1/auth/mfa/totp/setup", new { })).GetProperty("secret").GetString()!;
        var confirmed = await session.PostAsync("/api/v1/auth/mfa/totp/confirm", new { code = ConsolePages.CurrentTotpCode(secret) });
        return (secret, confirmed.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList());
    }
}
