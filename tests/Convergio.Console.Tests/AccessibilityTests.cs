using Convergio.WebConsole.Tests.Infrastructure;
using Deque.AxeCore.Playwright;

namespace Convergio.WebConsole.Tests;

/// <summary>axe over every page path of the console contract, signed out and signed in; a path not built yet (no HTML page) is skipped.</summary>
[Collection(Chromium.Collection)]
public sealed class AccessibilityTests(Chromium chromium, SameOriginSystem site) : IClassFixture<SameOriginSystem>
{
    /// <summary>Every page of docs/console.md's contract (foundation and account/organization/admin pages).</summary>
    public static readonly string[] PagePaths =
    [
        "/", "/sign-up", "/sign-in", "/forgot-password", "/reset-password?token=sample", "/verify-email?token=sample",
        "/invites/accept?token=sample", "/email-change/confirm?token=sample",
        "/account", "/account/password", "/account/sessions", "/account/two-factor", "/account/passkeys", "/account/provider-keys",
        "/orgs", $"/orgs/{Guid.Empty}", "/admin/users", "/admin/audit", "/admin/security-reports",
    ];

    [Fact]
    public async Task No_console_page_has_a_serious_or_critical_axe_violation()
    {
        var signedOut = await chromium.NewPageAsync(site.Address);
        var user = await TestUsers.RegisterAsync(site.Api);
        var signedIn = await chromium.NewPageAsync(site.Address);
        await signedIn.GotoAsync("/sign-in");
        await signedIn.SignInWithPasswordAsync(user);
        await signedIn.ExpectSignedInHomeAsync(site.Address, user);

        var findings = new List<string>();
        var checkedPaths = 0;
        foreach (var path in PagePaths)
        {
            foreach (var page in new[] { signedOut, signedIn })
            {
                var response = await page.GotoAsync(path);
                // Not a console page (yet): the API answers an unknown path with a problem, not HTML.
                if (response is not { Status: 200 } || !(await response.HeaderValueAsync("content-type") ?? "").StartsWith("text/html", StringComparison.Ordinal))
                {
                    continue;
                }
                // The layout module has run: the navigation for this visitor is shown.
                await Expect(page.Locator("nav li:not([hidden])").First).ToBeVisibleAsync();
                var result = await page.RunAxe();
                checkedPaths++;
                findings.AddRange(result.Violations
                    .Where(v => v.Impact is "serious" or "critical")
                    .Select(v => $"{path} ({(page == signedIn ? "signed in" : "signed out")}): {v.Id} {v.Impact}: {v.Help} [{string.Join(", ", v.Nodes.Select(n => n.Html))}]"));
            }
        }

        Assert.True(checkedPaths >= 16, $"only {checkedPaths} page views were checked");
        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }
}
