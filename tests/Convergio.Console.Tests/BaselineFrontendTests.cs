extern alias cli;
using cli::Convergio.Cli.Baseline;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary><c>convergio baseline check --frontend</c> grades the console's policy as the frontend's.</summary>
public sealed class BaselineFrontendTests
{
    [Fact]
    public async Task The_baseline_frontend_csp_check_passes_against_the_console_in_both_topologies()
    {
        await using var split = ConsoleSystem.Start(Topology.Split);
        await using var sameOrigin = new ApiHost();

        foreach (var (api, frontend) in new[] { (sameOrigin.Address, new Uri(sameOrigin.Address, "/sign-in")), (split.Api.Address, split.Site) })
        {
            var report = await new BaselineChecker(new BaselineTarget { ApiBase = api, Frontend = frontend }, TimeProvider.System)
                .RunAsync(TestContext.Current.CancellationToken);

            var check = report.Results.Single(r => r.Check == BaselineChecks.FrontendCsp);
            Assert.True(check.Outcome == CheckOutcome.Pass, $"{frontend}: {check.Outcome}: {check.Evidence}");
        }
    }
}
