using System.Net.Http.Json;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>Screenshots of the main account, organization and admin pages into docs/console/ (the README shows them).</summary>
[Collection(Chromium.Collection)]
public sealed class AccountPagesScreenshots(Chromium chromium) : PageTest(chromium, Topology.SameOrigin)
{
    [Fact]
    public async Task The_main_pages_are_captured_with_data_in_them()
    {
        using (var client = new HttpClient { BaseAddress = Api.Address })
        {
            using var report = await client.PostAsJsonAsync("/api/v1/security/reports", new
            {
                reporterEmail = TestUsers.New().Email, affectedComponent = "invite acceptance", reproductionSteps = "Open an expired invite link.",
                impact = "An expired invitation can still be accepted.", severity = "medium",
            }, TestContext.Current.CancellationToken);
            report.EnsureSuccessStatusCode();
        }
        var (admin, secret) = await Accounts.PlatformAdminAsync(Api);
        var page = await SignedInPageAsync(admin, secret);
        await page.SetViewportSizeAsync(1280, 860);
        await OrgPages.CreateAndOpenAsync(page, "Acme Labs");
        await page.GetByLabel("Project name").FillAsync("Research assistant");
        await page.GetByLabel("Description").FillAsync("Summaries of the weekly papers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync("grace@example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(page.Locator("#invites tbody")).ToContainTextAsync("grace@example.test");
        await CaptureAsync(page, "organization");

        foreach (var (path, name) in new[]
        {
            ("/account", "account"), ("/account/sessions", "account-sessions"), ("/orgs", "organizations"),
            ("/admin/users", "admin-users"), ("/admin/audit", "admin-audit"), ("/admin/security-reports", "admin-security-reports"),
        })
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await CaptureAsync(page, name);
        }
    }

    private static async Task CaptureAsync(IPage page, string name)
    {
        var file = Path.Combine(Screenshots.Folder(), $"{name}.png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 0);
    }
}
