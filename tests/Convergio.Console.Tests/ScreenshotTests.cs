using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>Writes docs/console/*.png (README, section Console): the main foundation pages as a person sees them.</summary>
[Collection(Chromium.Collection)]
public sealed class ScreenshotTests(Chromium chromium, SameOriginSystem site) : IClassFixture<SameOriginSystem>
{
    [Fact]
    public async Task Screenshots_of_the_main_pages_are_written_to_docs_console()
    {
        var folder = Screenshots.Folder();
        var user = new TestUser("ada@example.test", TestKeys.Password());
        var page = await chromium.NewPageAsync(site.Address);
        await page.SetViewportSizeAsync(1200, 800);

        await ShootAsync(page, "/sign-up", folder, "sign-up");
        await page.GetByLabel("Full name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your mail" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "sign-up-check-mail.png") });
        // Sign-up opened a session (Development needs no verification first); the next page's navigation offers sign-out.
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(site.Address, "/sign-in").ToString());

        await ShootAsync(page, "/sign-in", folder, "sign-in");
        await page.SignInWithPasswordAsync(user with { Password = "wrong-" + user.Password });
        await Expect(page.Locator("#password-form [role=alert]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "sign-in-error.png") });
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.ExpectSignedInHomeAsync(site.Address, user);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "home.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(site.Address, "/sign-in").ToString());

        await ShootAsync(page, "/forgot-password", folder, "forgot-password");
        await ShootAsync(page, "/reset-password?token=sample", folder, "reset-password");

        string[] written = ["sign-up", "sign-up-check-mail", "sign-in", "sign-in-error", "home", "forgot-password", "reset-password"];
        Assert.All(written, name => Assert.True(new FileInfo(Path.Combine(folder, name + ".png")).Length > 1000, name));
    }

    private static async Task ShootAsync(IPage page, string path, string folder, string name)
    {
        await page.GotoAsync(path);
        await Expect(page.Locator("nav li:not([hidden])").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png") });
    }
}
