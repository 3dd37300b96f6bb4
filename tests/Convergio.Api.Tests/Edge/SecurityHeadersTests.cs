using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Convergio.Api.Edge;
using Convergio.Api.Observability;
using Convergio.Api.Tests.Infrastructure;
using Convergio.WebConsole.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Convergio.Api.Tests.Edge;

public sealed partial class SecurityHeadersTests
{
    private static void AssertCommonHeaders(HttpResponseMessage response, string frameOptions = "DENY")
    {
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Equal(frameOptions, response.Header("X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", response.Header("Referrer-Policy"));
        Assert.Equal("camera=(), microphone=(), geolocation=(), payment=(), usb=()", response.Header("Permissions-Policy"));
        Assert.Equal("same-origin", response.Header("Cross-Origin-Opener-Policy"));
        Assert.Equal("same-site", response.Header("Cross-Origin-Resource-Policy"));
        Assert.False(response.Headers.Contains("Server"));
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_API_response_carries_every_header_and_the_API_policy(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        AssertCommonHeaders(response);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", response.Header("Content-Security-Policy"));
    }

    [Fact]
    public async Task Error_responses_keep_the_headers()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/v1/auth/me", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertCommonHeaders(response);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", response.Header("Content-Security-Policy"));
    }

    [Fact]
    public async Task The_HTML_API_reference_gets_a_nonce_policy_whose_nonce_is_on_every_script_tag()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/scalar/", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertCommonHeaders(response);
        var policy = response.Header("Content-Security-Policy");
        var nonce = NonceInPolicy().Match(policy).Groups[1].Value;
        Assert.Equal(16, Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(nonce).Length);
        Assert.Equal(
            $"default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; style-src 'self' 'nonce-{nonce}'; object-src 'none'; base-uri 'none'; " +
            "frame-ancestors 'none'; form-action 'self'; report-uri /api/v1/csp-reports; report-to csp",
            policy);
        Assert.DoesNotContain("unsafe-", policy, StringComparison.Ordinal);
        Assert.Equal("csp=\"/api/v1/csp-reports\"", response.Header("Reporting-Endpoints"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
        var scriptTags = Regex.Matches(html, "<script[^>]*>");
        Assert.NotEmpty(scriptTags);
        Assert.All(scriptTags, tag => Assert.Contains($"nonce=\"{nonce}\"", tag.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_HTML_response_gets_a_different_nonce()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        var nonces = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            var response = await client.GetAsync("/scalar/", TestContext.Current.CancellationToken);
            nonces.Add(NonceInPolicy().Match(response.Header("Content-Security-Policy")).Groups[1].Value);
        }

        Assert.Equal(5, nonces.Count);
    }

    [Fact]
    public async Task Authenticated_and_auth_responses_are_not_stored()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        using var anonymous = factory.CreateClient();

        var me = await user.Browser.GetAsync("/api/v1/auth/me");
        var failedLogin = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = AuthTestExtensions.NewEmail(), password = "wrong-password" }, TestContext.Current.CancellationToken);
        var csrf = await anonymous.GetAsync("/api/v1/auth/csrf", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("no-store", me.Header("Cache-Control"));
        Assert.Equal("no-store", failedLogin.Header("Cache-Control"));
        Assert.Equal("no-store", csrf.Header("Cache-Control"));
    }

    [Fact]
    public async Task A_route_may_opt_in_to_same_origin_framing_and_others_stay_unframeable()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        app.UseSecurityHeaders();
        app.MapGet("/embeddable", (HttpContext context) => Results.Content($"<script nonce=\"{context.GetCspNonce()}\"></script>", "text/html")).AllowSameOriginFraming();
        app.MapGet("/embeddable-data", () => "data").AllowSameOriginFraming();
        app.MapGet("/page", (HttpContext context) => Results.Content($"<script nonce=\"{context.GetCspNonce()}\"></script>", "text/html"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var client = app.GetTestClient();

        var embeddable = await client.GetAsync("/embeddable", TestContext.Current.CancellationToken);
        var embeddableData = await client.GetAsync("/embeddable-data", TestContext.Current.CancellationToken);
        var page = await client.GetAsync("/page", TestContext.Current.CancellationToken);

        AssertCommonHeaders(embeddable, frameOptions: "SAMEORIGIN");
        Assert.Contains("frame-ancestors 'self'", embeddable.Header("Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains(NonceInPolicy().Match(embeddable.Header("Content-Security-Policy")).Groups[1].Value,
            await embeddable.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("default-src 'none'; frame-ancestors 'self'", embeddableData.Header("Content-Security-Policy"));
        AssertCommonHeaders(page);
        Assert.Contains("frame-ancestors 'none'", page.Header("Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CSP_report_is_accepted_anonymously_logged_once_and_counted()
    {
        await using var factory = new ConvergioFactory().WithServices(s => s.AddLogging(b => b.AddFakeLogging()));
        using var client = factory.CreateClient();
        using var violations = new MetricCollector<long>(factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            SecurityMetrics.MeterName, "convergio.csp.violations");
        using var content = new StringContent(
            """{"csp-report":{"document-uri":"https://app.convergio.io/x","violated-directive":"script-src","blocked-uri":"https://evil.example/a.js"}}""",
            System.Text.Encoding.UTF8, "application/csp-report");

        var response = await client.PostAsync("/api/v1/csp-reports", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, violations.GetMeasurementSnapshot().EvaluateAsCounter());
        var line = Assert.Single(factory.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "CspViolation");
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("https://evil.example/a.js", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Reporting_API_batch_is_accepted()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();
        using var content = new StringContent(
            """[{"type":"csp-violation","body":{"documentURL":"https://app.convergio.io/","effectiveDirective":"style-src","blockedURL":"inline"}}]""",
            System.Text.Encoding.UTF8, "application/reports+json");

        var response = await client.PostAsync("/api/v1/csp-reports", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData("application/csp-report", 17 * 1024, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData("application/csp-report", 10, HttpStatusCode.BadRequest)]
    [InlineData("text/plain", 10, HttpStatusCode.UnsupportedMediaType)]
    public async Task Oversized_malformed_or_mistyped_reports_are_client_errors(string contentType, int length, HttpStatusCode expected)
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();
        using var content = new StringContent(new string('x', length), System.Text.Encoding.UTF8, contentType);

        var response = await client.PostAsync("/api/v1/csp-reports", content, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_CSP_report_endpoint_is_rate_limited()
    {
        await using var factory = new ConvergioFactory(Db.Sqlite, new Dictionary<string, string?> { ["RateLimiting:General:PermitLimit"] = "1" });
        using var client = factory.CreateClient();

        var first = await client.PostAsync("/api/v1/csp-reports", new StringContent("{}", System.Text.Encoding.UTF8, "application/csp-report"), TestContext.Current.CancellationToken);
        var second = await client.PostAsync("/api/v1/csp-reports", new StringContent("{}", System.Text.Encoding.UTF8, "application/csp-report"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }
}
