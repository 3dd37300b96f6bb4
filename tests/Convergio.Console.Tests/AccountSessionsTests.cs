using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/account/sessions: where the account is signed in, and ending those sessions.</summary>
public abstract class AccountSessionsTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AccountSessionsTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AccountSessionsTests(chromium, Topology.Split);

    [Fact]
    public async Task The_list_marks_this_browser_with_its_device_and_last_seen_time()
    {
        var page = await SignedInPageAsync(await TestUsers.RegisterAsync(Api));

        await page.GotoAsync("/account/sessions");

        var row = page.Locator("#sessions tbody tr", new() { HasText = "This device" });
        await Expect(row).ToContainTextAsync("Chrome on Linux");
        await Expect(row.Locator("td").Nth(3).Locator("time")).ToHaveAttributeAsync("datetime", new System.Text.RegularExpressions.Regex("^\\d{4}-"));
    }

    [Fact]
    public async Task Revoking_another_session_signs_that_browser_out()
    {
        var user = await TestUsers.RegisterAsync(Api);
        var other = await SignedInPageAsync(user);
        var otherRow = RowOf(await Accounts.CurrentSessionIdAsync(other, Api));
        var page = await SignedInPageAsync(user);
        await page.GotoAsync("/account/sessions");

        await page.Locator(otherRow).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(page.Locator(otherRow)).ToHaveCountAsync(0);
        await Expect(page.Locator("#sessions tbody tr", new() { HasText = "This device" })).ToBeVisibleAsync();
        Assert.Equal(401, await Accounts.MeStatusAsync(other, Api));
        Assert.Equal(200, await Accounts.MeStatusAsync(page, Api));
    }

    [Fact]
    public async Task Signing_out_everywhere_else_ends_every_other_session_but_this_one()
    {
        var user = await TestUsers.RegisterAsync(Api);
        var first = await SignedInPageAsync(user);
        var second = await SignedInPageAsync(user);
        var page = await SignedInPageAsync(user);
        await page.GotoAsync("/account/sessions");
        await Expect(page.Locator("#sessions tbody tr", new() { HasText = "This device" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere else" }).ClickAsync();

        await Expect(page.Locator("#sessions tbody tr")).ToHaveCountAsync(1);
        Assert.Equal(401, await Accounts.MeStatusAsync(first, Api));
        Assert.Equal(401, await Accounts.MeStatusAsync(second, Api));
        Assert.Equal(200, await Accounts.MeStatusAsync(page, Api));
    }

    private static string RowOf(string sessionId) => $"#sessions tbody tr[data-session-id=\"{sessionId}\"]";
}
