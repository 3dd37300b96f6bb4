using System.Globalization;
using System.Net;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Disclosure;

public sealed class SecurityTxtTests
{
    [Fact]
    public async Task Security_txt_has_every_RFC_9116_field_the_policy_asks_for()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?>
        {
            ["Disclosure:PolicyUrl"] = "https://example.test/security-policy",
            ["Disclosure:CanonicalUrl"] = "https://api.example.test/.well-known/security.txt",
        });
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/.well-known/security.txt", TestContext.Current.CancellationToken);
        var fields = Fields(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(["mailto:security@convergio.io", "mailto:security-emergency@convergio.io"], fields["Contact"]);
        Assert.Equal(["en"], fields["Preferred-Languages"]);
        Assert.Equal(["https://example.test/security-policy"], fields["Policy"]);
        Assert.Equal(["https://api.example.test/.well-known/security.txt"], fields["Canonical"]);
        var expires = DateTimeOffset.Parse(Assert.Single(fields["Expires"]), CultureInfo.InvariantCulture);
        Assert.InRange(expires, factory.Time.GetUtcNow(), factory.Time.GetUtcNow().AddYears(1).AddTicks(-1));
    }

    [Fact]
    public async Task Expires_moves_with_the_clock_and_stays_under_a_year_ahead()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        factory.Time.Advance(TimeSpan.FromDays(400));
        var fields = Fields(await client.GetStringAsync("/.well-known/security.txt", TestContext.Current.CancellationToken));

        var expires = DateTimeOffset.Parse(Assert.Single(fields["Expires"]), CultureInfo.InvariantCulture);
        Assert.InRange(expires, factory.Time.GetUtcNow(), factory.Time.GetUtcNow().AddYears(1).AddTicks(-1));
        Assert.Equal(["https://convergio.io/security-policy"], fields["Policy"]);
        Assert.Equal(["https://convergio.io/.well-known/security.txt"], fields["Canonical"]);
    }

    [Theory]
    [InlineData("Disclosure:PolicyUrl", "http://convergio.io/security-policy")]
    [InlineData("Disclosure:CanonicalUrl", "/.well-known/security.txt")]
    public async Task A_non_https_disclosure_url_stops_the_start(string key, string value)
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { [key] = value }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains(key, output, StringComparison.Ordinal);
    }

    private static Dictionary<string, List<string>> Fields(string body) => body
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Where(line => !line.StartsWith('#'))
        .Select(line => line.Split(": ", 2))
        .GroupBy(parts => parts[0], parts => parts[1])
        .ToDictionary(g => g.Key, g => g.ToList());
}
