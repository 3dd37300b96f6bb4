using System.Net;
using System.Net.Http.Headers;
using Convergio.Api.Edge;
using Convergio.Api.Observability;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Edge;
using Convergio.Api.Tests.Infrastructure;
using Convergio.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Observability;

public sealed class MetricsEndpointTests
{
    private static ConvergioFactory WithMetricsToken(Db db, out string token)
    {
        token = TestKeys.SigningKey();
        return new ConvergioFactory(db, new Dictionary<string, string?> { [MetricsOptions.TokenKey] = token });
    }

    private static async Task<HttpResponseMessage> ScrapeAsync(HttpClient client, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsEndpoint.Path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_scrape_shows_the_security_counters_after_a_sign_in_flow(Db db)
    {
        await using var factory = WithMetricsToken(db, out var token);
        var user = await factory.CreateSignedInUserAsync();
        using var browser = await factory.SignInAsync(user);
        using var stranger = new TestBrowser(factory);
        await stranger.LoginAsync(user.Email, TestKeys.Password());
        user.Browser.SendsCsrfHeader = false;
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Browser.PostJsonAsync("/api/v1/auth/logout", new { })).StatusCode);
        // Decisions of features that have not landed yet, recorded as they will record them.
        var metrics = factory.Services.GetRequiredService<SecurityMetrics>();
        metrics.RateLimitRejected(RateLimitPolicies.Auth, fallback: true);
        metrics.RateLimitFallback(RateLimitPolicies.Auth);
        metrics.CorsRejected();
        metrics.WebhookSignatureFailed("stripe");

        using var client = factory.CreateClient();
        var response = await ScrapeAsync(client, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var scrape = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        AssertSeries(scrape, "convergio_auth_logins_total", "outcome=\"succeeded\"");
        AssertSeries(scrape, "convergio_auth_logins_total", "outcome=\"failed\"");
        AssertSeries(scrape, "convergio_sessions_active");
        AssertSeries(scrape, "convergio_csrf_rejections_total");
        AssertSeries(scrape, "convergio_ratelimit_rejections_total", "policy=\"auth\"", "fallback=\"true\"");
        AssertSeries(scrape, "convergio_ratelimit_redis_fallbacks_total", "policy=\"auth\"");
        AssertSeries(scrape, "convergio_cors_rejections_total");
        AssertSeries(scrape, "convergio_webhooks_signature_failures_total", "provider=\"stripe\"");
        Assert.Contains("http_server_request_duration_seconds", scrape);
    }

    /// <summary>A sample line of the metric carrying every given label, whatever their order.</summary>
    private static void AssertSeries(string scrape, string metric, params string[] labels) =>
        Assert.Contains(scrape.Split('\n'), line => line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(line.Contains));

    [Fact]
    public async Task The_scrape_without_the_token_or_with_a_wrong_one_is_401()
    {
        await using var factory = WithMetricsToken(Db.Sqlite, out _);
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(client, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(client, TestKeys.SigningKey())).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_session_is_not_enough_to_scrape()
    {
        await using var factory = WithMetricsToken(Db.Sqlite, out _);
        var user = await factory.CreateSignedInUserAsync();

        var response = await user.Browser.GetAsync(MetricsEndpoint.Path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("convergio_", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Without_a_metrics_port_or_token_there_is_no_scrape_endpoint_even_for_a_session()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await user.Browser.GetAsync(MetricsEndpoint.Path)).StatusCode);
    }

    [Fact]
    public async Task With_a_metrics_port_the_scrape_answers_there_and_not_on_the_public_port()
    {
        var metricsPort = 0;
        // The public listener takes port 0; the metrics port must be named up front.
        await using var api = await Loopback.StartOnFreePortAsync(port =>
        {
            metricsPort = port;
            return ApiProcess.TryStartAsync(new Dictionary<string, string?>
            {
                ["Observability:MetricsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, "Development");
        });
        var publicUrl = api.Addresses.Single(address => address.Port != metricsPort);
        using var client = new HttpClient();
        var cancel = TestContext.Current.CancellationToken;

        var onPublicPort = await client.GetAsync(new Uri(publicUrl, MetricsEndpoint.Path), cancel);
        using var spoofedHost = new HttpRequestMessage(HttpMethod.Get, new Uri(publicUrl, MetricsEndpoint.Path));
        spoofedHost.Headers.Host = $"127.0.0.1:{metricsPort}";
        var withSpoofedHost = await client.SendAsync(spoofedHost, cancel);
        var onMetricsPort = await client.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}{MetricsEndpoint.Path}"), cancel);

        // Deny by default: an unknown route is 401 to an anonymous caller, and the port check is on the socket.
        Assert.Equal(HttpStatusCode.Unauthorized, onPublicPort.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withSpoofedHost.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onMetricsPort.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", await onMetricsPort.Content.ReadAsStringAsync(cancel));
    }

    /// <summary>
    /// Prometheus and the platform's probes speak plain HTTP to the internal metrics port: in
    /// Production they get their answer there, not a redirect to the public HTTPS port; every
    /// other route on that port is still redirected.
    /// </summary>
    [Fact]
    public async Task In_production_the_scrape_and_the_probes_on_the_metrics_port_are_not_redirected()
    {
        var token = TestKeys.SigningKey();
        var metricsPort = 0;
        // The public listener takes port 0; the metrics port must be named up front.
        await using var factory = await Loopback.StartOnFreePortAsync(async port =>
        {
            metricsPort = port;
            var candidate = EdgeTestSupport.Production(new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
                ["Observability:MetricsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [MetricsOptions.TokenKey] = token,
            });
            candidate.UseKestrel();
            try
            {
                candidate.StartServer();
                return candidate;
            }
            catch (IOException e) when (Loopback.SaysAddressInUse(e.Message))
            {
                await candidate.DisposeAsync();
                return null;
            }
        });
        var publicPort = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(address => new Uri(address).Port).Single(port => port != metricsPort);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var cancel = TestContext.Current.CancellationToken;

        var scrape = await ScrapeAsync(client, token);
        var ready = await client.GetAsync("/health/ready", cancel);
        var apiOnMetricsPort = await client.GetAsync("/api/v1/auth/me", cancel);
        var scrapeOnPublicPort = await client.GetAsync(new Uri($"http://127.0.0.1:{publicPort}{MetricsEndpoint.Path}"), cancel);

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.MovedPermanently, apiOnMetricsPort.StatusCode);
        Assert.Equal(HttpStatusCode.MovedPermanently, scrapeOnPublicPort.StatusCode);
    }
}
