namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>A test of console pages: a fresh API (serving the console, same origin) per test, and pages in fresh browser contexts.</summary>
public abstract class PageTest(Chromium chromium) : IAsyncLifetime
{
    protected ApiHost Api { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Api = await StartApiAsync();

    protected virtual Task<ApiHost> StartApiAsync() => Task.FromResult(new ApiHost());

    public async ValueTask DisposeAsync() => await Api.DisposeAsync();

    /// <summary>A page in a new browser context (its own cookies), not signed in.</summary>
    protected Task<IPage> NewPageAsync() => chromium.NewPageAsync(Api.Address);

    /// <summary>A page signed in as <paramref name="user"/> on the console's sign-in page (with a TOTP code when a secret is given).</summary>
    protected async Task<IPage> SignedInPageAsync(TestUser user, string? totpSecret = null)
    {
        var page = await NewPageAsync();
        await Accounts.SignInAsync(page, user, totpSecret);
        return page;
    }
}
