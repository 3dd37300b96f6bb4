using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/account/passkeys and passkey sign-in through WebAuthn (Chromium's virtual authenticator): adding, naming, renaming, removing, signing in.</summary>
public abstract class AccountPasskeysTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AccountPasskeysTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AccountPasskeysTests(chromium, Topology.Split);

    [Fact]
    public async Task An_added_passkey_is_listed_under_its_name()
    {
        var page = await PasskeyPageAsync();

        await AddAsync(page, "Work laptop");

        await Expect(page.Locator("#passkeys tbody tr", new() { HasText = "Work laptop" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Passkey Work laptop is added.");
    }

    [Fact]
    public async Task A_renamed_passkey_is_listed_under_its_new_name()
    {
        var page = await PasskeyPageAsync();
        await AddAsync(page, "Phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Rename passkey Phone" }).ClickAsync();
        await page.GetByLabel("New name for Phone").FillAsync("Old phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The passkey is renamed Old phone.");
        await Expect(page.Locator("#passkeys tbody tr").First).ToContainTextAsync("Old phone");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Old phone" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_blank_name_is_refused_next_to_the_field_and_the_passkey_keeps_its_name()
    {
        var page = await PasskeyPageAsync();
        await AddAsync(page, "Tablet");

        await page.GetByRole(AriaRole.Button, new() { Name = "Rename passkey Tablet" }).ClickAsync();
        await page.GetByLabel("New name for Tablet").FillAsync("   ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.Locator("#passkeys form")).ToContainTextAsync("Name is required");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Rename passkey Tablet" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_removed_passkey_leaves_the_list()
    {
        var page = await PasskeyPageAsync();
        await AddAsync(page, "Old phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Old phone" }).ClickAsync();

        await Expect(page.Locator("#passkeys tbody")).ToHaveTextAsync("No passkeys yet.");
    }

    [Fact]
    public async Task An_added_passkey_signs_in_without_a_password()
    {
        var user = await ApiSession.RegisterVerifiedAsync(Api);
        var page = await PasskeyPageAsync(user);
        await AddAsync(page, "Security key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(Site, "/sign-in").ToString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        await page.ExpectSignedInHomeAsync(Site, user);
        Assert.Equal(200, await Accounts.MeStatusAsync(page, Api));
    }

    private async Task<IPage> PasskeyPageAsync(TestUser? user = null)
    {
        var page = await SignedInPageAsync(user ?? await ApiSession.RegisterVerifiedAsync(Api));
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
