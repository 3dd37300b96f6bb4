using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/orgs/{orgId}: members and their roles, invitations.</summary>
public abstract class OrgMembersTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : OrgMembersTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : OrgMembersTests(chromium, Topology.Split);

    [Fact]
    public async Task A_sent_invitation_is_listed_and_revoking_it_removes_it()
    {
        var page = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        await OrgPages.CreateAndOpenAsync(page, "Invite Co");
        var invitee = TestUsers.New().Email;

        await page.GetByLabel("Email").FillAsync(invitee);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(page.Locator("#invites tbody")).ToContainTextAsync(invitee);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke the invitation to {invitee}" }).ClickAsync();

        await Expect(page.Locator("#invites tbody")).ToHaveTextAsync("No pending invitations.");
    }

    [Fact]
    public async Task An_owner_changes_a_members_role_and_the_list_keeps_it()
    {
        var owner = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        await OrgPages.CreateAndOpenAsync(owner, "Roles Co");
        var member = await ApiSession.RegisterVerifiedAsync(Api);
        await InviteAndAcceptAsync(owner, member);
        await owner.ReloadAsync();

        await owner.GetByLabel($"Role of {member.Email}").SelectOptionAsync("admin");
        await Expect(owner.GetByRole(AriaRole.Status)).ToContainTextAsync("is now admin");
        await owner.ReloadAsync();

        await Expect(owner.GetByLabel($"Role of {member.Email}")).ToHaveValueAsync("admin");
    }

    [Fact]
    public async Task An_owner_removes_a_member()
    {
        var owner = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        await OrgPages.CreateAndOpenAsync(owner, "Removal Co");
        var member = await ApiSession.RegisterVerifiedAsync(Api);
        await InviteAndAcceptAsync(owner, member);
        await owner.ReloadAsync();

        await owner.GetByRole(AriaRole.Button, new() { Name = $"Remove {member.Email}" }).ClickAsync();

        await Expect(owner.Locator("#members tbody tr")).ToHaveCountAsync(1);
        await Expect(owner.Locator("#members tbody")).Not.ToContainTextAsync(member.Email);
    }

    [Fact]
    public async Task A_viewer_sees_members_and_projects_without_the_controls_to_change_them()
    {
        var owner = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        await OrgPages.CreateAndOpenAsync(owner, "Viewer Co");
        var viewer = await ApiSession.RegisterVerifiedAsync(Api);
        var page = await InviteAndAcceptAsync(owner, viewer, "viewer");

        await page.GotoAsync(owner.Url);

        await Expect(page.Locator("#members tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#members select")).ToHaveCountAsync(0);
        await Expect(page.Locator("#invites-card")).ToBeHiddenAsync();
        await Expect(page.Locator("#project-form")).ToBeHiddenAsync();
    }

    /// <summary>Invites <paramref name="member"/> from the owner's page; the member accepts on the console's invite page. Returns the member's page.</summary>
    private async Task<IPage> InviteAndAcceptAsync(IPage owner, TestUser member, string role = "member")
    {
        await owner.GetByLabel("Email").FillAsync(member.Email);
        await owner.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync(role);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        var token = await MailPickup.WaitForLinkTokenAsync(Api.MailDirectory, member.Email, "/invites/accept");
        var page = await SignedInPageAsync(member);
        await page.GotoAsync($"/invites/accept?token={Uri.EscapeDataString(token)}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept invitation" }).ClickAsync();
        await Expect(page.Locator("#done")).ToBeVisibleAsync();
        return page;
    }
}
