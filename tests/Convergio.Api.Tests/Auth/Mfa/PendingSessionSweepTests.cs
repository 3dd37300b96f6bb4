using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Auth.Mfa;

public sealed class PendingSessionSweepTests
{
    private const string Verify = "POST /api/v1/auth/mfa/verify";
    private const string Logout = "POST /api/v1/auth/logout";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_pending_session_gets_401_on_every_route_but_verify_and_logout(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);

        var routes = RegisteredRoutes.All(factory).Where(r => !r.Endpoint.IsPublic()).ToList();
        Assert.Contains(routes, r => r.Key == Verify);
        Assert.Contains(routes, r => r.Key == Logout);

        var answers = new Dictionary<string, HttpStatusCode>();
        // Logout last: it ends the session the sweep is using.
        foreach (var route in routes.OrderBy(r => r.Key == Logout))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path()) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            answers[route.Key] = (await browser.Client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
        }

        Assert.All(answers.Where(a => a.Key is not (Verify or Logout)), a => Assert.True(a.Value == HttpStatusCode.Unauthorized, $"{a.Key} answered {(int)a.Value}"));
        Assert.NotEqual(HttpStatusCode.Unauthorized, answers[Verify]);
        Assert.Equal(HttpStatusCode.NoContent, answers[Logout]);
    }

    [Fact]
    public void Verify_is_under_the_auth_rate_limit_policy()
    {
        using var factory = new ConvergioFactory();

        var verify = RegisteredRoutes.All(factory).Single(r => r.Key == Verify);

        Assert.Equal("auth", verify.Endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName);
    }
}
