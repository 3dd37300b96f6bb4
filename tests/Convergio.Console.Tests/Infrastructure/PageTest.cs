namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>A test of console pages: a fresh console and API per test in the given topology, and pages in fresh browser contexts.</summary>
public abstract class PageTest(Chromium chromium, Topology topology) : IAsyncLifetime
{
    protected ConsoleSystem System { get; private set; } = null!;

    protected ApiHost Api => System.Api;

    /// <summary>Where the console's pages are.</summary>
    protected Uri Site => System.Site;

    public ValueTask InitializeAsync()
    {
        System = ConsoleSystem.Start(topology);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => System.DisposeAsync();

    /// <summary>A page in a new browser context (its own cookies), not signed in.</summary>
    protected Task<IPage> NewPageAsync() => chromium.NewPageAsync(Site);

    /// <summary>A page signed in as <paramref name="user"/> on the console's sign-in page (with a TOTP code when a secret is given).</summary>
    protected async Task<IPage> SignedInPageAsync(TestUser user, string? totpSecret = null)
    {
        var page = await NewPageAsync();
        await Accounts.SignInAsync(page, user, totpSecret);
        return page;
    }
}
