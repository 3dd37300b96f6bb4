using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/admin/audit: the platform's audit trail, filtered, paged and exported.</summary>
public abstract class AdminAuditTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AdminAuditTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AdminAuditTests(chromium, Topology.Split);

    [Fact]
    public async Task Filtering_by_action_leaves_only_that_actions_rows()
    {
        var page = await AdminPageAsync();
        await Expect(page.Locator("#audit tbody tr", new() { HasText = "auth.register" }).First).ToBeVisibleAsync();

        await page.GetByLabel("Action").FillAsync("auth.login.succeeded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        var actions = page.Locator("#audit tbody tr td:nth-child(2)");
        await Expect(actions.Filter(new() { HasNotText = "auth.login.succeeded" })).ToHaveCountAsync(0);
        await Expect(actions.First).ToHaveTextAsync("auth.login.succeeded");
    }

    [Fact]
    public async Task Export_downloads_the_trail_as_csv()
    {
        var page = await AdminPageAsync();
        await Expect(page.Locator("#audit tbody tr").First).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export this period (CSV)" }).ClickAsync());

        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var csv = await File.ReadAllLinesAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Contains("action", csv[0], StringComparison.Ordinal);
        Assert.Contains(csv, line => line.Contains("auth.login.succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Next_page_moves_on_through_the_trail()
    {
        // More events than one page of 25: every registration is audited.
        for (var i = 0; i < 26; i++)
        {
            await TestUsers.RegisterAsync(Api);
        }
        var page = await AdminPageAsync();
        await Expect(page.Locator("#audit-pager")).ToContainTextAsync("Page 1 of ");

        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();

        await Expect(page.Locator("#audit-pager")).ToContainTextAsync("Page 2 of ");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Previous page" })).ToBeEnabledAsync();
    }

    private async Task<IPage> AdminPageAsync()
    {
        var (admin, secret) = await Accounts.PlatformAdminAsync(Api);
        var page = await SignedInPageAsync(admin, secret);
        await page.GotoAsync("/admin/audit");
        return page;
    }
}
