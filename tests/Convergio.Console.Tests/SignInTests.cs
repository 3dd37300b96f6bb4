using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>The sign-in page against the real API, the console served by the API itself (same origin).</summary>
[Collection(Chromium.Collection)]
public sealed class SignInTests(Chromium chromium) : IAsyncLifetime
{
    private ApiHost _api = null!;

    public ValueTask InitializeAsync()
    {
        _api = new ApiHost();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_password_signs_in_and_the_home_page_shows_the_signed_in_user()
    {
        var user = await TestUsers.RegisterAsync(_api);
        var page = await chromium.NewPageAsync(_api.Address);

        await page.GotoAsync("/sign-in");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(_api.Address, "/").ToString());
        await Expect(page.Locator("#signed-in")).ToContainTextAsync(user.Email);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }
}
