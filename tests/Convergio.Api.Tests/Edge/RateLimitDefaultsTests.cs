using System.Net;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Edge;

/// <summary>
/// The documented limits, proven with no override at all: every other test raises them, so only
/// these fail when a default changes.
/// </summary>
public sealed class RateLimitDefaultsTests
{
    private const string Login = "/api/v1/auth/login";

    private static ConvergioFactory WithDefaultLimits(Db db = Db.Sqlite) => new ConvergioFactory(db).WithDefaultRateLimits().WithPeerAddresses();

    private static object Credentials(string email) => new { email, password = "not-the-password" };

    /// <summary>Distinct emails, so neither the per-account bucket nor the sign-in penalty is what answers 429.</summary>
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Auth_allows_5_sign_in_attempts_a_minute_per_address(Db db)
    {
        await using var factory = WithDefaultLimits(db);
        using var client = factory.CreateClient();
        const string peer = "198.51.100.21";

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonFromAsync(Login, peer, Credentials(AuthTestExtensions.NewEmail()))).StatusCode);
        }
        var sixth = await client.PostJsonFromAsync(Login, peer, Credentials(AuthTestExtensions.NewEmail()));

        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.Contains("\"auth\";q=5;w=60", sixth.Header("RateLimit-Policy"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonFromAsync(Login, "198.51.100.22", Credentials(AuthTestExtensions.NewEmail()))).StatusCode);
    }

    /// <summary>Recovery requests name the account without ever failing a sign-in, so only the account bucket counts them (10 an hour).</summary>
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task One_account_is_named_at_most_10_times_an_hour_from_any_addresses(Db db)
    {
        await using var factory = WithDefaultLimits(db);
        using var client = factory.CreateClient();
        var email = AuthTestExtensions.NewEmail();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonFromAsync("/api/v1/auth/forgot-password", $"203.0.113.{i + 1}", new { email })).StatusCode);
        }
        factory.Time.Advance(TimeSpan.FromMinutes(59));
        var eleventh = await client.PostJsonFromAsync("/api/v1/auth/forgot-password", "203.0.113.50", new { email });

        // A fresh address has its whole per-address budget, so only the account bucket can refuse it;
        // the headers still describe the caller's own policy, never the account's.
        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.DoesNotContain("account", eleventh.Header("RateLimit-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task General_allows_100_requests_a_minute_per_identity()
    {
        await using var factory = WithDefaultLimits();
        using var client = factory.CreateClient();
        const string peer = "198.51.100.31";

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", peer)).StatusCode);
        }
        var hundredFirst = await client.GetFromAsync("/health/live", peer);

        Assert.Equal(HttpStatusCode.TooManyRequests, hundredFirst.StatusCode);
        Assert.Contains("\"general\";q=100;w=60", hundredFirst.Header("RateLimit-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_allows_10_requests_a_minute_per_administrator()
    {
        await using var factory = WithDefaultLimits();
        var admin = await factory.CreatePlatformAdminAsync();
        // The set-up spent auth and general budget; a fresh minute leaves only the admin budget to observe.
        factory.Time.Advance(TimeSpan.FromMinutes(1));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.Browser.GetAsync("/api/v1/admin/users")).StatusCode);
        }
        var eleventh = await admin.Browser.GetAsync("/api/v1/admin/users");

        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.Contains("\"admin\";q=10;w=60", eleventh.Header("RateLimit-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Change_password_allows_3_attempts_per_15_minutes()
    {
        await using var factory = WithDefaultLimits();
        var user = await factory.CreateSignedInUserAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest,
                (await user.Browser.PostJsonAsync("/api/v1/auth/change-password", new { currentPassword = "wrong-" + i, newPassword = TestKeys.Password() })).StatusCode);
        }
        factory.Time.Advance(TimeSpan.FromMinutes(14));
        // Past the step-up window: a fresh authentication, so the throttle is what answers.
        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = user.Password })).StatusCode);
        var fourth = await user.Browser.PostJsonAsync("/api/v1/auth/change-password", new { currentPassword = "wrong-3", newPassword = TestKeys.Password() });

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.InRange(fourth.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }
}
