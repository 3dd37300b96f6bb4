using System.Text.RegularExpressions;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>The headers of console responses in both topologies, read over HTTP.</summary>
public sealed partial class ConsoleHeadersTests
{
    [Fact]
    public async Task Same_origin_pages_get_a_fresh_nonce_in_a_strict_policy_that_matches_the_page_scripts()
    {
        await using var api = new ApiHost();
        using var client = new HttpClient { BaseAddress = api.Address };

        var first = await client.GetAsync("/sign-in", TestContext.Current.CancellationToken);
        var second = await client.GetAsync("/sign-in", TestContext.Current.CancellationToken);

        var policy = Policy(first);
        var nonce = Nonce().Match(policy).Groups["nonce"].Value;
        Assert.NotEqual(nonce, Nonce().Match(Policy(second)).Groups["nonce"].Value);
        var html = await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.All(ScriptNonces().Matches(html), m => Assert.Equal(nonce, m.Groups["nonce"].Value));
        AssertStrict(policy, "connect-src 'self';", "report-uri /api/v1/csp-reports;");
        Assert.Equal("csp=\"/api/v1/csp-reports\"", first.Headers.GetValues("Reporting-Endpoints").Single());
        AssertBrowserHeaders(first);
    }

    [Fact]
    public async Task The_console_host_allows_fetches_and_reports_to_the_api_origin_only()
    {
        await using var split = ConsoleSystem.Start(Topology.Split);
        using var client = new HttpClient { BaseAddress = split.Site };

        var page = await client.GetAsync("/sign-in", TestContext.Current.CancellationToken);
        var script = await client.GetAsync("/js/api.js", TestContext.Current.CancellationToken);

        var origin = split.Api.Origin;
        AssertStrict(Policy(page), $"connect-src 'self' {origin};", $"report-uri {origin}/api/v1/csp-reports;");
        Assert.Contains($"<meta name=\"convergio-api-base\" content=\"{origin}\">", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        AssertBrowserHeaders(page);
        AssertBrowserHeaders(script);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Policy(script));
    }

    [Fact]
    public async Task Console_pages_answer_get_and_head_only()
    {
        await using var api = new ApiHost();
        using var client = new HttpClient { BaseAddress = api.Address };

        using var post = await client.PostAsync("/sign-in", new StringContent("email=a"), TestContext.Current.CancellationToken);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/sign-in"), TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Every_submit_button_is_served_disabled_until_its_page_module_binds_the_form()
    {
        await using var api = new ApiHost();
        using var client = new HttpClient { BaseAddress = api.Address };

        var buttons = new List<string>();
        foreach (var path in AccessibilityTests.PagePaths)
        {
            var html = await client.GetStringAsync(path, TestContext.Current.CancellationToken);
            buttons.AddRange(SubmitButtons().Matches(html).Select(m => $"{path}: {m.Value}"));
        }

        Assert.True(buttons.Count >= 20, $"only {buttons.Count} submit buttons found");
        Assert.All(buttons, button => Assert.Contains(" disabled", button, StringComparison.Ordinal));
    }

    private static void AssertStrict(string policy, params string[] specific)
    {
        string[] required =
        [
            "script-src 'nonce-", "'strict-dynamic';", "style-src 'self';", "object-src 'none';", "base-uri 'none';",
            "frame-ancestors 'none';", "form-action 'self';", "require-trusted-types-for 'script';", "trusted-types convergio;", "report-to csp",
        ];
        Assert.All(required.Concat(specific), d => Assert.Contains(d, policy, StringComparison.Ordinal));
        Assert.DoesNotContain("unsafe-", policy, StringComparison.Ordinal);
    }

    private static void AssertBrowserHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.StartsWith("camera=()", response.Headers.GetValues("Permissions-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        Assert.Equal("same-site", response.Headers.GetValues("Cross-Origin-Resource-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    private static string Policy(HttpResponseMessage response) => response.Headers.GetValues("Content-Security-Policy").Single();

    [GeneratedRegex("'nonce-(?<nonce>[A-Za-z0-9_-]{22})'")]
    private static partial Regex Nonce();

    [GeneratedRegex("<button[^>]*type=\"submit\"[^>]*>")]
    private static partial Regex SubmitButtons();

    [GeneratedRegex("<script[^>]* nonce=\"(?<nonce>[^\"]*)\"")]
    private static partial Regex ScriptNonces();
}
