using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>
/// The console as its own host calling the API cross-origin (as app.convergio.io calls api.convergio.io):
/// CORS allowlist with credentials, the session cookie host-only on the API, the CSRF token from the API.
/// </summary>
[Collection(Chromium.Collection)]
public sealed class SplitTopologyTests(Chromium chromium, Split split) : IClassFixture<Split>
{
    [Fact]
    public async Task A_password_signs_in_on_the_console_origin_through_the_api_origin()
    {
        var system = split.System;
        var user = await TestUsers.RegisterAsync(system.Api);
        var page = await chromium.NewPageAsync(system.ConsoleAddress);
        var apiCalls = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(system.Api.Origin + "/api/", StringComparison.Ordinal))
            {
                apiCalls.Add(request.Method + " " + new Uri(request.Url).AbsolutePath);
            }
        };

        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);

        await page.ExpectSignedInHomeAsync(system.ConsoleAddress, user);
        Assert.Contains("POST /api/v1/auth/login", apiCalls);
        Assert.Contains("GET /api/v1/auth/me", apiCalls);
        // The session cookie belongs to the API's host alone; the console's origin never holds it.
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "session" && c.Domain == "localhost" && c.HttpOnly);
    }

    [Fact]
    public async Task Sign_out_on_the_console_origin_ends_the_api_session()
    {
        var system = split.System;
        var user = await TestUsers.RegisterAsync(system.Api);
        var page = await chromium.NewPageAsync(system.ConsoleAddress);
        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);
        await page.ExpectSignedInHomeAsync(system.ConsoleAddress, user);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(system.ConsoleAddress, "/sign-in").ToString());
        Assert.Equal(401, (await page.Context.APIRequest.GetAsync(system.Api.Origin + "/api/v1/auth/me")).Status);
    }

    [Fact]
    public async Task Sign_up_and_the_verification_link_work_on_the_console_origin()
    {
        var system = split.System;
        var user = TestUsers.New();
        var page = await chromium.NewPageAsync(system.ConsoleAddress);

        await page.GotoAsync("/sign-up");
        await page.GetByLabel("Full name").FillAsync("Grace Tester");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your mail" })).ToBeVisibleAsync();
        var token = await MailPickup.WaitForLinkTokenAsync(system.Api.MailDirectory, user.Email, "/verify-email");
        await page.GotoAsync($"/verify-email?token={token}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify my email" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email verified" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_change_made_on_the_console_origin_reaches_the_api_with_the_csrf_token_it_fetched()
    {
        var system = split.System;
        var user = await TestUsers.RegisterAsync(system.Api);
        var page = await chromium.NewPageAsync(system.ConsoleAddress);
        var creations = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url == system.Api.Origin + "/api/v1/orgs")
            {
                creations.Add(request);
            }
        };
        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);
        await page.ExpectSignedInHomeAsync(system.ConsoleAddress, user);

        await page.GotoAsync("/orgs");
        await page.GetByLabel("Name").FillAsync("Split Labs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();

        await Expect(page.Locator("#orgs tbody tr", new() { HasText = "Split Labs" })).ToContainTextAsync("owner");
        var creation = Assert.Single(creations);
        Assert.False(string.IsNullOrEmpty(await creation.HeaderValueAsync("x-csrf-token")));
    }
}
