using System.Net;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Edge;

public sealed class AdminRateLimitTests
{
    private static Dictionary<string, string?> Limits() => new()
    {
        ["RateLimiting:Admin:PermitLimit"] = "3",
        ["RateLimiting:General:PermitLimit"] = "100",
    };

    [Fact]
    public async Task Anonymous_calls_to_admin_routes_stay_401_and_do_not_spend_a_shared_admin_budget()
    {
        await using var factory = new ConvergioFactory(settings: Limits());
        using var browser = new TestBrowser(factory);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await browser.GetAsync("/api/v1/admin/users")).StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    [Fact]
    public async Task A_signed_in_admin_is_limited_by_the_admin_budget()
    {
        await using var factory = new ConvergioFactory(settings: Limits());
        var admin = await factory.CreatePlatformAdminAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await admin.Browser.GetAsync("/api/v1/admin/users")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
