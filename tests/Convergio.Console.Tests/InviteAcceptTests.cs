using System.Net;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>The invitation link: sign in first (and come back), then accept and join the organization.</summary>
public abstract class InviteAcceptTests(Chromium chromium, SharedSystem site)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium, SameOriginSystem site) : InviteAcceptTests(chromium, site), IClassFixture<SameOriginSystem>;

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium, SplitSystem site) : InviteAcceptTests(chromium, site), IClassFixture<SplitSystem>;

    [Fact]
    public async Task An_invitee_signs_in_from_the_link_comes_back_and_joins_the_organization()
    {
        var owner = await ApiSession.RegisterVerifiedAsync(site.Api);
        var invitee = await ApiSession.RegisterVerifiedAsync(site.Api);
        var orgName = "Acme " + Guid.NewGuid().ToString("N")[..6];
        using (var session = await ApiSession.SignInAsync(site.Api, owner))
        {
            var org = await session.PostAsync("/api/v1/orgs", new { name = orgName }, HttpStatusCode.Created);
            await session.PostAsync($"/api/v1/orgs/{org.GetProperty("id").GetGuid()}/invites", new { email = invitee.Email, role = "member" }, HttpStatusCode.Created);
        }
        var token = await MailPickup.WaitForLinkTokenAsync(site.Api.MailDirectory, invitee.Email, "/invites/accept");
        var page = await chromium.NewPageAsync(site.Address);

        await page.GotoAsync($"/invites/accept?token={token}");
        await page.Locator("#needs-account").GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.SignInWithPasswordAsync(invitee);
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept invitation" }).ClickAsync();

        await Expect(page.Locator("#done")).ToContainTextAsync($"You are now a member of {orgName}");
    }
}
