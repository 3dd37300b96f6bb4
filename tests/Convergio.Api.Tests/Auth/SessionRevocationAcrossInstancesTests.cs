using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Edge;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Auth;

/// <summary>
/// Two instances on one PostgreSQL database and one Redis: a session ended or changed on one is
/// refused by the other, which had it cached, once the invalidation reaches it through Redis; and
/// while the instances cannot hear each other, the other reads every session from the database.
/// </summary>
public sealed class SessionRevocationAcrossInstancesTests
{
    private const string Me = "/api/v1/auth/me";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record SessionBody(Guid Id, bool Current);

    private static async Task<HttpStatusCode> MeStatusAsync(TestBrowser browser) => (await browser.Client.GetAsync(Me, Cancel)).StatusCode;

    /// <summary>The other instance's browser with the same session cookie, once the instance serves that session from its cache.</summary>
    private static async Task<TestBrowser> CachedOnAsync(ConvergioFactory instance, TestBrowser signedIn)
    {
        var cache = instance.Services.GetRequiredService<SessionCache>();
        Assert.True(await Eventually.ReadAsync(() => Task.FromResult(cache.IsTrusted(instance.Time.GetUtcNow().UtcDateTime)), trusted => trusted));
        var browser = instance.CreateBrowser();
        browser.SetCookie(AuthNames.SessionCookie, signedIn.Cookie(AuthNames.SessionCookie)!);
        var cached = cache.Count;
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(browser));
        Assert.Equal(cached + 1, cache.Count);
        return browser;
    }

    private static Task<HttpStatusCode> RefusedEventuallyAsync(TestBrowser browser) =>
        Eventually.ReadAsync(() => MeStatusAsync(browser), status => status == HttpStatusCode.Unauthorized);

    [Fact]
    public async Task A_logout_on_one_instance_is_refused_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(2, redis.ConnectionString);
        using var user = await instances[0].CreateSignedInUserAsync();
        using var elsewhere = await CachedOnAsync(instances[1], user.Browser);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/logout", new { })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedEventuallyAsync(elsewhere));
    }

    [Fact]
    public async Task A_session_revoked_on_one_instance_is_refused_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(2, redis.ConnectionString);
        using var user = await instances[0].CreateSignedInUserAsync();
        using var laptop = await instances[0].SignInAsync(user);
        using var elsewhere = await CachedOnAsync(instances[1], laptop);
        var laptopId = Assert.Single((await laptop.Client.GetFromJsonAsync<List<SessionBody>>("/api/v1/auth/sessions", Cancel))!, s => s.Current).Id;

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync($"/api/v1/auth/sessions/{laptopId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedEventuallyAsync(elsewhere));
    }

    [Fact]
    public async Task A_password_change_on_one_instance_ends_the_other_sessions_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(2, redis.ConnectionString);
        using var user = await instances[0].CreateSignedInUserAsync();
        using var laptop = await instances[0].SignInAsync(user);
        using var elsewhere = await CachedOnAsync(instances[1], laptop);

        var changed = await user.Browser.PostJsonAsync("/api/v1/auth/change-password", new { currentPassword = user.Password, newPassword = TestKeys.Password() });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedEventuallyAsync(elsewhere));
    }

    [Fact]
    public async Task A_user_disabled_on_one_instance_is_refused_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(2, redis.ConnectionString);
        using var admin = await instances[0].CreatePlatformAdminAsync();
        using var user = await instances[0].CreateSignedInUserAsync();
        using var elsewhere = await CachedOnAsync(instances[1], user.Browser);

        Assert.Equal(HttpStatusCode.OK, (await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{user.Id}/disable", new { })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedEventuallyAsync(elsewhere));
    }

    [Fact]
    public async Task An_email_change_confirmed_on_one_instance_ends_the_other_sessions_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(2, redis.ConnectionString);
        using var user = await instances[0].CreateSignedInUserAsync();
        using var laptop = await instances[0].SignInAsync(user);
        using var elsewhere = await CachedOnAsync(instances[1], laptop);
        var newEmail = AuthTestExtensions.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await user.Browser.PostJsonAsync("/api/v1/auth/email-change", new { newEmail })).StatusCode);
        var token = await MailPickup.WaitForLinkTokenAsync(instances[0].MailDirectory, newEmail, "/email-change/confirm");
        using var mailbox = instances[0].CreateBrowser();

        Assert.Equal(HttpStatusCode.NoContent, (await mailbox.PostJsonAsync("/api/v1/auth/email-change/confirm", new { token })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedEventuallyAsync(elsewhere));
    }

    [Fact]
    public async Task An_account_deleted_on_one_instance_is_refused_on_the_other()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(2, redis.ConnectionString);
        using var user = await instances[0].CreateSignedInUserAsync();
        using var laptop = await instances[0].SignInAsync(user);
        using var elsewhere = await CachedOnAsync(instances[1], laptop);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync("/api/v1/auth/me")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedEventuallyAsync(elsewhere));
    }

    [Fact]
    public async Task While_redis_is_down_the_other_instance_reads_every_session_from_the_database()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(2, redis.ConnectionString);
        using var user = await instances[0].CreateSignedInUserAsync();
        using var elsewhere = await CachedOnAsync(instances[1], user.Browser);
        var otherCache = instances[1].Services.GetRequiredService<SessionCache>();

        await redis.StopAsync();
        Assert.False(await Eventually.ReadAsync(() => Task.FromResult(otherCache.IsTrusted(instances[1].Time.GetUtcNow().UtcDateTime)), trusted => !trusted));
        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/logout", new { })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(elsewhere));
    }
}
