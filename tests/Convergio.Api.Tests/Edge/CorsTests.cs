using System.Net;
using Convergio.Api.Edge;
using Convergio.Api.Observability;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Convergio.Api.Tests.Edge;

public sealed class CorsTests
{
    private static ConvergioFactory Factory(Db db = Db.Sqlite) => new(db, new Dictionary<string, string?>
    {
        // Both variables are read and merged.
        [CorsOrigins.AllowedOriginsKey] = "https://convergio.io, https://www.convergio.io",
        [CorsOrigins.CorsAllowedOriginsKey] = "https://app.convergio.io",
    });

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string origin, bool preflight = false)
    {
        using var request = new HttpRequestMessage(method, "/health/live");
        request.Headers.Add("Origin", origin);
        if (preflight)
        {
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type,x-csrf-token");
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(Db.Sqlite, "https://convergio.io")]
    [InlineData(Db.Sqlite, "https://app.convergio.io")]
    [InlineData(Db.Postgres, "https://www.convergio.io")]
    public async Task An_allowlisted_origin_gets_itself_back_with_credentials(Db db, string origin)
    {
        await using var factory = Factory(db);
        using var client = factory.CreateClient();

        var response = await SendAsync(client, HttpMethod.Get, origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(origin, response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("true", response.Header("Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", response.Header("Vary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_allowlisted_origin_may_read_the_retry_rate_limit_and_request_id_headers()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        var response = await SendAsync(client, HttpMethod.Get, "https://app.convergio.io");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["RateLimit", "RateLimit-Policy", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id"],
            response.Header("Access-Control-Expose-Headers").Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
        // The headers it is told it may read are there to read.
        Assert.NotEmpty(response.Header("RateLimit"));
        Assert.NotEmpty(response.Header("X-Request-Id"));
    }

    [Fact]
    public async Task An_origin_not_allowlisted_is_exposed_no_header()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        var response = await SendAsync(client, HttpMethod.Get, "https://evil.example");

        Assert.False(response.Headers.Contains("Access-Control-Expose-Headers"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_preflight_from_an_allowlisted_origin_names_the_methods_headers_and_a_ten_minute_max_age()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        var response = await SendAsync(client, HttpMethod.Options, "https://app.convergio.io", preflight: true);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://app.convergio.io", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("true", response.Header("Access-Control-Allow-Credentials"));
        Assert.Equal(["DELETE", "GET", "PATCH", "POST", "PUT"], response.Header("Access-Control-Allow-Methods").Split(',', StringSplitOptions.TrimEntries).Order());
        Assert.Equal(["Content-Type", "X-CSRF-Token"], response.Header("Access-Control-Allow-Headers").Split(',', StringSplitOptions.TrimEntries).Order());
        Assert.Equal("600", response.Header("Access-Control-Max-Age"));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("https://convergio.io.evil.com")]
    [InlineData("https://evil-convergio.io")]
    [InlineData("http://convergio.io")]
    [InlineData("http://app.convergio.io")]
    [InlineData("https://convergio.io:8443")]
    public async Task Any_other_origin_gets_no_Access_Control_header_on_requests_or_preflights_and_is_counted(string origin)
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        using var rejections = new MetricCollector<long>(factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            SecurityMetrics.MeterName, "convergio.cors.rejections");

        var simple = await SendAsync(client, HttpMethod.Get, origin);
        var preflight = await SendAsync(client, HttpMethod.Options, origin, preflight: true);

        Assert.DoesNotContain(simple.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(preflight.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Origin", simple.Header("Vary"), StringComparison.Ordinal);
        Assert.Equal(2, rejections.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task A_wildcard_origin_refuses_to_start()
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { [CorsOrigins.AllowedOriginsKey] = "*" }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains("never a wildcard", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_defaults_to_the_three_convergio_origins()
    {
        var empty = new ConfigurationBuilder().Build();

        Assert.Equal(["https://convergio.io", "https://www.convergio.io", "https://app.convergio.io"], CorsOrigins.Read(empty, production: true));
        Assert.Empty(CorsOrigins.Read(empty, production: false));
    }
}
