using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/admin/users: finding users and disabling them (platform administrators, two-factor sessions).</summary>
public abstract class AdminUsersTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AdminUsersTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AdminUsersTests(chromium, Topology.Split);

    [Fact]
    public async Task The_navigation_leads_a_platform_administrator_to_the_admin_pages()
    {
        var (admin, secret) = await Accounts.PlatformAdminAsync(Api);
        var page = await SignedInPageAsync(admin, secret);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(Site, "/admin/users").ToString());
        await Expect(page.Locator("#users tbody tr")).Not.ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_navigation_shows_no_admin_link_to_other_users()
    {
        var page = await SignedInPageAsync(await TestUsers.RegisterAsync(Api));

        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Account" })).ToBeVisibleAsync();
        await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Finding_by_email_lists_the_matching_user_only()
    {
        var (admin, secret) = await Accounts.PlatformAdminAsync(Api);
        var wanted = await TestUsers.RegisterAsync(Api);
        var page = await SignedInPageAsync(admin, secret);
        await page.GotoAsync("/admin/users");
        await Expect(page.Locator("#users tbody tr")).ToHaveCountAsync(2);

        await page.GetByLabel("Email contains").FillAsync(wanted.Email[..12]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Find users" }).ClickAsync();

        await Expect(page.Locator("#users tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#users tbody")).ToContainTextAsync(wanted.Email);
    }

    [Fact]
    public async Task A_disabled_user_is_signed_out_and_cannot_sign_in_again()
    {
        var (admin, secret) = await Accounts.PlatformAdminAsync(Api);
        var target = await TestUsers.RegisterAsync(Api);
        var targetPage = await SignedInPageAsync(target);
        var page = await SignedInPageAsync(admin, secret);
        await page.GotoAsync("/admin/users");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Disable {target.Email}" }).ClickAsync();

        await Expect(page.Locator("#users tbody tr", new() { HasText = target.Email })).ToContainTextAsync("Disabled");
        Assert.Equal(401, await Accounts.MeStatusAsync(targetPage, Api));
        var again = await NewPageAsync();
        await again.GotoAsync("/sign-in");
        await again.SignInWithPasswordAsync(target);
        await Expect(again.Locator("#password-form [role=alert]")).Not.ToBeEmptyAsync();
        Assert.Equal(401, await Accounts.MeStatusAsync(again, Api));
    }

    [Fact]
    public async Task A_user_who_is_not_a_platform_administrator_is_refused()
    {
        var page = await SignedInPageAsync(await TestUsers.RegisterAsync(Api));

        await page.GotoAsync("/admin/users");

        await Expect(page.Locator("#user-search [role=alert]")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("#users tbody tr")).ToHaveCountAsync(0);
    }
}
