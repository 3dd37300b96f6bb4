using System.Text.RegularExpressions;
using Convergio.Api.Data;
using Convergio.Api.Platform;
using Convergio.Cli.Baseline;

namespace Convergio.Cli.Tests.Baseline;

/// <summary>
/// The anonymous surface is written three times on purpose: by the server (what it allows), by the
/// black-box checker (what it probes for, independent of the server's code) and by docs/design.md
/// (what people read). They must say the same.
/// </summary>
public sealed partial class PublicRouteListTests
{
    [Fact]
    public void The_checker_probes_exactly_the_routes_the_server_makes_public() =>
        Assert.Equal(PublicEndpoints.Routes.Order(StringComparer.Ordinal), ConvergioRoutes.Public.Order(StringComparer.Ordinal));

    [Fact]
    public void The_design_document_lists_exactly_the_routes_the_server_makes_public() =>
        Assert.Equal(PublicEndpoints.Routes.Order(StringComparer.Ordinal), DocumentedPublicRoutes().Order(StringComparer.Ordinal));

    private static IEnumerable<string> DocumentedPublicRoutes()
    {
        var root = DataRoot.CheckoutAbove(AppContext.BaseDirectory) ?? throw new InvalidOperationException("No checkout above the test output.");
        var design = File.ReadAllText(Path.Combine(root, "docs", "design.md"));
        var start = design.IndexOf("## Public endpoints", StringComparison.Ordinal);
        var end = design.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return Route().Matches(design[start..end]).Select(m => m.Groups["route"].Value).Distinct();
    }

    [GeneratedRegex("`(?<route>(GET|POST|PUT|PATCH|DELETE) /[^`]*)`")]
    private static partial Regex Route();
}
