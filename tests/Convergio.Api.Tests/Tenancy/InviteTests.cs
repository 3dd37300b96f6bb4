using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Tenancy;

public sealed class InviteTests
{
    /// <summary>Invites <paramref name="email"/> and returns the token from the email that arrives.</summary>
    private static async Task<string> InviteAsync(ConvergioFactory factory, SignedInUser inviter, Guid orgId, string email, string role = "member")
    {
        var response = await inviter.Browser.PostJsonAsync($"/api/v1/orgs/{orgId}/invites", new { email, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, email, "/invites/accept");
    }

    private static Task<HttpResponseMessage> AcceptAsync(SignedInUser user, string token) =>
        user.Browser.PostJsonAsync("/api/v1/invites/accept", new { token });

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_invited_user_accepts_once_and_joins_with_the_invited_role(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var invitee = await factory.CreateVerifiedUserAsync();
        var token = await InviteAsync(factory, owner, org.Id, invitee.Email, "admin");

        var accepted = await AcceptAsync(invitee, token);
        var again = await AcceptAsync(invitee, token);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(OrgRole.Admin, (await accepted.Content.ReadFromJsonAsync<OrgResponse>(TestContext.Current.CancellationToken))!.Role);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(OrgRole.Admin, await factory.WithDbAsync(d => d.Memberships.Where(m => m.OrgId == org.Id && m.UserId == invitee.Id).Select(m => m.Role).SingleAsync(TestContext.Current.CancellationToken)));
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "invite.accepted" && e.ActorUserId == invitee.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_used_token_cannot_be_replayed_by_anyone_after_leaving(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var invitee = await factory.CreateVerifiedUserAsync();
        var token = await InviteAsync(factory, owner, org.Id, invitee.Email);
        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(invitee, token)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await invitee.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}/members/{invitee.Id}")).StatusCode);

        var reuse = await AcceptAsync(invitee, token);

        await reuse.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(await factory.WithDbAsync(d => d.Memberships.AnyAsync(m => m.OrgId == org.Id && m.UserId == invitee.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_invite_expires_after_seven_days(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var invitee = await factory.CreateVerifiedUserAsync();
        var token = await InviteAsync(factory, owner, org.Id, invitee.Email);

        factory.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        // Sessions end after their idle timeout, so the invitee signs in again in the future.
        var later = invitee with { Browser = await factory.SignInAsync(invitee) };
        var response = await AcceptAsync(later, token);

        await response.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(await factory.WithDbAsync(d => d.Memberships.AnyAsync(m => m.OrgId == org.Id && m.UserId == invitee.Id, TestContext.Current.CancellationToken)));
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "invite.accept_failed" && e.Data!.Contains("expired"), TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_user_with_another_email_cannot_accept_and_gets_the_same_answer_as_for_a_bad_token(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var invitee = await factory.CreateVerifiedUserAsync();
        var intruder = await factory.CreateVerifiedUserAsync();
        var token = await InviteAsync(factory, owner, org.Id, invitee.Email);

        var wrongEmail = await (await AcceptAsync(intruder, token)).IsProblemAsync(HttpStatusCode.BadRequest);
        var badToken = await (await AcceptAsync(intruder, "not-a-token")).IsProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(badToken.GetProperty("errors").ToString(), wrongEmail.GetProperty("errors").ToString());
        Assert.False(await factory.WithDbAsync(d => d.Memberships.AnyAsync(m => m.OrgId == org.Id && m.UserId == intruder.Id, TestContext.Current.CancellationToken)));
        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(invitee, token)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_admin_cannot_invite_above_their_own_role_and_the_attempt_is_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var admin = await factory.CreateMemberAsync(org.Id, OrgRole.Admin);

        var response = await admin.Browser.PostJsonAsync($"/api/v1/orgs/{org.Id}/invites", new { email = AuthTestExtensions.NewEmail(), role = "owner" });

        await response.IsProblemAsync(HttpStatusCode.Forbidden);
        Assert.False(await factory.WithDbAsync(d => d.Invites.AnyAsync(TestContext.Current.CancellationToken)));
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "invite.created" && e.Outcome == "denied" && e.ActorUserId == admin.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_token_is_stored_only_as_its_sha256(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var email = AuthTestExtensions.NewEmail();

        var token = await InviteAsync(factory, owner, org.Id, email);

        Assert.Equal(43, token.Length);
        var invite = await factory.WithDbAsync(d => d.Invites.SingleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(SessionTokens.Hash(token), invite.TokenHash);
        Assert.Equal(factory.Time.GetUtcNow().UtcDateTime.AddDays(7), invite.ExpiresAt);
    }

    private static async Task<List<InviteResponse>> ListAsync(SignedInUser admin, Guid orgId)
    {
        var response = await admin.Browser.GetAsync($"/api/v1/orgs/{orgId}/invites");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<PagedList<InviteResponse>>(TestContext.Current.CancellationToken))!.Items];
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Admins_list_the_pending_invites_but_not_accepted_or_expired_ones(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var admin = await factory.CreateMemberAsync(org.Id, OrgRole.Admin);
        var joiner = await factory.CreateVerifiedUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await AcceptAsync(joiner, await InviteAsync(factory, owner, org.Id, joiner.Email))).StatusCode);
        var stale = await factory.AddInviteAsync(org.Id, owner.Id, OrgRole.Member);
        factory.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        var later = admin with { Browser = await factory.SignInAsync(admin) };
        var pendingEmail = AuthTestExtensions.NewEmail();
        await InviteAsync(factory, owner with { Browser = await factory.SignInAsync(owner) }, org.Id, pendingEmail, "viewer");

        var listed = await ListAsync(later, org.Id);

        var pending = Assert.Single(listed);
        Assert.Equal(pendingEmail, pending.Email);
        Assert.Equal(OrgRole.Viewer, pending.Role);
        Assert.Equal(owner.Id, pending.InvitedBy);
        Assert.DoesNotContain(listed, i => i.Id == stale.Id || i.Email == joiner.Email);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_revoked_invite_cannot_be_accepted_and_the_revocation_is_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var invitee = await factory.CreateVerifiedUserAsync();
        var token = await InviteAsync(factory, owner, org.Id, invitee.Email);
        var invite = Assert.Single(await ListAsync(owner, org.Id));

        var revoked = await owner.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}/invites/{invite.Id}");
        var accepted = await AcceptAsync(invitee, token);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        await accepted.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await ListAsync(owner, org.Id));
        Assert.False(await factory.WithDbAsync(d => d.Memberships.AnyAsync(m => m.OrgId == org.Id && m.UserId == invitee.Id, TestContext.Current.CancellationToken)));
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(
            e => e.Action == TenancyAuditActions.InviteRevoked && e.Outcome == "success" && e.ActorUserId == owner.Id && e.TargetId == invite.Id.ToString(), TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_invite_of_another_organization_cannot_be_revoked_from_this_one(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var alice = await factory.CreateSignedInUserAsync();
        var bob = await factory.CreateSignedInUserAsync();
        var aliceOrg = await alice.CreateOrgAsync();
        var bobOrg = await bob.CreateOrgAsync();
        var bobInvite = await factory.AddInviteAsync(bobOrg.Id, bob.Id, OrgRole.Member);

        var response = await alice.Browser.DeleteAsync($"/api/v1/orgs/{aliceOrg.Id}/invites/{bobInvite.Id}");

        await response.IsProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(await ListAsync(bob, bobOrg.Id), i => i.Id == bobInvite.Id);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_admin_cannot_revoke_an_invite_for_the_owner_role(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var admin = await factory.CreateMemberAsync(org.Id, OrgRole.Admin);
        var ownerInvite = await factory.AddInviteAsync(org.Id, owner.Id, OrgRole.Owner);

        var response = await admin.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}/invites/{ownerInvite.Id}");

        await response.IsProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(await ListAsync(owner, org.Id), i => i.Id == ownerInvite.Id);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_removed_admins_invite_no_longer_brings_an_accomplice_in(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var admin = await factory.CreateMemberAsync(org.Id, OrgRole.Admin);
        var accomplice = await factory.CreateVerifiedUserAsync();
        var token = await InviteAsync(factory, admin, org.Id, accomplice.Email, "admin");
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}/members/{admin.Id}")).StatusCode);

        var listed = await ListAsync(owner, org.Id);
        var accepted = await AcceptAsync(accomplice, token);

        Assert.Empty(listed);
        await accepted.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(await factory.WithDbAsync(d => d.Memberships.AnyAsync(m => m.OrgId == org.Id && m.UserId == accomplice.Id, TestContext.Current.CancellationToken)));
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(
            e => e.Action == TenancyAuditActions.InviteAcceptFailed && e.Data!.Contains("inviter_lost_role"), TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite, "member")]
    [InlineData(Db.Postgres, "member")]
    [InlineData(Db.Postgres, "viewer")]
    public async Task A_demoted_admins_invite_dies_with_the_role(Db db, string demotedTo)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var admin = await factory.CreateMemberAsync(org.Id, OrgRole.Admin);
        var invitee = await factory.CreateVerifiedUserAsync();
        var token = await InviteAsync(factory, admin, org.Id, invitee.Email, "member");
        Assert.Equal(HttpStatusCode.OK, (await owner.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{admin.Id}", new { role = demotedTo })).StatusCode);

        var accepted = await AcceptAsync(invitee, token);

        await accepted.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(await factory.WithDbAsync(d => d.Memberships.AnyAsync(m => m.OrgId == org.Id && m.UserId == invitee.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_owners_invite_for_the_owner_role_dies_when_the_owner_becomes_admin(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var coOwner = await factory.CreateMemberAsync(org.Id, OrgRole.Owner);
        var invitee = await factory.CreateVerifiedUserAsync();
        var token = await InviteAsync(factory, coOwner, org.Id, invitee.Email, "owner");
        Assert.Equal(HttpStatusCode.OK, (await owner.Browser.PatchJsonAsync($"/api/v1/orgs/{org.Id}/members/{coOwner.Id}", new { role = "admin" })).StatusCode);

        var accepted = await AcceptAsync(invitee, token);

        await accepted.IsProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_invite_lifetime_is_configurable(Db db)
    {
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["Tenancy:InviteLifetime"] = "2.00:00:00" });
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var email = AuthTestExtensions.NewEmail();

        var token = await InviteAsync(factory, owner, org.Id, email);

        Assert.NotEmpty(token);
        Assert.Equal(factory.Time.GetUtcNow().UtcDateTime.AddDays(2), (await ListAsync(owner, org.Id)).Single().ExpiresAt);
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("60.00:00:00")]
    public async Task An_invite_lifetime_out_of_range_stops_the_start(string lifetime)
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["Tenancy:InviteLifetime"] = lifetime }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains("InviteLifetime", output, StringComparison.Ordinal);
    }
}
