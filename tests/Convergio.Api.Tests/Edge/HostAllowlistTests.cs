using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Convergio.Api.Tests.Edge;

/// <summary>Production answers only to its own host names; platform probes by pod address over plain HTTP still reach health.</summary>
public sealed class HostAllowlistTests
{
    private static ConvergioFactory Production() =>
        EdgeTestSupport.Production(new Dictionary<string, string?> { ["AllowedHosts"] = "api.convergio.io;*.convergio.dev" });

    private static HttpClient Client(ConvergioFactory factory, string origin) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(origin), AllowAutoRedirect = false });

    [Fact]
    public async Task A_forged_host_is_400_and_never_redirected_to()
    {
        await using var factory = Production();
        using var client = Client(factory, "http://evil.example");

        var response = await client.GetAsync("/.well-known/security.txt", TestContext.Current.CancellationToken);

        await response.IsProblemAsync(HttpStatusCode.BadRequest);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_forged_host_cannot_vouch_for_its_own_origin()
    {
        await using var factory = Production();
        using var client = Client(factory, "https://evil.example");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = "a@example.test", password = "x" }) };
        request.Headers.Add("Origin", "https://evil.example");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.IsProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("http://api.convergio.io", HttpStatusCode.MovedPermanently)]
    [InlineData("https://api.convergio.io", HttpStatusCode.OK)]
    [InlineData("https://eu.convergio.dev:8443", HttpStatusCode.OK)]
    public async Task Listed_hosts_are_served_as_before(string origin, HttpStatusCode expected)
    {
        await using var factory = Production();
        using var client = Client(factory, origin);

        var response = await client.GetAsync("/.well-known/security.txt", TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task A_probe_by_pod_address_over_plain_http_reaches_health_without_redirect(string path)
    {
        await using var factory = Production();
        using var client = Client(factory, "http://10.244.1.17:8080");

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("GET", "/api/v1/auth/csrf")]
    [InlineData("GET", "/health/live/extra")]
    [InlineData("POST", "/health/live")]
    public async Task Only_the_two_probes_are_spared_for_an_unlisted_host(string method, string path)
    {
        await using var factory = Production();
        using var client = Client(factory, "http://10.244.1.17:8080");

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        await response.IsProblemAsync(HttpStatusCode.BadRequest);
    }
}
