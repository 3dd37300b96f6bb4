using System.Net;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Edge;

/// <summary>
/// Three instances on one PostgreSQL database and one Redis, each request sent to the next instance
/// in turn (a round-robin load balancer): limits are counted once for all of them, and sessions and
/// CSRF tokens issued by one are honoured by the others.
/// </summary>
public sealed class ScaleOutTests
{
    private const string Me = "/api/v1/auth/me";

    [Fact]
    public async Task The_rate_limit_is_shared_exactly_so_the_request_past_it_is_429_on_every_instance()
    {
        const int limit = 6;
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(3, redis.ConnectionString, new Dictionary<string, string?>
        {
            ["RateLimiting:General:PermitLimit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Every decision in Redis, however slow this machine is: no in-process fallback.
            ["RateLimiting:RedisTimeoutMilliseconds"] = "5000",
        });
        using var user = await instances[0].CreateSignedInUserAsync();
        using var browser = instances.CreateBalancedBrowser();
        browser.SetCookie(Api.Platform.AuthNames.SessionCookie, user.Browser.Cookie(Api.Platform.AuthNames.SessionCookie)!);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < limit + instances.Instances.Count; i++)
        {
            statuses.Add((await browser.GetAsync(Me)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, limit), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, instances.Instances.Count)], statuses);
    }

    [Fact]
    public async Task A_session_and_its_csrf_token_from_one_instance_work_on_the_others()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var instances = SharedInstances.Start(3, redis.ConnectionString);
        using var browser = instances.CreateBalancedBrowser();
        var email = AuthTestExtensions.NewEmail();

        Assert.Equal(HttpStatusCode.Created, (await browser.PostJsonAsync(AuthTestExtensions.RegisterPath, new { email, password = TestKeys.Password() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Me)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostJsonAsync("/api/v1/auth/sessions/revoke-others", new { })).StatusCode);
        browser.SendsCsrfHeader = false;
        await ProblemAssert.IsProblemAsync(await browser.PostJsonAsync("/api/v1/auth/sessions/revoke-others", new { }), HttpStatusCode.Forbidden);
    }
}
