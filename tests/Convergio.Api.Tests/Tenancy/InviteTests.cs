using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Auth;
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
}
