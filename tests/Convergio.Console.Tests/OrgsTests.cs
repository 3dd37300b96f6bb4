using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/orgs: the user's organizations, and creating one.</summary>
public abstract class OrgsTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : OrgsTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : OrgsTests(chromium, Topology.Split);

    [Fact]
    public async Task A_created_organization_is_listed_with_its_creator_as_owner()
    {
        var page = await SignedInPageAsync(await TestUsers.RegisterAsync(Api));

        await page.GotoAsync("/orgs");
        await page.GetByLabel("Name").FillAsync("Acme Labs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();

        var row = page.Locator("#orgs tbody tr", new() { HasText = "Acme Labs" });
        await Expect(row).ToContainTextAsync("owner");
        await row.GetByRole(AriaRole.Link, new() { Name = "Acme Labs" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acme Labs", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_slug_already_taken_is_explained_next_to_the_slug_field()
    {
        var page = await SignedInPageAsync(await TestUsers.RegisterAsync(Api));
        await page.GotoAsync("/orgs");
        await CreateAsync(page, "First", "taken-slug");
        await Expect(page.Locator("#orgs tbody tr", new() { HasText = "First" })).ToBeVisibleAsync();

        await CreateAsync(page, "Second", "taken-slug");

        await Expect(page.Locator("#create-org-form [role=alert], #slug-error").First).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#orgs tbody tr")).ToHaveCountAsync(1);
    }

    private static async Task CreateAsync(IPage page, string name, string slug)
    {
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Slug").FillAsync(slug);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();
    }
}
