using Convergio.WebConsole.Tests.Infrastructure;
using Deque.AxeCore.Playwright;

namespace Convergio.WebConsole.Tests;

/// <summary>axe on every account, organization and admin page, signed in as a platform administrator with data to show: no serious or critical violation.</summary>
[Collection(Chromium.Collection)]
public sealed class AccountPagesAccessibilityTests(Chromium chromium) : PageTest(chromium, Topology.SameOrigin)
{
    [Theory]
    [InlineData("/account")]
    [InlineData("/account/password")]
    [InlineData("/account/sessions")]
    [InlineData("/account/two-factor")]
    [InlineData("/account/passkeys")]
    [InlineData("/account/provider-keys")]
    [InlineData("/orgs")]
    [InlineData("/orgs/{orgId}")]
    [InlineData("/admin/users")]
    [InlineData("/admin/audit")]
    [InlineData("/admin/security-reports")]
    public async Task The_page_has_no_serious_or_critical_accessibility_violation(string path)
    {
        var (admin, secret) = await Accounts.PlatformAdminAsync(Api);
        var page = await SignedInPageAsync(admin, secret);
        await OrgPages.CreateAndOpenAsync(page, "Accessible Co");
        var orgPath = new Uri(page.Url).AbsolutePath;

        await page.GotoAsync(path.Replace("/orgs/{orgId}", orgPath, StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var results = await page.RunAxe();

        var blocking = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {string.Join(", ", v.Nodes.Select(n => n.Html))}");
        Assert.Empty(blocking);
    }
}
