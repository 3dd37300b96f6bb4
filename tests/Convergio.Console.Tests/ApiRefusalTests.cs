using System.Text.RegularExpressions;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>
/// How the console answers the API's refusals, in both topologies (cross-origin, the problem type and
/// <c>Retry-After</c> are readable only through the API's CORS exposure): step-up on 403
/// reauthentication-required, a fresh CSRF token and one retry on 403 csrf-token-invalid, and when to
/// try again on 429.
/// </summary>
public abstract class ApiRefusalTests(Chromium chromium, Topology topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : ApiRefusalTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : ApiRefusalTests(chromium, Topology.Split);

    [Fact]
    public async Task A_sensitive_action_past_the_step_up_window_asks_for_the_password_in_a_dialog_and_then_succeeds()
    {
        var time = new ShiftedClock();
        await using var system = ConsoleSystem.Start(topology, time: time);
        var user = await TestUsers.RegisterAsync(system.Api);
        var page = await chromium.NewPageAsync(system.Site);
        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);
        await page.ExpectSignedInHomeAsync(system.Site, user);
        time.Offset = TimeSpan.FromMinutes(11);

        var status = page.EvaluateAsync<int>("""
            ([current, next]) => import("/js/api.js")
              .then(({ api }) => api("POST", "/api/v1/auth/change-password", { currentPassword: current, newPassword: next }))
              .then((result) => result.status)
            """, new[] { user.Password, TestKeys.Password() });
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm it's you" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Password").FillAsync(user.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        Assert.Equal(204, await status);
        await Expect(dialog).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_refused_csrf_token_is_fetched_again_and_the_change_is_sent_once_more()
    {
        await using var system = ConsoleSystem.Start(topology);
        var user = await TestUsers.RegisterAsync(system.Api);
        var page = await chromium.NewPageAsync(system.Site);
        await Accounts.SignInAsync(page, user);
        await page.GotoAsync("/orgs");
        var creation = new Uri(system.Api.Address, "/api/v1/orgs").ToString();
        // The first creation carries a token the API does not know (as after a session change in another tab).
        var tampered = false;
        await page.RouteAsync(creation, async route =>
        {
            if (route.Request.Method == "POST" && !tampered)
            {
                tampered = true;
                await route.ContinueAsync(new() { Headers = new Dictionary<string, string>(route.Request.Headers) { ["x-csrf-token"] = "stale" } });
                return;
            }
            await route.FallbackAsync();
        });
        var statuses = new List<int>();
        page.Response += (_, response) =>
        {
            if (response.Request.Method == "POST" && response.Url == creation)
            {
                statuses.Add(response.Status);
            }
        };

        await page.GetByLabel("Name").FillAsync("Retry Labs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();

        await Expect(page.Locator("#orgs tbody tr", new() { HasText = "Retry Labs" })).ToContainTextAsync("owner");
        Assert.Equal([403, 201], statuses);
    }

    [Fact]
    public async Task Too_many_sign_in_attempts_say_when_to_try_again_from_the_retry_after_header()
    {
        await using var system = ConsoleSystem.Start(topology, new Dictionary<string, string?>
        {
            ["RateLimiting:Auth:PermitLimit"] = "2",
            // Shorter than the page's 60-second fallback, so the message proves it read Retry-After.
            ["RateLimiting:Auth:WindowSeconds"] = "30",
        });
        var user = await TestUsers.RegisterAsync(system.Api);
        var page = await chromium.NewPageAsync(system.Site);
        await page.GotoAsync("/sign-in");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await page.RunAndWaitForResponseAsync(
                () => page.SignInWithPasswordAsync(user with { Password = "not-" + user.Password }),
                response => response.Request.Method == "POST" && response.Url.EndsWith("/api/v1/auth/login", StringComparison.Ordinal));
        }

        var alert = page.Locator("#password-form [role=alert]");
        await Expect(alert).ToHaveTextAsync(new Regex(@"^Too many attempts\. Try again in \d+ seconds\.$"));
        var seconds = int.Parse(Regex.Match((await alert.TextContentAsync())!, @"\d+").Value);
        Assert.InRange(seconds, 1, 30);
    }
}
