using System.Net;
using System.Text.Json;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Auth;

public sealed class ChangePasswordTests
{
    private static Task<HttpResponseMessage> ChangeAsync(TestBrowser browser, string current, string next) =>
        browser.PostJsonAsync("/api/v1/auth/change-password", new { currentPassword = current, newPassword = next });

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Change_password_is_204_keeps_this_session_and_ends_the_others(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var other = await factory.SignInAsync(user);
        var newPassword = TestKeys.Password();

        Assert.Equal(HttpStatusCode.NoContent, (await ChangeAsync(user.Browser, user.Password, newPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/v1/auth/me")).StatusCode);
        await factory.SignInAsync(user with { Password = newPassword });
    }

    [Fact]
    public async Task A_wrong_current_password_is_400()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        var response = await ChangeAsync(user.Browser, "not-the-password", TestKeys.Password());

        await ProblemAssert.IsValidationProblemAsync(response, "currentPassword");
    }

    [Fact]
    public async Task The_new_password_must_follow_the_rules()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync(user.Browser, user.Password, "short")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_fourth_attempt_in_15_minutes_is_429_with_retry_after_even_with_the_right_password(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await ChangeAsync(user.Browser, "wrong-" + i, TestKeys.Password())).StatusCode);
        }

        var limited = await ChangeAsync(user.Browser, user.Password, TestKeys.Password());

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.True(problem.GetProperty("retryAfter").GetInt32() > 0);

        factory.Time.Advance(TimeSpan.FromMinutes(15));
        // Past the step-up window too: a password change needs a fresh authentication.
        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = user.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ChangeAsync(user.Browser, user.Password, TestKeys.Password())).StatusCode);
    }

    [Fact]
    public async Task A_password_change_is_audited()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        await ChangeAsync(user.Browser, user.Password, TestKeys.Password());

        Assert.True(await factory.WithDbAsync(d => d.AuditEvents.AnyAsync(e => e.Action == AuthAuditActions.PasswordChanged && e.ActorUserId == user.Id, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Parallel_attempts_share_the_budget_and_never_fail(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => ChangeAsync(user.Browser, "wrong-" + i, TestKeys.Password())));

        Assert.Equal(3, statuses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
        Assert.Equal(5, statuses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }
}
