namespace Convergio.WebConsole.Tests.Infrastructure;

public static class OrgPages
{
    /// <summary>Creates an organization on /orgs and opens its page, once it has loaded.</summary>
    public static async Task CreateAndOpenAsync(IPage page, string name)
    {
        await page.GotoAsync("/orgs");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#members tbody tr")).Not.ToHaveCountAsync(0);
    }
}
