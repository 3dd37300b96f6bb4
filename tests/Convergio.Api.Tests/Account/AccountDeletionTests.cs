using System.Net;
using Convergio.Api.Account;
using Convergio.Api.Admin;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Audit;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Account;

/// <summary>
/// DELETE /api/v1/auth/me and DELETE /api/v1/admin/users/{id}: refused while the user is the last owner
/// of an organization; otherwise every session, credential, key, membership, invitation and link goes,
/// the row becomes a tombstone, and the audit trail keeps the id but no personal data, still verifying.
/// </summary>
public sealed class AccountDeletionTests
{
    private const string MePath = "/api/v1/auth/me";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> AdminDeleteAsync(SignedInUser admin, Guid userId, string? reason) =>
        admin.Browser.DeleteJsonAsync($"/api/v1/admin/users/{userId}", new { reason });

    private static Task<User> StoredUserAsync(ConvergioFactory factory, Guid id) =>
        factory.WithDbAsync(d => d.Users.AsNoTracking().SingleAsync(u => u.Id == id, Cancel));

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_last_owner_of_an_organization_is_refused_with_409_last_owner_naming_it_and_nothing_is_deleted(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var sole = await user.CreateOrgAsync();
        var shared = await user.CreateOrgAsync();
        var coOwner = await factory.CreateMemberAsync(shared.Id, OrgRole.Owner);

        var response = await user.Browser.DeleteAsync(MePath);

        var problem = await response.IsProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(ProblemTypes.LastOwner, problem.GetProperty("type").GetString());
        var named = Assert.Single(problem.GetProperty("organizations").EnumerateArray());
        Assert.Equal((sole.Id, sole.Name), (named.GetProperty("id").GetGuid(), named.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync(MePath)).StatusCode);
        Assert.Equal(2, await factory.WithDbAsync(d => d.Memberships.CountAsync(m => m.UserId == user.Id, Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Deleting_removes_sessions_credentials_keys_tokens_memberships_invitations_and_links(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var holder = await AccountHolder.CreateAsync(factory);
        var userId = holder.User.Id;
        var email = holder.User.Email;

        Assert.Equal(HttpStatusCode.NoContent, (await holder.User.Browser.DeleteAsync(MePath)).StatusCode);

        var left = await factory.WithDbAsync(async d => new Dictionary<string, int>
        {
            ["sessions"] = await d.Sessions.CountAsync(s => s.UserId == userId, Cancel),
            ["totp"] = await d.TotpCredentials.CountAsync(t => t.UserId == userId, Cancel),
            ["recovery codes"] = await d.RecoveryCodes.CountAsync(c => c.UserId == userId, Cancel),
            ["passkeys"] = await d.Passkeys.CountAsync(p => p.UserId == userId, Cancel),
            ["provider keys"] = await d.ProviderKeys.CountAsync(k => k.UserId == userId, Cancel),
            ["api tokens"] = await d.ApiTokens.CountAsync(t => t.UserId == userId, Cancel),
            ["memberships"] = await d.Memberships.CountAsync(m => m.UserId == userId, Cancel),
            ["invites"] = await d.Invites.CountAsync(i => i.InvitedBy == userId || i.Email == email, Cancel),
            ["reset links"] = await d.PasswordResetTokens.CountAsync(t => t.UserId == userId, Cancel),
            ["verification links"] = await d.EmailVerificationTokens.CountAsync(t => t.UserId == userId, Cancel),
            ["email change links"] = await d.EmailChangeTokens.CountAsync(t => t.UserId == userId, Cancel),
            ["mail to the address"] = await d.OutboxEmails.CountAsync(m => m.To == email, Cancel),
        });
        Assert.All(left, entry => Assert.True(entry.Value == 0, $"{entry.Key}: {entry.Value} left"));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_user_row_becomes_a_tombstone_without_address_name_or_password(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync(MePath)).StatusCode);

        var stored = await StoredUserAsync(factory, user.Id);
        Assert.Equal(AccountDeletion.TombstoneEmail(user.Id), stored.Email);
        Assert.EndsWith(".invalid", stored.Email, StringComparison.Ordinal);
        Assert.Null(stored.FullName);
        Assert.Equal("", stored.PasswordHash);
        Assert.NotNull(stored.DeletedAt);
        Assert.NotNull(stored.DisabledAt);
    }

    [Fact]
    public async Task The_deleting_browser_is_signed_out_and_its_cookie_cleared()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync(MePath)).StatusCode);

        Assert.True(string.IsNullOrEmpty(user.Browser.Cookie(AuthNames.SessionCookie)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Browser.GetAsync(MePath)).StatusCode);
    }

    [Fact]
    public async Task Another_session_of_the_user_is_refused_after_deletion()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        using var laptop = await factory.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync(MePath)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync(MePath)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync(MePath)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Signing_in_with_the_old_credentials_fails(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync(MePath)).StatusCode);
        using var browser = factory.CreateBrowser();

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LoginAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public async Task The_address_is_free_for_a_new_account_afterwards()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync(MePath)).StatusCode);

        using var again = await factory.CreateSignedInUserAsync(user.Email);

        Assert.NotEqual(user.Id, again.Id);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Audit_events_keep_the_user_id_lose_address_browser_and_key_and_the_chain_still_verifies(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var holder = await AccountHolder.CreateAsync(factory);
        var userId = holder.User.Id;
        var subject = userId.ToString();
        await AuditTrail.SealAsync(factory);
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.ActorUserId == userId && e.Ip != null && e.PersonalKey != null, Cancel)));

        Assert.Equal(HttpStatusCode.NoContent, (await holder.User.Browser.DeleteAsync(MePath)).StatusCode);
        await AuditTrail.SealAsync(factory);

        var events = (await AuditTrail.AllAsync(factory)).Where(e => e.ActorUserId == userId || (e.TargetType == "user" && e.TargetId == subject)).ToList();
        var deletion = Assert.Single(events, e => e.Action == AccountAuditActions.Deleted);
        Assert.All(events, e => Assert.True(e.Ip is null && e.UserAgent is null, $"{e.Action} #{e.Seq} keeps an address or browser"));
        // Events sealed before the deletion lose the key of their digest; the deletion's own was sealed over nothing personal.
        Assert.All(events.Where(e => e.Id < deletion.Id), e => Assert.True(e.PersonalKey is null && e.PersonalDigest is not null, $"{e.Action} #{e.Seq} keeps its key"));
        var report = await AuditTrail.VerifyAsync(factory);
        Assert.True(report.Intact, report.FirstBreak?.Problem);
        Assert.Equal(0, report.Unsealed);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_platform_admin_deletes_a_user_with_a_reason_and_it_is_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await AdminDeleteAsync(admin, user.Id, "Account closure requested by ticket 4711")).StatusCode);

        Assert.NotNull((await StoredUserAsync(factory, user.Id)).DeletedAt);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Browser.GetAsync(MePath)).StatusCode);
        var recorded = await factory.WithDbAsync(d => d.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == AdminAuditActions.UserDeleted, Cancel));
        Assert.Equal((admin.Id, user.Id.ToString()), (recorded.ActorUserId, recorded.TargetId));
        Assert.Contains("ticket 4711", recorded.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_deletion_without_a_reason_is_400_naming_reason_and_deletes_nothing()
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();

        await ProblemAssert.IsValidationProblemAsync(await AdminDeleteAsync(admin, user.Id, "  "), "reason");
        Assert.Null((await StoredUserAsync(factory, user.Id)).DeletedAt);
    }

    [Fact]
    public async Task An_admin_deletion_of_a_last_owner_is_409_last_owner()
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();
        var org = await user.CreateOrgAsync();

        var response = await AdminDeleteAsync(admin, user.Id, "Closure");

        var problem = await response.IsProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(ProblemTypes.LastOwner, problem.GetProperty("type").GetString());
        Assert.Equal(org.Id, Assert.Single(problem.GetProperty("organizations").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Null((await StoredUserAsync(factory, user.Id)).DeletedAt);
    }

    [Fact]
    public async Task An_admin_cannot_delete_their_own_account_through_the_admin_route()
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();

        await (await AdminDeleteAsync(admin, admin.Id, "Leaving")).IsProblemAsync(HttpStatusCode.Conflict);
        Assert.Null((await StoredUserAsync(factory, admin.Id)).DeletedAt);
    }

    [Fact]
    public async Task An_unknown_or_already_deleted_user_is_404_for_the_admin()
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await AdminDeleteAsync(admin, user.Id, "Closure")).StatusCode);

        await (await AdminDeleteAsync(admin, user.Id, "Closure")).IsProblemAsync(HttpStatusCode.NotFound);
        await (await AdminDeleteAsync(admin, Guid.NewGuid(), "Closure")).IsProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_deleted_account_cannot_be_enabled_again()
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await AdminDeleteAsync(admin, user.Id, "Closure")).StatusCode);

        await (await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{user.Id}/enable", new { })).IsProblemAsync(HttpStatusCode.NotFound);
        Assert.NotNull((await StoredUserAsync(factory, user.Id)).DisabledAt);
    }
}
