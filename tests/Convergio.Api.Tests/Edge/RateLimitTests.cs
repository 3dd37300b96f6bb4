using System.Net;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Convergio.Api.Tests.Edge;

public sealed class RateLimitTests
{
    private const string Peer = "198.51.100.7";
    private const string Login = "/api/v1/auth/login";

    private static ConvergioFactory Factory(Db db, params (string Key, string Value)[] settings) =>
        new ConvergioFactory(db, settings.ToDictionary(s => s.Key, s => (string?)s.Value)).WithPeerAddresses();

    private static object Credentials(string email) => new { email, password = "not-the-password" };

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task General_policy_allows_its_limit_with_both_header_families_then_answers_429(Db db)
    {
        await using var factory = Factory(db, ("RateLimiting:General:PermitLimit", "3"));
        using var client = factory.CreateClient();

        for (var i = 1; i <= 3; i++)
        {
            var response = await client.GetFromAsync("/health/live", Peer);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("\"general\";q=3;w=60", response.Header("RateLimit-Policy"));
            Assert.Equal($"\"general\";r={3 - i};t=60", response.Header("RateLimit"));
            Assert.Equal("3", response.Header("X-RateLimit-Limit"));
            Assert.Equal($"{3 - i}", response.Header("X-RateLimit-Remaining"));
            Assert.Equal("60", response.Header("X-RateLimit-Reset"));
        }

        var rejected = await client.GetFromAsync("/health/live", Peer);
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("\"general\";r=0;t=60", rejected.Header("RateLimit"));
        Assert.Equal("0", rejected.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task A_rejection_is_problem_json_with_Retry_After_equal_to_retryAfter()
    {
        await using var factory = Factory(Db.Sqlite, ("RateLimiting:General:PermitLimit", "1"));
        using var client = factory.CreateClient();
        await client.GetFromAsync("/health/live", Peer);
        factory.Time.Advance(TimeSpan.FromSeconds(15));

        var rejected = await client.GetFromAsync("/health/live", Peer);

        var body = await rejected.IsProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("45", rejected.Header("Retry-After"));
        Assert.Equal(45, body.GetProperty("retryAfter").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Retry_After_is_never_earlier_than_the_sliding_window_allows()
    {
        await using var factory = Factory(Db.Sqlite, ("RateLimiting:General:PermitLimit", "2"));
        using var client = factory.CreateClient();
        await client.GetFromAsync("/health/live", Peer);
        factory.Time.Advance(TimeSpan.FromSeconds(30));
        await client.GetFromAsync("/health/live", Peer);
        factory.Time.Advance(TimeSpan.FromSeconds(10.5));

        var rejected = await client.GetFromAsync("/health/live", Peer);
        Assert.Equal("20", rejected.Header("Retry-After"));

        // 19.5 s later the first request is still inside the window: a client that retried early is refused.
        factory.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetFromAsync("/health/live", Peer)).StatusCode);
        factory.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", Peer)).StatusCode);
        // The second request still counts: no fresh budget at a window boundary.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetFromAsync("/health/live", Peer)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Auth_policy_is_one_budget_per_client_address_across_the_sign_in_endpoints(Db db)
    {
        await using var factory = Factory(db, ("RateLimiting:Auth:PermitLimit", "3"));
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonFromAsync(Login, Peer, Credentials(AuthTestExtensions.NewEmail()))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonFromAsync("/api/v1/auth/forgot-password", Peer, new { email = AuthTestExtensions.NewEmail() })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonFromAsync("/api/v1/auth/reset-password", Peer, new { token = "x", newPassword = "y" })).StatusCode);

        var fourth = await client.PostJsonFromAsync(Login, Peer, Credentials(AuthTestExtensions.NewEmail()));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal("\"auth\";q=3;w=60", fourth.Header("RateLimit-Policy"));

        var otherClient = await client.PostJsonFromAsync(Login, "198.51.100.8", Credentials(AuthTestExtensions.NewEmail()));
        Assert.Equal(HttpStatusCode.Unauthorized, otherClient.StatusCode);
    }

    [Fact]
    public async Task Path_case_and_trailing_slash_do_not_open_a_new_bucket()
    {
        await using var factory = Factory(Db.Sqlite, ("RateLimiting:Auth:PermitLimit", "3"));
        using var client = factory.CreateClient();

        foreach (var path in new[] { Login, "/API/V1/AUTH/LOGIN", "/api/v1/auth/login/" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonFromAsync(path, Peer, Credentials(AuthTestExtensions.NewEmail()))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostJsonFromAsync("/Api/V1/Auth/Login/", Peer, Credentials(AuthTestExtensions.NewEmail()))).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Per_account_bucket_caps_guessing_at_one_email_from_many_addresses_whatever_its_case_or_spaces(Db db)
    {
        await using var factory = Factory(db, ("RateLimiting:Account:PermitLimit", "3"), ("RateLimiting:Account:WindowSeconds", "3600"));
        using var client = factory.CreateClient();
        var victim = AuthTestExtensions.NewEmail();

        var spellings = new[] { victim, "  " + victim.ToUpperInvariant() + " ", char.ToUpperInvariant(victim[0]) + victim[1..] };
        for (var i = 0; i < spellings.Length; i++)
        {
            var response = await client.PostJsonFromAsync(Login, $"203.0.113.{i + 1}", Credentials(spellings[i]));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var fourth = await client.PostJsonFromAsync(Login, "203.0.113.99", Credentials(victim.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal("3600", fourth.Header("Retry-After"));

        // Another account is unaffected; so is every endpoint whose body names an account (here, recovery) — it shares the bucket.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonFromAsync(Login, "203.0.113.99", Credentials(AuthTestExtensions.NewEmail()))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostJsonFromAsync("/api/v1/auth/forgot-password", "203.0.113.100", new { email = victim })).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Rate_limit_headers_describe_the_callers_own_budget_and_not_the_accounts(Db db)
    {
        await using var factory = Factory(db, ("RateLimiting:Auth:PermitLimit", "5"), ("RateLimiting:Account:PermitLimit", "10"));
        using var client = factory.CreateClient();
        var account = AuthTestExtensions.NewEmail();
        await client.PostJsonFromAsync(Login, "203.0.113.1", Credentials(account));

        // Someone else's request for the same address leaves this caller's headers as they would be anyway.
        var response = await client.PostJsonFromAsync(Login, "203.0.113.2", Credentials(account));

        Assert.Equal("\"auth\";q=5;w=60", response.Header("RateLimit-Policy"));
        Assert.Equal("\"auth\";r=4;t=60", response.Header("RateLimit"));
        Assert.Equal("4", response.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task General_policy_counts_a_signed_in_user_separately_from_the_address()
    {
        await using var factory = Factory(Db.Sqlite, ("RateLimiting:General:PermitLimit", "2"));
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);

        // Same (absent) address, another identity: the anonymous bucket is untouched.
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_spoofed_X_Forwarded_For_from_an_untrusted_peer_changes_nothing()
    {
        await using var factory = Factory(Db.Sqlite, ("RateLimiting:General:PermitLimit", "2"));
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", Peer, forwardedFor: "1.1.1.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", Peer, forwardedFor: "2.2.2.2")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetFromAsync("/health/live", Peer, forwardedFor: "3.3.3.3")).StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client()
    {
        await using var factory = Factory(Db.Sqlite, ("RateLimiting:General:PermitLimit", "2"), ("ForwardedHeaders:KnownProxies:0", "10.0.0.1"));
        using var client = factory.CreateClient();

        // What the client wrote on the left is ignored; the proxy appended the real address.
        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", "10.0.0.1", forwardedFor: "1.1.1.1, 203.0.113.5")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", "10.0.0.1", forwardedFor: "2.2.2.2, 203.0.113.5")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetFromAsync("/health/live", "10.0.0.1", forwardedFor: "203.0.113.5")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", "10.0.0.1", forwardedFor: "203.0.113.6")).StatusCode);
    }

    [Fact]
    public async Task IPv6_clients_are_counted_by_their_64_bit_prefix()
    {
        await using var factory = Factory(Db.Sqlite, ("RateLimiting:General:PermitLimit", "2"));
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", "2001:db8:1:2::1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", "2001:db8:1:2:ffff:ffff:ffff:9")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetFromAsync("/health/live", "2001:db8:1:2:abcd::7")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", "2001:db8:1:3::1")).StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_are_counted_under_the_general_policy()
    {
        await using var factory = Factory(Db.Sqlite, ("RateLimiting:General:PermitLimit", "1"));
        using var client = factory.CreateClient();

        var first = await client.GetFromAsync("/no/such/route", Peer);
        Assert.Equal("\"general\";q=1;w=60", first.Header("RateLimit-Policy"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetFromAsync("/another/route", Peer)).StatusCode);
    }

    [Theory]
    [InlineData("RateLimiting:Auth:PermitLimit", "0")]
    [InlineData("RateLimiting:General:WindowSeconds", "-1")]
    [InlineData("RateLimiting:Account:PermitLimit", "0")]
    public async Task Invalid_limits_refuse_to_start(string key, string value)
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { [key] = value }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains(key.Split(':')[^1], output, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_refuses_a_disabled_limiter()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "false" }).Build();

        Assert.Contains(Convergio.Api.Hosting.ProductionGuard.Check(configuration), f => f.Rule == "rate-limiting" && f.Severity == Convergio.Api.Platform.GuardSeverity.Error);
    }
}
