using System.Net;
using System.Text.RegularExpressions;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Mfa;

public sealed partial class PendingSessionSweepTests
{
    private const string Verify = "POST /api/v1/auth/mfa/verify";
    private const string Logout = "POST /api/v1/auth/logout";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_pending_session_gets_401_on_every_route_but_verify_and_logout(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);

        var routes = Routes(factory).Where(r => !r.Public).ToList();
        Assert.Contains(routes, r => r.Name == Verify);
        Assert.Contains(routes, r => r.Name == Logout);

        var answers = new Dictionary<string, HttpStatusCode>();
        // Logout last: it ends the session the sweep is using.
        foreach (var route in routes.OrderBy(r => r.Name == Logout))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            answers[route.Name] = (await browser.Client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
        }

        Assert.All(answers.Where(a => a.Key is not (Verify or Logout)), a => Assert.True(a.Value == HttpStatusCode.Unauthorized, $"{a.Key} answered {(int)a.Value}"));
        Assert.NotEqual(HttpStatusCode.Unauthorized, answers[Verify]);
        Assert.Equal(HttpStatusCode.NoContent, answers[Logout]);
    }

    [Fact]
    public void Verify_is_under_the_auth_rate_limit_policy()
    {
        using var factory = new ConvergioFactory();

        var verify = Routes(factory).Single(r => r.Name == Verify);

        Assert.Equal("auth", verify.Endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName);
    }

    private static List<(string Name, string Method, string Path, bool Public, Endpoint Endpoint)> Routes(ConvergioFactory factory) =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (Name: $"{method} {e.RoutePattern.RawText}", Method: method, Path: Concrete(e.RoutePattern.RawText!), Public: e.IsPublic(), Endpoint: (Endpoint)e)))
            .ToList();

    /// <summary>A path that matches the route: GUIDs for guid parameters, "1" for the others.</summary>
    private static string Concrete(string pattern) =>
        "/" + RouteParameter().Replace(pattern.TrimStart('/'), m => m.Groups["constraint"].Value.Contains("guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "1");

    [GeneratedRegex(@"\{\*?(?<name>[^}:?=]+)(?<constraint>:[^}?=]+)?[?]?(=[^}]*)?\}")]
    private static partial Regex RouteParameter();
}
