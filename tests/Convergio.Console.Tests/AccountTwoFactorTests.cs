using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/account/two-factor: TOTP enrolment with the server-drawn QR code, recovery codes shown once, regenerate, turn off.</summary>
public abstract partial class AccountTwoFactorTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AccountTwoFactorTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AccountTwoFactorTests(chromium, Topology.Split);

    [Fact]
    public async Task Setup_shows_the_qr_code_as_an_image_and_the_key()
    {
        var page = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        await page.GotoAsync("/account/two-factor");

        await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor authentication" }).ClickAsync();

        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code to add Convergio to your authenticator app" });
        await Expect(qr).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/svg\\+xml;base64,"));
        Assert.True(await qr.EvaluateAsync<bool>("img => img.decode().then(() => img.naturalWidth > 0)"));
        await Expect(page.Locator("#secret")).ToHaveTextAsync(Base32Secret());
    }

    [Fact]
    public async Task Confirming_with_a_code_shows_ten_recovery_codes_to_download()
    {
        var page = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));

        await EnrolAsync(page);

        var codes = page.Locator("#recovery-codes li");
        await Expect(codes).ToHaveCountAsync(10);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download codes" }).ClickAsync());
        var text = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.All(await codes.AllTextContentsAsync(), code => Assert.Contains(code, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_enrolment_the_next_sign_in_asks_for_a_code()
    {
        var user = await ApiSession.RegisterVerifiedAsync(Api);
        await EnrolAsync(await SignedInPageAsync(user));
        var page = await NewPageAsync();

        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);

        await Expect(page.GetByLabel("Authentication code")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Turning_it_off_with_a_recovery_code_brings_back_the_setup()
    {
        var user = await ApiSession.RegisterVerifiedAsync(Api);
        var (secret, recoveryCodes) = await Accounts.EnableTotpAsync(Api, user);
        var page = await SignedInPageAsync(user, secret);
        await page.GotoAsync("/account/two-factor");

        await page.GetByLabel("Code or recovery code to turn it off").FillAsync(recoveryCodes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off two-factor authentication" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Two-factor authentication is off.");
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor authentication" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task New_recovery_codes_are_shown_once_and_replace_the_old_ones()
    {
        var user = await ApiSession.RegisterVerifiedAsync(Api);
        var (secret, recoveryCodes) = await Accounts.EnableTotpAsync(Api, user);
        var page = await SignedInPageAsync(user, secret);
        await page.GotoAsync("/account/two-factor");

        await page.GetByLabel("Code from your app or a recovery code").FillAsync(recoveryCodes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get new recovery codes" }).ClickAsync();

        var shown = page.Locator("#recovery-codes li");
        await Expect(shown).ToHaveCountAsync(10);
        Assert.Empty((await shown.AllTextContentsAsync()).Intersect(recoveryCodes));
        await page.ReloadAsync();
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(0);
    }

    /// <summary>Sets up TOTP on the page with the key it shows; returns that key.</summary>
    private static async Task<string> EnrolAsync(IPage page)
    {
        await page.GotoAsync("/account/two-factor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor authentication" }).ClickAsync();
        await Expect(page.Locator("#secret")).ToHaveTextAsync(Base32Secret());
        var secret = (await page.Locator("#secret").TextContentAsync())!;
        await page.GetByLabel("Code from your authenticator app").FillAsync(ConsolePages.CurrentTotpCode(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Save your recovery codes" })).ToBeVisibleAsync();
        return secret;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Z2-7]{32}$")]
    private static partial System.Text.RegularExpressions.Regex Base32Secret();
}
