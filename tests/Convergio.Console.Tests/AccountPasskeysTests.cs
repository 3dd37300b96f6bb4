using System.Net;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/account/passkeys: adding a passkey through WebAuthn (Chromium's virtual authenticator), naming and removing it.</summary>
[Collection(Chromium.Collection)]
public sealed class AccountPasskeysTests(Chromium chromium) : PageTest(chromium)
{
    /// <summary>The relying party is localhost and the console's origin its one origin, so the port is chosen before the API starts.</summary>
    protected override Task<ApiHost> StartApiAsync() => Loopback.StartOnFreePortAsync<ApiHost>(port =>
    {
        try
        {
            return Task.FromResult<ApiHost?>(new ApiHost(
                new Dictionary<string, string?> { ["WebAuthn:RpId"] = "localhost", ["WebAuthn:Origins:0"] = $"http://localhost:{port}" },
                k => k.Listen(IPAddress.Loopback, port)));
        }
        catch (IOException)
        {
            return Task.FromResult<ApiHost?>(null);
        }
    });

    [Fact]
    public async Task An_added_passkey_is_listed_under_its_name()
    {
        var page = await PasskeyPageAsync();

        await AddAsync(page, "Work laptop");

        await Expect(page.Locator("#passkeys tbody tr", new() { HasText = "Work laptop" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Passkey Work laptop is added.");
    }

    [Fact]
    public async Task A_removed_passkey_leaves_the_list()
    {
        var page = await PasskeyPageAsync();
        await AddAsync(page, "Old phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Old phone" }).ClickAsync();

        await Expect(page.Locator("#passkeys tbody")).ToHaveTextAsync("No passkeys yet.");
    }

    private async Task<IPage> PasskeyPageAsync()
    {
        var page = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        await page.GotoAsync("/account/passkeys");
        await Expect(page.Locator("#passkeys tbody")).ToHaveTextAsync("No passkeys yet.");
        return page;
    }

    private static async Task AddAsync(IPage page, string name)
    {
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add passkey" }).ClickAsync();
        await Expect(page.Locator("#passkeys tbody tr", new() { HasText = name })).ToBeVisibleAsync();
    }
}
