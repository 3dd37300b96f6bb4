using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>
/// The console as its own host calling the API cross-origin (as app.convergio.io calls api.convergio.io):
/// CORS allowlist with credentials, the session cookie host-only on the API, the CSRF token from the API.
/// </summary>
[Collection(Chromium.Collection)]
public sealed class SplitTopologyTests(Chromium chromium, SplitSystem split) : IClassFixture<SplitSystem>
{
    [Fact]
    public async Task A_password_signs_in_on_the_console_origin_through_the_api_origin()
    {
        var system = split.System;
        var user = await TestUsers.RegisterAsync(system.Api);
        var page = await chromium.NewPageAsync(system.Site);
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

        await page.ExpectSignedInHomeAsync(system.Site, user);
        Assert.Contains("POST /api/v1/auth/login", apiCalls);
        Assert.Contains("GET /api/v1/auth/me", apiCalls);
        // The session cookie belongs to the API's host alone; the console's origin never holds it.
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "session" && c.Domain == "localhost" && c.HttpOnly);
    }

    [Fact]
    public async Task A_change_made_on_the_console_origin_reaches_the_api_with_the_csrf_token_it_fetched()
    {
        var system = split.System;
        var user = await TestUsers.RegisterAsync(system.Api);
        var page = await chromium.NewPageAsync(system.Site);
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
        await page.ExpectSignedInHomeAsync(system.Site, user);

        await page.GotoAsync("/orgs");
        await page.GetByLabel("Name").FillAsync("Split Labs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();

        await Expect(page.Locator("#orgs tbody tr", new() { HasText = "Split Labs" })).ToContainTextAsync("owner");
        var creation = Assert.Single(creations);
        Assert.False(string.IsNullOrEmpty(await creation.HeaderValueAsync("x-csrf-token")));
    }

    [Fact]
    public async Task The_console_origin_sends_researchers_to_the_apis_security_txt()
    {
        var system = split.System;
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = system.Site };

        using var redirect = await client.GetAsync(ConsoleHost.SecurityTxtPath, TestContext.Current.CancellationToken);
        var location = redirect.Headers.Location!;
        using var file = await client.GetAsync(location, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(new Uri(system.Api.Origin + ConsoleHost.SecurityTxtPath), location);
        Assert.Equal(System.Net.HttpStatusCode.OK, file.StatusCode);
        Assert.Contains("Contact: mailto:", await file.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
