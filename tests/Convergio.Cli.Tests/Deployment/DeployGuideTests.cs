using System.Text.Json;
using System.Text.RegularExpressions;
using Convergio.Api.Platform;
using Convergio.Api.Observability;

namespace Convergio.Cli.Tests.Deployment;

/// <summary>docs/deploy.md names what the template and the app really use, so following it works.</summary>
public sealed class DeployGuideTests
{
    private static readonly string Guide = Checkout.ReadAllText("docs", "deploy.md");

    private static async Task<JsonElement> TemplateParameterAsync(string name)
    {
        var build = await Bicep.BuildAsync();
        Assert.True(build.ExitCode == 0, build.Error);
        return JsonDocument.Parse(build.Output).RootElement.GetProperty("parameters").GetProperty(name).GetProperty("defaultValue").Clone();
    }

    [Fact]
    public async Task The_guide_tells_how_to_create_every_vault_secret_the_template_reads()
    {
        var keys = (await TemplateParameterAsync("secretSettings")).EnumerateArray().Select(k => k.GetString()!).ToList();
        var rootCertificate = (await TemplateParameterAsync("postgresRootCertificateName")).GetString()!;

        Assert.NotEmpty(keys);
        foreach (var vaultSecret in keys.Select(k => k.Replace("__", "--", StringComparison.Ordinal).Replace('_', '-')).Append(rootCertificate))
        {
            Assert.Contains($"| `{vaultSecret}` |", Guide, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_guide_gives_Stripe_the_webhook_path_the_app_maps_publicly()
    {
        const string path = "/api/v1/webhooks/stripe";

        Assert.Contains($"POST {path}", PublicEndpoints.Routes);
        Assert.Contains($"https://api.convergio.io{path}", Guide, StringComparison.Ordinal);
    }

    [Fact]
    public void The_guide_scrapes_the_metrics_path_with_the_token_setting_the_app_reads()
    {
        Assert.Contains($"metrics_path: {MetricsEndpoint.Path}", Guide, StringComparison.Ordinal);
        Assert.Contains(MetricsOptions.TokenKey.Replace(":", "__", StringComparison.Ordinal), Guide, StringComparison.Ordinal);
        Assert.Contains("authorization: { type: Bearer", Guide, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_step_of_the_walk_through_is_the_baseline_check_against_the_deployment()
    {
        var steps = Regex.Matches(Guide, @"^## \d+\. .*$", RegexOptions.Multiline);
        var last = steps[^1];
        var end = Guide.IndexOf("\n## ", last.Index + last.Length, StringComparison.Ordinal);

        Assert.Contains("convergio baseline check https://api.convergio.io", Guide[last.Index..end], StringComparison.Ordinal);
    }
}
