using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Auth;

public sealed class SessionTests
{
    private const string Me = "/api/v1/auth/me";
    private const string Logout = "/api/v1/auth/logout";
    private const string Sessions = "/api/v1/auth/sessions";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record SessionBody(Guid Id, DateTime CreatedAt, DateTime LastSeenAt, string? Ip, string? UserAgent, bool Current);

    private static async Task<HttpStatusCode> MeStatusAsync(TestBrowser browser) => (await browser.Client.GetAsync(Me, Cancel)).StatusCode;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Me_returns_the_signed_in_user(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();

        var me = await user.Client.GetFromJsonAsync<AuthTestExtensions.UserBody>(Me, Cancel);

        Assert.Equal(new AuthTestExtensions.UserBody(user.Id, user.Email, "Test User", "free"), me);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Me_without_a_session_or_with_an_unknown_token_is_401_problem(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();

        await ProblemAssert.IsProblemAsync(await browser.Client.GetAsync(Me, Cancel), HttpStatusCode.Unauthorized);
        browser.SetCookie(AuthNames.SessionCookie, TestKeys.SigningKey());
        await ProblemAssert.IsProblemAsync(await browser.Client.GetAsync(Me, Cancel), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_database_keeps_only_the_sha256_of_the_session_token(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var token = user.Browser.Cookie(AuthNames.SessionCookie)!;

        var session = await factory.WithDbAsync(d => d.Sessions.SingleAsync(s => s.UserId == user.Id, Cancel));

        Assert.Equal(43, token.Length);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), session.TokenHash);
        Assert.Equal(factory.Time.GetUtcNow().UtcDateTime.AddDays(7), session.ExpiresAt);
        Assert.Equal(user.Browser.RemoteIp.ToString(), session.Ip);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Logout_is_204_clears_both_cookies_and_the_old_cookie_replayed_is_401(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var token = user.Browser.Cookie(AuthNames.SessionCookie)!;

        var response = await user.Client.PostAsync(Logout, null, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cleared = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cleared, c => c.StartsWith(AuthNames.SessionCookie + "=;", StringComparison.Ordinal) && c.Contains("max-age=0", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(cleared, c => c.StartsWith(AuthNames.CsrfCookie + "=;", StringComparison.Ordinal) && c.Contains("max-age=0", StringComparison.OrdinalIgnoreCase));
        Assert.Null(user.Browser.Cookie(AuthNames.SessionCookie));
        Assert.Equal(0, await factory.WithDbAsync(d => d.Sessions.CountAsync(Cancel)));
        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == AuthAuditActions.Logout && e.ActorUserId == user.Id, Cancel)));
        using var replay = factory.CreateBrowser();
        replay.SetCookie(AuthNames.SessionCookie, token);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(replay));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Logout_without_a_session_is_401(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();

        await ProblemAssert.IsProblemAsync(await browser.Client.PostAsync(Logout, null, Cancel), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_session_idle_for_the_idle_timeout_ends_and_activity_slides_it(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();

        factory.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        factory.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        factory.Time.Advance(TimeSpan.FromHours(24));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(user.Browser));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_idle_timeout_is_configurable(Db db)
    {
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["Auth:IdleTimeout"] = "00:30:00" });
        using var user = await factory.CreateSignedInUserAsync();

        factory.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(user.Browser));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_session_ends_seven_days_after_sign_in_however_active(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();

        for (var i = 0; i < 13; i++)
        {
            factory.Time.Advance(TimeSpan.FromHours(12));
            Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        }
        factory.Time.Advance(TimeSpan.FromHours(12));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(user.Browser));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Last_seen_is_written_in_batches_off_the_request_path(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var signedInAt = factory.Time.GetUtcNow().UtcDateTime;
        Task<DateTime> LastSeenAsync() => factory.WithDbAsync(d => d.Sessions.Where(s => s.UserId == user.Id).Select(s => s.LastSeenAt).SingleAsync(Cancel));

        factory.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        Assert.Equal(signedInAt, await LastSeenAsync());

        factory.Time.Advance(LastSeenWriter.FlushInterval);
        Assert.Equal(signedInAt.AddMinutes(1), await Eventually.ReadAsync(LastSeenAsync, seen => seen != signedInAt));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Disabling_a_user_ends_their_sessions_at_once(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));

        await factory.UpdateUserAsync(user.Id, u => u.SetProperty(x => x.DisabledAt, DateTime.UtcNow));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(user.Browser));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Sessions_lists_only_the_users_own_live_sessions_and_marks_the_current_one(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var laptop = factory.CreateBrowser();
        laptop.Client.DefaultRequestHeaders.UserAgent.ParseAdd("Laptop/1.0");
        await laptop.LoginAsync(user.Email, user.Password);
        using var stranger = await factory.CreateSignedInUserAsync();

        var sessions = await laptop.Client.GetFromJsonAsync<List<SessionBody>>(Sessions, Cancel);

        Assert.Equal(2, sessions!.Count);
        var current = Assert.Single(sessions, s => s.Current);
        Assert.Equal("Laptop/1.0", current.UserAgent);
        Assert.Equal(laptop.RemoteIp.ToString(), current.Ip);
        Assert.Equal(factory.Time.GetUtcNow().UtcDateTime, current.CreatedAt);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Deleting_an_own_session_is_204_and_ends_it(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var other = factory.CreateBrowser();
        await other.LoginAsync(user.Email, user.Password);
        var sessions = await user.Client.GetFromJsonAsync<List<SessionBody>>(Sessions, Cancel);
        var otherId = Assert.Single(sessions!, s => !s.Current).Id;

        var response = await user.Client.DeleteAsync($"{Sessions}/{otherId}", Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(other));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        var audit = await factory.WithDbAsync(d => d.AuditEvents.SingleAsync(e => e.Action == AuthAuditActions.SessionRevoked, Cancel));
        Assert.Equal((user.Id, otherId.ToString()), (audit.ActorUserId!.Value, audit.TargetId));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Deleting_another_users_session_is_404_and_leaves_it_alive(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var victim = await factory.CreateSignedInUserAsync();
        var victimSession = await factory.WithDbAsync(d => d.Sessions.Where(s => s.UserId == victim.Id).Select(s => s.Id).SingleAsync(Cancel));

        var response = await user.Client.DeleteAsync($"{Sessions}/{victimSession}", Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(victim.Browser));
        await ProblemAssert.IsProblemAsync(await user.Client.DeleteAsync($"{Sessions}/{Guid.NewGuid()}", Cancel), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Revoke_others_is_204_keeps_the_current_session_and_ends_the_rest(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        using var phone = factory.CreateBrowser();
        using var tablet = factory.CreateBrowser();
        await phone.LoginAsync(user.Email, user.Password);
        await tablet.LoginAsync(user.Email, user.Password);
        using var stranger = await factory.CreateSignedInUserAsync();

        var response = await user.Client.PostAsync($"{Sessions}/revoke-others", null, Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(user.Browser));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(phone));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeStatusAsync(tablet));
        Assert.Equal(HttpStatusCode.OK, await MeStatusAsync(stranger.Browser));
        var audit = await factory.WithDbAsync(d => d.AuditEvents.SingleAsync(e => e.Action == AuthAuditActions.SessionRevoked, Cancel));
        Assert.Contains("\"count\":2", audit.Data, StringComparison.Ordinal);
    }
}
