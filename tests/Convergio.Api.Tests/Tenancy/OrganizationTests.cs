using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Audit;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Tenancy;

public sealed class OrganizationTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Creating_an_organization_makes_you_its_owner_and_lists_it_as_yours_only(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var alice = await factory.CreateSignedInUserAsync();
        var bob = await factory.CreateSignedInUserAsync();

        var response = await alice.Browser.PostJsonAsync("/api/v1/orgs", new { name = "Acme Widgets" });
        var created = await response.Content.ReadFromJsonAsync<OrgResponse>(TestContext.Current.CancellationToken);
        var alices = await alice.Browser.Client.GetFromJsonAsync<List<OrgResponse>>("/api/v1/orgs", TestContext.Current.CancellationToken);
        var bobs = await bob.Browser.Client.GetFromJsonAsync<List<OrgResponse>>("/api/v1/orgs", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("acme-widgets", created!.Slug);
        Assert.Equal(OrgRole.Owner, created.Role);
        Assert.Equal(created.Id, Assert.Single(alices!).Id);
        Assert.Empty(bobs!);
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "org.created" && e.OrgId == created.Id && e.ActorUserId == alice.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_taken_slug_is_409_and_a_malformed_one_400(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.Created, (await user.Browser.PostJsonAsync("/api/v1/orgs", new { name = "One", slug = "same-slug" })).StatusCode);

        var taken = await user.Browser.PostJsonAsync("/api/v1/orgs", new { name = "Two", slug = "same-slug" });
        var malformed = await user.Browser.PostJsonAsync("/api/v1/orgs", new { name = "Three", slug = "Not A Slug!" });
        var nameless = await user.Browser.PostJsonAsync("/api/v1/orgs", new { slug = "nameless" });

        await taken.IsProblemAsync(HttpStatusCode.Conflict);
        await malformed.IsProblemAsync(HttpStatusCode.BadRequest);
        await nameless.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(1, await factory.WithDbAsync(d => d.Organizations.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Bodies_cannot_set_tier_ids_roles_creator_or_admin_flags(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var victim = await factory.CreateSignedInUserAsync();
        var victimOrg = await victim.CreateOrgAsync();
        var forgedId = Guid.NewGuid();

        var created = await (await user.Browser.PostJsonAsync("/api/v1/orgs",
            new { name = "Mine", slug = "mine-org", id = forgedId, tier = "enterprise", role = "viewer", isPlatformAdmin = true, createdAt = "2000-01-01T00:00:00Z" }))
            .Content.ReadFromJsonAsync<OrgResponse>(TestContext.Current.CancellationToken);
        var patched = await (await user.Browser.PatchJsonAsync($"/api/v1/orgs/{created!.Id}", new { tier = "enterprise", id = victimOrg.Id }))
            .Content.ReadFromJsonAsync<OrgResponse>(TestContext.Current.CancellationToken);
        var project = await (await user.Browser.PostJsonAsync($"/api/v1/orgs/{created.Id}/projects",
            new { name = "P", orgId = victimOrg.Id, createdBy = victim.Id, id = forgedId }))
            .Content.ReadFromJsonAsync<ProjectResponse>(TestContext.Current.CancellationToken);

        Assert.NotEqual(forgedId, created.Id);
        Assert.Equal("free", created.Tier);
        Assert.Equal(OrgRole.Owner, created.Role);
        Assert.Equal("free", patched!.Tier);
        Assert.Equal(created.Id, patched.Id);
        Assert.Equal(user.Id, project!.CreatedBy);
        Assert.NotEqual(forgedId, project.Id);
        Assert.Equal(created.Id, await factory.WithDbAsync(d => d.Projects.Where(p => p.Id == project.Id).Select(p => p.OrgId).SingleAsync(TestContext.Current.CancellationToken)));
        Assert.False(await factory.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).Select(u => u.IsPlatformAdmin).SingleAsync(TestContext.Current.CancellationToken)));
        Assert.False(await factory.WithDbAsync(d => d.Projects.AnyAsync(p => p.OrgId == victimOrg.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Deleting_an_organization_removes_its_members_invites_and_projects_but_keeps_its_audit_trail(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        await factory.CreateMemberAsync(org.Id, OrgRole.Member);
        await owner.CreateProjectAsync(org.Id);
        Assert.Equal(HttpStatusCode.Created, (await owner.Browser.PostJsonAsync($"/api/v1/orgs/{org.Id}/invites", new { email = AuthTestExtensions.NewEmail(), role = "viewer" })).StatusCode);

        var response = await owner.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await owner.Browser.GetAsync($"/api/v1/orgs/{org.Id}")).IsProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await factory.WithDbAsync(d => d.Memberships.CountAsync(m => m.OrgId == org.Id, TestContext.Current.CancellationToken)));
        Assert.Equal(0, await factory.WithDbAsync(d => d.Projects.CountAsync(p => p.OrgId == org.Id, TestContext.Current.CancellationToken)));
        Assert.Equal(0, await factory.WithDbAsync(d => d.Invites.CountAsync(i => i.OrgId == org.Id, TestContext.Current.CancellationToken)));
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "org.deleted" && e.OrgId == org.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_org_admin_reads_only_their_own_organizations_audit_events(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var other = await (await factory.CreateSignedInUserAsync()).CreateOrgAsync();
        await owner.CreateProjectAsync(org.Id);

        var page = await owner.Browser.Client.GetFromJsonAsync<Convergio.Api.Platform.PagedList<Convergio.Api.Audit.AuditEventResponse>>(
            $"/api/v1/orgs/{org.Id}/audit?org={other.Id}&action=project.", TestContext.Current.CancellationToken);

        var only = Assert.Single(page!.Items);
        Assert.Equal("project.created", only.Action);
        Assert.Equal(org.Id, only.OrgId);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_change_shows_in_the_organizations_audit_at_once_before_it_is_sealed(Db db)
    {
        await using var factory = new ConvergioFactory(db).WithServices(services => services.Remove(
            services.Single(s => s.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && s.ImplementationType == typeof(Convergio.Api.Audit.AuditSealerService))));
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        await owner.CreateProjectAsync(org.Id);

        var page = await owner.Browser.Client.GetFromJsonAsync<Convergio.Api.Platform.PagedList<Convergio.Api.Audit.AuditEventResponse>>(
            $"/api/v1/orgs/{org.Id}/audit?action=project.created", TestContext.Current.CancellationToken);

        var unsealed = Assert.Single(page!.Items);
        Assert.Null(unsealed.Seq);
    }
}
