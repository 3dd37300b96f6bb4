using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Data;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Tenancy;

public sealed class RoleMatrixTests
{
    /// <summary>The organization a cell runs against: fresh per cell, so destructive cells cannot affect each other.</summary>
    private sealed record Scene(Guid OrgId, Guid ProjectId, Guid TargetMemberId, Guid InviteId);

    private sealed record Cell(string Endpoint, OrgRole Least, HttpStatusCode Success, Func<TestBrowser, Scene, Task<HttpResponseMessage>> Call);

    /// <summary>Every org-scoped endpoint and the least role the issue gives it.</summary>
    private static readonly Cell[] Table =
    [
        new("GET /orgs/{orgId}", OrgRole.Viewer, HttpStatusCode.OK, (b, s) => b.GetAsync($"/api/v1/orgs/{s.OrgId}")),
        new("PATCH /orgs/{orgId}", OrgRole.Admin, HttpStatusCode.OK, (b, s) => b.PatchJsonAsync($"/api/v1/orgs/{s.OrgId}", new { name = "Renamed" })),
        new("DELETE /orgs/{orgId}", OrgRole.Owner, HttpStatusCode.NoContent, (b, s) => b.DeleteAsync($"/api/v1/orgs/{s.OrgId}")),
        new("GET /orgs/{orgId}/members", OrgRole.Viewer, HttpStatusCode.OK, (b, s) => b.GetAsync($"/api/v1/orgs/{s.OrgId}/members")),
        new("PATCH /orgs/{orgId}/members/{userId}", OrgRole.Admin, HttpStatusCode.OK,
            (b, s) => b.PatchJsonAsync($"/api/v1/orgs/{s.OrgId}/members/{s.TargetMemberId}", new { role = "member" })),
        new("DELETE /orgs/{orgId}/members/{userId} (someone else)", OrgRole.Admin, HttpStatusCode.NoContent,
            (b, s) => b.DeleteAsync($"/api/v1/orgs/{s.OrgId}/members/{s.TargetMemberId}")),
        new("POST /orgs/{orgId}/invites", OrgRole.Admin, HttpStatusCode.Created,
            (b, s) => b.PostJsonAsync($"/api/v1/orgs/{s.OrgId}/invites", new { email = AuthTestExtensions.NewEmail(), role = "viewer" })),
        new("GET /orgs/{orgId}/invites", OrgRole.Admin, HttpStatusCode.OK, (b, s) => b.GetAsync($"/api/v1/orgs/{s.OrgId}/invites")),
        new("DELETE /orgs/{orgId}/invites/{inviteId}", OrgRole.Admin, HttpStatusCode.NoContent, (b, s) => b.DeleteAsync($"/api/v1/orgs/{s.OrgId}/invites/{s.InviteId}")),
        new("GET /orgs/{orgId}/projects", OrgRole.Viewer, HttpStatusCode.OK, (b, s) => b.GetAsync($"/api/v1/orgs/{s.OrgId}/projects")),
        new("POST /orgs/{orgId}/projects", OrgRole.Member, HttpStatusCode.Created,
            (b, s) => b.PostJsonAsync($"/api/v1/orgs/{s.OrgId}/projects", new { name = "New" })),
        new("GET /orgs/{orgId}/projects/{projectId}", OrgRole.Viewer, HttpStatusCode.OK, (b, s) => b.GetAsync($"/api/v1/orgs/{s.OrgId}/projects/{s.ProjectId}")),
        new("PATCH /orgs/{orgId}/projects/{projectId}", OrgRole.Member, HttpStatusCode.OK,
            (b, s) => b.PatchJsonAsync($"/api/v1/orgs/{s.OrgId}/projects/{s.ProjectId}", new { name = "Changed" })),
        new("DELETE /orgs/{orgId}/projects/{projectId}", OrgRole.Admin, HttpStatusCode.NoContent,
            (b, s) => b.DeleteAsync($"/api/v1/orgs/{s.OrgId}/projects/{s.ProjectId}")),
        new("GET /orgs/{orgId}/audit", OrgRole.Admin, HttpStatusCode.OK, (b, s) => b.GetAsync($"/api/v1/orgs/{s.OrgId}/audit")),
    ];

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Every_role_gets_exactly_its_cell_of_the_table_non_members_404_too_low_403(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var target = await factory.CreateSignedInUserAsync();
        OrgRole?[] callers = [null, OrgRole.Viewer, OrgRole.Member, OrgRole.Admin, OrgRole.Owner];
        var users = new Dictionary<OrgRole, SignedInUser>();
        foreach (var role in new[] { OrgRole.Viewer, OrgRole.Member, OrgRole.Admin, OrgRole.Owner })
        {
            users[role] = await factory.CreateSignedInUserAsync();
        }
        var outsider = await factory.CreateSignedInUserAsync();
        // The outsider owns an organization of their own: being an owner elsewhere grants nothing here.
        await outsider.CreateOrgAsync();

        var failures = new List<string>();
        foreach (var cell in Table)
        {
            foreach (var role in callers)
            {
                var org = await owner.CreateOrgAsync();
                foreach (var (memberRole, user) in users)
                {
                    await factory.AddMemberAsync(org.Id, user.Id, memberRole);
                }
                await factory.AddMemberAsync(org.Id, target.Id, OrgRole.Viewer);
                var project = await owner.CreateProjectAsync(org.Id);
                var invite = await factory.AddInviteAsync(org.Id, owner.Id, OrgRole.Viewer);
                var caller = role is { } r ? users[r] : outsider;

                var response = await cell.Call(caller.Browser, new Scene(org.Id, project.Id, target.Id, invite.Id));

                var expected = role is null ? HttpStatusCode.NotFound : role >= cell.Least ? cell.Success : HttpStatusCode.Forbidden;
                if (response.StatusCode != expected)
                {
                    failures.Add($"{cell.Endpoint} as {role?.ToString() ?? "non-member"}: expected {(int)expected}, got {(int)response.StatusCode}");
                }
                else if (expected is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
                {
                    await response.IsProblemAsync(expected);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_project_of_another_organization_is_404_even_for_an_owner_of_this_one(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var alice = await factory.CreateSignedInUserAsync();
        var bob = await factory.CreateSignedInUserAsync();
        var aliceOrg = await alice.CreateOrgAsync();
        var bobOrg = await bob.CreateOrgAsync();
        var bobProject = await bob.CreateProjectAsync(bobOrg.Id, "Secret");

        var read = await alice.Browser.GetAsync($"/api/v1/orgs/{aliceOrg.Id}/projects/{bobProject.Id}");
        var change = await alice.Browser.PatchJsonAsync($"/api/v1/orgs/{aliceOrg.Id}/projects/{bobProject.Id}", new { name = "Mine now" });
        var delete = await alice.Browser.DeleteAsync($"/api/v1/orgs/{aliceOrg.Id}/projects/{bobProject.Id}");
        var list = await alice.Browser.Client.GetFromJsonAsync<PagedList<ProjectResponse>>($"/api/v1/orgs/{aliceOrg.Id}/projects", TestContext.Current.CancellationToken);

        await read.IsProblemAsync(HttpStatusCode.NotFound);
        await change.IsProblemAsync(HttpStatusCode.NotFound);
        await delete.IsProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(list!.Items);
        var still = await bob.Browser.Client.GetFromJsonAsync<ProjectResponse>($"/api/v1/orgs/{bobOrg.Id}/projects/{bobProject.Id}", TestContext.Current.CancellationToken);
        Assert.Equal("Secret", still!.Name);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_non_member_gets_the_same_404_for_an_existing_organization_as_for_a_missing_one(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var outsider = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();

        var existing = await (await outsider.Browser.GetAsync($"/api/v1/orgs/{org.Id}/members")).IsProblemAsync(HttpStatusCode.NotFound);
        var missing = await (await outsider.Browser.GetAsync($"/api/v1/orgs/{Guid.NewGuid()}/members")).IsProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(missing.GetProperty("detail").GetString(), existing.GetProperty("detail").GetString());
    }
}
