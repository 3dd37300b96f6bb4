using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Data;
using Convergio.Api.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Infrastructure;

public static class TestOrgs
{
    /// <summary>Creates an organization through the API; <paramref name="owner"/> becomes its owner.</summary>
    public static async Task<OrgResponse> CreateOrgAsync(this SignedInUser owner)
    {
        var response = await owner.Browser.PostJsonAsync("/api/v1/orgs", new { name = "Org " + Guid.NewGuid().ToString("N")[..8], slug = "org-" + Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrgResponse>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Adds an existing user to an organization with a role, straight in the database (as an accepted invite would).</summary>
    public static async Task AddMemberAsync(this ConvergioFactory factory, Guid orgId, Guid userId, OrgRole role)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var now = factory.Time.GetUtcNow().UtcDateTime;
        db.Memberships.Add(new Membership { OrgId = orgId, UserId = userId, Role = role, CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A pending invite straight in the database (its token is unknown: for listing and revoking, not accepting).</summary>
    public static async Task<Invite> AddInviteAsync(this ConvergioFactory factory, Guid orgId, Guid invitedBy, OrgRole role)
    {
        var now = factory.Time.GetUtcNow().UtcDateTime;
        var invite = new Invite
        {
            Id = Guid.NewGuid(),
            OrgId = orgId,
            Email = Infrastructure.AuthTestExtensions.NewEmail(),
            Role = role,
            TokenHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
            InvitedBy = invitedBy,
            CreatedAt = now,
            ExpiresAt = now.AddDays(7),
        };
        await factory.WithDbAsync(db =>
        {
            db.Invites.Add(invite);
            return db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        return invite;
    }

    /// <summary>A new signed-in user who is a member of the organization with the role.</summary>
    public static async Task<SignedInUser> CreateMemberAsync(this ConvergioFactory factory, Guid orgId, OrgRole role)
    {
        var user = await factory.CreateSignedInUserAsync();
        await factory.AddMemberAsync(orgId, user.Id, role);
        return user;
    }

    public static async Task<ProjectResponse> CreateProjectAsync(this SignedInUser user, Guid orgId, string name = "Project")
    {
        var response = await user.Browser.PostJsonAsync($"/api/v1/orgs/{orgId}/projects", new { name, description = "A project" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ProjectResponse>(TestContext.Current.CancellationToken))!;
    }
}
