using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/account: the signed-in user's profile.</summary>
public abstract class AccountProfileTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AccountProfileTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AccountProfileTests(chromium, Topology.Split);

    [Fact]
    public async Task A_saved_full_name_is_the_profiles_name_after_a_reload()
    {
        var page = await SignedInPageAsync(await TestUsers.RegisterAsync(Api));
        await page.GotoAsync("/account");
        await Expect(page.GetByLabel("Full name")).ToHaveValueAsync("Ada Tester");

        await page.GetByLabel("Full name").FillAsync("Grace Hopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your name is saved.");
        await page.ReloadAsync();

        await Expect(page.GetByLabel("Full name")).ToHaveValueAsync("Grace Hopper");
    }

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_back()
    {
        var page = await NewPageAsync();

        await page.GotoAsync("/account");

        await Expect(page).ToHaveURLAsync(new Uri(Site, "/sign-in?returnUrl=%2Faccount").ToString());
    }
}
