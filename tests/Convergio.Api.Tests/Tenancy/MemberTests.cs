using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Audit;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Tenancy;

public sealed class MemberTests
{
    private static Task<OrgRole?> RoleAsync(ConvergioFactory factory, Guid orgId, Guid userId) =>
        factory.WithDbAsync(db => db.Memberships.Where(m => m.OrgId == orgId && m.UserId == userId).Select(m => (OrgRole?)m.Role).SingleOrDefaultAsync(TestContext.Current.CancellationToken));

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_last_owner_can_neither_be_demoted_nor_leave(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();

        var demote = await owner.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{owner.Id}", new { role = "admin" });
        var leave = await owner.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}/members/{owner.Id}");

        await demote.IsProblemAsync(HttpStatusCode.Conflict);
        await leave.IsProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(OrgRole.Owner, await RoleAsync(factory, org.Id, owner.Id));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_owner_can_step_down_once_another_owner_exists(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var successor = await factory.CreateMemberAsync(org.Id, OrgRole.Member);

        var promote = await owner.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{successor.Id}", new { role = "owner" });
        var stepDown = await owner.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{owner.Id}", new { role = "member" });

        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stepDown.StatusCode);
        Assert.Equal(OrgRole.Member, await RoleAsync(factory, org.Id, owner.Id));
        Assert.Equal(OrgRole.Owner, await RoleAsync(factory, org.Id, successor.Id));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_admin_cannot_grant_or_take_the_owner_role_and_the_attempt_is_audited_as_denied(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var admin = await factory.CreateMemberAsync(org.Id, OrgRole.Admin);
        var member = await factory.CreateMemberAsync(org.Id, OrgRole.Member);

        var grant = await admin.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{member.Id}", new { role = "owner" });
        var demoteOwner = await admin.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{owner.Id}", new { role = "viewer" });
        var removeOwner = await admin.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}/members/{owner.Id}");

        await grant.IsProblemAsync(HttpStatusCode.Forbidden);
        await demoteOwner.IsProblemAsync(HttpStatusCode.Forbidden);
        await removeOwner.IsProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(OrgRole.Member, await RoleAsync(factory, org.Id, member.Id));
        Assert.Equal(OrgRole.Owner, await RoleAsync(factory, org.Id, owner.Id));
        var denied = await factory.WithDbAsync(d => d.AuditEvents
            .Where(e => e.OrgId == org.Id && e.ActorUserId == admin.Id && e.Outcome == AuditOutcomes.Denied)
            .Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["member.removed", "member.role_changed", "member.role_changed"], denied.Order());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_role_change_by_a_member_is_403_and_audited_as_denied(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var member = await factory.CreateMemberAsync(org.Id, OrgRole.Member);

        var response = await member.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{member.Id}", new { role = "admin" });

        await response.IsProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(OrgRole.Member, await RoleAsync(factory, org.Id, member.Id));
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(
            e => e.Action == "member.role_changed" && e.Outcome == AuditOutcomes.Denied && e.ActorUserId == member.Id && e.OrgId == org.Id,
            TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Any_member_can_leave_and_then_loses_access(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var viewer = await factory.CreateMemberAsync(org.Id, OrgRole.Viewer);

        var leave = await viewer.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}/members/{viewer.Id}");
        var after = await viewer.Browser.GetAsync($"/api/v1/orgs/{org.Id}");

        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
        await after.IsProblemAsync(HttpStatusCode.NotFound);
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "member.left" && e.ActorUserId == viewer.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_unknown_role_is_400_not_a_change(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var member = await factory.CreateMemberAsync(org.Id, OrgRole.Member);

        var word = await owner.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{member.Id}", new { role = "superuser" });
        var number = await owner.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{member.Id}", new { role = 99 });
        var missing = await owner.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{member.Id}", new { });

        await word.IsProblemAsync(HttpStatusCode.BadRequest);
        await number.IsProblemAsync(HttpStatusCode.BadRequest);
        await missing.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(OrgRole.Member, await RoleAsync(factory, org.Id, member.Id));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Members_are_listed_with_their_roles_for_a_viewer(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var viewer = await factory.CreateMemberAsync(org.Id, OrgRole.Viewer);

        var members = await viewer.Browser.Client.GetFromJsonAsync<Convergio.Api.Platform.PagedList<MemberResponse>>(
            $"/api/v1/orgs/{org.Id}/members", TestContext.Current.CancellationToken);

        Assert.Equal(2, members!.Total);
        Assert.Contains(members.Items, m => m.UserId == owner.Id && m.Role == OrgRole.Owner && m.Email == owner.Email);
        Assert.Contains(members.Items, m => m.UserId == viewer.Id && m.Role == OrgRole.Viewer);
    }
}
