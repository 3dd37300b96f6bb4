using OtpNet;

namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>What a person does on console pages, in the words the pages show.</summary>
public static class ConsolePages
{
    public static async Task SignInWithPasswordAsync(this IPage page, TestUser user)
    {
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Waits for the home page to greet the signed-in user.</summary>
    public static async Task ExpectSignedInHomeAsync(this IPage page, Uri site, TestUser user)
    {
        await Expect(page).ToHaveURLAsync(new Uri(site, "/").ToString());
        await Expect(page.Locator("#signed-in")).ToContainTextAsync(user.Email);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>The authenticator app's code for the next 30-second step (the current one was spent confirming it; the API accepts one step either side).</summary>
    public static string NextTotpCode(string secret) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30));

    public static string CurrentTotpCode(string secret) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow);
}
