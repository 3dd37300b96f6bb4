using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Admin;
using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Admin;

public sealed class PlatformAdminTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Disabling_a_user_ends_their_live_session_at_once(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();
        using var secondBrowser = await factory.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);

        var response = await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{user.Id}/disable", new { });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await (await user.Browser.GetAsync("/api/v1/auth/me")).IsProblemAsync(HttpStatusCode.Unauthorized);
        await (await secondBrowser.GetAsync("/api/v1/auth/me")).IsProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await factory.WithDbAsync(d => d.Sessions.CountAsync(s => s.UserId == user.Id, TestContext.Current.CancellationToken)));
        using var retry = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await retry.LoginAsync(user.Email, user.Password)).StatusCode);
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "admin.user_disabled" && e.ActorUserId == admin.Id && e.TargetId == user.Id.ToString(), TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_enabled_user_can_sign_in_again(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{user.Id}/disable", new { })).StatusCode);

        var enable = await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{user.Id}/enable", new { });

        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        using var browser = await factory.SignInAsync(user);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Terminating_sessions_signs_the_user_out_everywhere_without_disabling(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();
        using var second = await factory.SignInAsync(user);

        var response = await admin.Browser.DeleteAsync($"/api/v1/admin/users/{user.Id}/sessions");

        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<SessionsRevokedResponse>(TestContext.Current.CancellationToken))!.Revoked);
        await (await user.Browser.GetAsync("/api/v1/auth/me")).IsProblemAsync(HttpStatusCode.Unauthorized);
        using var again = await factory.SignInAsync(user);
    }

    [Theory]
    [InlineData("/api/v1/admin/audit/export")]
    [InlineData("/api/v1/admin/security-reports")]
    public async Task A_non_admin_refused_by_any_platform_admin_group_is_audited_as_access_denied(string path)
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        await (await user.Browser.GetAsync(path)).IsProblemAsync(HttpStatusCode.Forbidden);

        var denied = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.ActorUserId == user.Id && e.Outcome == "denied").Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal([PlatformAdminGroup.AccessDenied], denied);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_signed_in_non_admin_is_403_on_every_admin_endpoint_and_each_attempt_is_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var other = await factory.CreateSignedInUserAsync();

        HttpResponseMessage[] responses =
        [
            await user.Browser.GetAsync("/api/v1/admin/users"),
            await user.Browser.PostJsonAsync($"/api/v1/admin/users/{other.Id}/disable", new { }),
            await user.Browser.PostJsonAsync($"/api/v1/admin/users/{other.Id}/enable", new { }),
            await user.Browser.DeleteAsync($"/api/v1/admin/users/{other.Id}/sessions"),
            await user.Browser.GetAsync("/api/v1/admin/audit"),
        ];

        foreach (var response in responses)
        {
            await response.IsProblemAsync(HttpStatusCode.Forbidden);
        }
        var denied = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.ActorUserId == user.Id && e.Outcome == "denied").Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["admin.audit_read", "admin.user_disabled", "admin.user_enabled", "admin.user_sessions_revoked", "admin.users_listed"], denied.Order());
        Assert.Null(await factory.WithDbAsync(d => d.Users.Where(u => u.Id == other.Id).Select(u => u.DisabledAt).SingleAsync(TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Users_are_searched_by_email_fragment_and_paged(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var admin = await factory.CreatePlatformAdminAsync();
        var tagged = new List<SignedInUser>();
        for (var i = 0; i < 3; i++)
        {
            tagged.Add(await factory.CreateSignedInUserAsync($"needle-{i}-{Guid.NewGuid():N}@example.test"));
        }

        var first = await admin.Browser.Client.GetFromJsonAsync<PagedList<AdminUserResponse>>("/api/v1/admin/users?email=NEEDLE&pageSize=2", TestContext.Current.CancellationToken);
        var second = await admin.Browser.Client.GetFromJsonAsync<PagedList<AdminUserResponse>>("/api/v1/admin/users?email=needle&pageSize=2&page=2", TestContext.Current.CancellationToken);
        var oversize = await admin.Browser.GetAsync("/api/v1/admin/users?pageSize=1000");

        Assert.Equal(3, first!.Total);
        Assert.Equal(2, first.Items.Count);
        Assert.Single(second!.Items);
        Assert.Equal(tagged.Select(u => u.Id).Order(), first.Items.Concat(second.Items).Select(u => u.Id).Order());
        await oversize.IsProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_audit_log_is_filtered_by_actor_org_action_and_time(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var admin = await factory.CreatePlatformAdminAsync();
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        var start = factory.Time.GetUtcNow();
        factory.Time.Advance(TimeSpan.FromMinutes(1));
        await owner.CreateProjectAsync(org.Id);
        factory.Time.Advance(TimeSpan.FromMinutes(1));
        var end = factory.Time.GetUtcNow();
        await owner.CreateProjectAsync(org.Id);

        var query = $"/api/v1/admin/audit?actor={owner.Id}&org={org.Id}&action=project.created"
            + $"&from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(end.ToString("O"))}";
        var page = await admin.Browser.Client.GetFromJsonAsync<PagedList<AuditEventResponse>>(query, TestContext.Current.CancellationToken);
        var backwards = await admin.Browser.GetAsync($"/api/v1/admin/audit?from={Uri.EscapeDataString(end.ToString("O"))}&to={Uri.EscapeDataString(start.ToString("O"))}");

        var only = Assert.Single(page!.Items);
        Assert.Equal(start.UtcDateTime.AddMinutes(1), only.OccurredAt);
        await backwards.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == "admin.audit_read" && e.ActorUserId == admin.Id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task An_admin_cannot_disable_themselves()
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();

        var response = await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{admin.Id}/disable", new { });

        await response.IsProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await admin.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
    }
}
