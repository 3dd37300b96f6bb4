using System.Net.Http.Json;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/admin/security-reports: the vulnerability report queue with its due dates and status changes.</summary>
public abstract class AdminSecurityReportsTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AdminSecurityReportsTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AdminSecurityReportsTests(chromium, Topology.Split);

    [Fact]
    public async Task A_received_report_shows_when_its_acknowledgement_is_due()
    {
        await ReportAsync("billing webhooks");
        var page = await AdminPageAsync();

        var row = page.Locator("#reports tbody tr", new() { HasText = "billing webhooks" });

        await Expect(row).ToContainTextAsync("received");
        await Expect(row.Locator("td").Nth(4).Locator("time")).ToHaveAttributeAsync("datetime", new System.Text.RegularExpressions.Regex("^\\d{4}-"));
    }

    [Fact]
    public async Task Acknowledging_a_report_moves_it_on_and_offers_the_next_steps()
    {
        await ReportAsync("session cookies");
        var page = await AdminPageAsync();
        var row = page.Locator("#reports tbody tr", new() { HasText = "session cookies" });

        await row.GetByLabel("New status").SelectOptionAsync("acknowledged");
        await row.GetByRole(AriaRole.Button, new() { Name = "Set" }).ClickAsync();

        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("acknowledged");
        await Expect(row.GetByLabel("New status").Locator("option")).ToHaveTextAsync(["triaged", "rejected"]);
    }

    private async Task ReportAsync(string component)
    {
        using var client = new HttpClient { BaseAddress = Api.Address };
        using var response = await client.PostAsJsonAsync("/api/v1/security/reports", new
        {
            reporterEmail = TestUsers.New().Email,
            affectedComponent = component,
            reproductionSteps = "Steps to reproduce the issue.",
            impact = "What an attacker gains.",
            severity = "high",
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private async Task<IPage> AdminPageAsync()
    {
        var (admin, secret) = await Accounts.PlatformAdminAsync(Api);
        var page = await SignedInPageAsync(admin, secret);
        await page.GotoAsync("/admin/security-reports");
        return page;
    }
}
