using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/orgs/{orgId}: the organization's projects.</summary>
public abstract class OrgProjectsTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : OrgProjectsTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : OrgProjectsTests(chromium, Topology.Split);

    [Fact]
    public async Task A_created_project_is_listed()
    {
        var page = await OrgPageAsync();

        await CreateProjectAsync(page, "Apollo");

        await Expect(page.Locator("#projects tbody tr", new() { HasText = "Apollo" })).ToContainTextAsync("First project");
    }

    [Fact]
    public async Task A_renamed_project_is_listed_under_its_new_name()
    {
        var page = await OrgPageAsync();
        await CreateProjectAsync(page, "Apollo");

        await page.GetByRole(AriaRole.Button, new() { Name = "Rename project Apollo" }).ClickAsync();
        await page.GetByLabel("New name for Apollo").FillAsync("Artemis");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.Locator("#projects tbody tr").First).ToContainTextAsync("Artemis");
        await Expect(page.Locator("#projects tbody")).Not.ToContainTextAsync("Apollo");
    }

    [Fact]
    public async Task A_deleted_project_leaves_the_list()
    {
        var page = await OrgPageAsync();
        await CreateProjectAsync(page, "Apollo");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete project Apollo" }).ClickAsync();

        await Expect(page.Locator("#projects tbody")).ToHaveTextAsync("No projects yet.");
    }

    private async Task<IPage> OrgPageAsync()
    {
        var page = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        await OrgPages.CreateAndOpenAsync(page, "Projects Co");
        return page;
    }

    private static async Task CreateProjectAsync(IPage page, string name)
    {
        await page.GetByLabel("Project name").FillAsync(name);
        await page.GetByLabel("Description").FillAsync("First project");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await Expect(page.Locator("#projects tbody tr", new() { HasText = name })).ToBeVisibleAsync();
    }
}
