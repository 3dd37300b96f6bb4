using System.Net;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Convergio.Api.Tests.Edge;

public sealed class HttpsTests
{
    private static HttpClient Client(ConvergioFactory factory, string scheme) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"{scheme}://api.convergio.io"), AllowAutoRedirect = false });

    [Fact]
    public async Task Production_HTTPS_responses_carry_HSTS_for_two_years_with_subdomains()
    {
        await using var factory = EdgeTestSupport.Production();
        using var client = Client(factory, "https");

        var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=63072000; includeSubDomains", response.Header("Strict-Transport-Security"));
    }

    [Fact]
    public async Task HSTS_preload_is_added_only_by_option()
    {
        await using var factory = EdgeTestSupport.Production(new Dictionary<string, string?> { ["Https:HstsPreload"] = "true" });
        using var client = Client(factory, "https");

        var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal("max-age=63072000; includeSubDomains; preload", response.Header("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Plaintext_GET_and_HEAD_are_moved_permanently_to_the_same_https_URL(string method)
    {
        await using var factory = EdgeTestSupport.Production();
        using var client = Client(factory, "http");

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/.well-known/security.txt?probe=1"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(new Uri("https://api.convergio.io/.well-known/security.txt?probe=1"), response.Headers.Location);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Other_plaintext_methods_are_refused_with_403_problem(string method)
    {
        await using var factory = EdgeTestSupport.Production();
        using var client = Client(factory, "http");

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/v1/auth/login")
        {
            Content = new StringContent("""{"email":"a@b.c","password":"x"}""", System.Text.Encoding.UTF8, "application/json"),
        }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task X_Forwarded_Proto_https_from_the_trusted_proxy_counts_as_HTTPS()
    {
        await using var factory = EdgeTestSupport.Production(new Dictionary<string, string?> { ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8" }).WithPeerAddresses();
        using var client = Client(factory, "http");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live").From("10.1.2.3");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=63072000; includeSubDomains", response.Header("Strict-Transport-Security"));
    }

    [Fact]
    public async Task X_Forwarded_Proto_from_an_untrusted_peer_is_ignored()
    {
        await using var factory = EdgeTestSupport.Production(new Dictionary<string, string?> { ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8" }).WithPeerAddresses();
        using var client = Client(factory, "http");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/security.txt").From("198.51.100.60");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
    }

    [Fact]
    public async Task Development_neither_redirects_nor_sends_HSTS()
    {
        await using var factory = new ConvergioFactory();
        using var client = Client(factory, "http");

        var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}
