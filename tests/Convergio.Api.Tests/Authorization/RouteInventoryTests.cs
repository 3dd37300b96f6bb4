using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Auth;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Auth.Tokens;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Authorization;

/// <summary>
/// The deny-by-default rules, checked over every endpoint the real app registers, so a new endpoint
/// that forgets its authorization, tenant rule, token scope or rate limit fails here with its route and method.
/// </summary>
public sealed class RouteInventoryTests
{
    [Fact]
    public async Task Only_the_public_list_is_anonymous()
    {
        await using var factory = new ConvergioFactory();
        var allowed = PublicEndpoints.Routes.Concat(PublicEndpoints.DevelopmentRoutes).ToHashSet(StringComparer.Ordinal);

        var offenders = RegisteredRoutes.All(factory)
            .Where(r => r.IsAnonymous && (!allowed.Contains(r.Key) || !r.Endpoint.IsPublic()))
            .Select(r => r.Key).ToList();

        Assert.True(offenders.Count == 0, "Anonymous but not on PublicEndpoints.Routes (or not marked AllowPublic()):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Console_pages_and_assets_are_anonymous_get_or_head_outside_the_api_and_its_description()
    {
        await using var factory = new ConvergioFactory();

        var console = RegisteredRoutes.Console(factory);
        var offenders = console
            .Where(r => r.Method is not ("GET" or "HEAD")
                || !r.IsAnonymous
                || r.Pattern.StartsWith("/api", StringComparison.OrdinalIgnoreCase)
                || r.Endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not { PolicyName.Length: > 0 }
                || r.Endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Select(r => r.Key).ToList();

        Assert.Contains(console, r => r.Key == "GET /sign-in");
        Assert.True(offenders.Count == 0, "Console endpoints must be anonymous, rate-limited GET/HEAD, outside /api and the API description:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task The_api_host_serves_no_console_when_it_is_disabled()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Console:Enabled"] = "false" });

        Assert.Empty(RegisteredRoutes.Console(factory));
        using var browser = new TestBrowser(factory);
        using var response = await browser.Client.GetAsync("/sign-in", TestContext.Current.CancellationToken);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Every_non_public_endpoint_declares_authorization_and_org_routes_declare_a_tenant_role()
    {
        await using var factory = new ConvergioFactory();

        var offenders = RegisteredRoutes.All(factory)
            .Where(r => !r.IsAnonymous)
            .Where(r => r.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0 && r.Endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is null
                || r.Pattern.Contains("{orgId", StringComparison.Ordinal) && r.Endpoint.Metadata.GetMetadata<OrgRoleRequirement>() is null)
            .Select(r => r.Key).ToList();

        Assert.True(offenders.Count == 0, "No explicit authorization (RequireAuthorization/policy) or tenant rule (RequireOrgRole):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Every_endpoint_names_a_rate_limit_policy()
    {
        await using var factory = new ConvergioFactory();

        var offenders = RegisteredRoutes.All(factory)
            .Where(r => r.Endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not { PolicyName: { Length: > 0 } }
                || r.Endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
            .Select(r => r.Key).ToList();

        Assert.True(offenders.Count == 0, "No rate-limit policy (RequireRateLimiting(RateLimitPolicies.X)):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Every_endpoint_is_mapped_under_the_plain_text_input_rule()
    {
        await using var factory = new ConvergioFactory();

        var offenders = RegisteredRoutes.All(factory)
            .Where(r => r.Endpoint.Metadata.GetMetadata<Convergio.Api.Edge.PlainTextInputMetadata>() is null)
            .Select(r => r.Key).ToList();

        Assert.True(offenders.Count == 0, "Mapped outside the group of Program.cs that applies Edge/PlainTextInput:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Every_non_public_mutating_endpoint_refuses_a_session_without_the_csrf_token()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        user.Browser.SendsCsrfHeader = false;
        var routes = RegisteredRoutes.All(factory).Where(r => !r.IsAnonymous && r.Method is "POST" or "PUT" or "PATCH" or "DELETE").ToList();
        Assert.NotEmpty(routes);

        var offenders = new List<string>();
        // Logout last: should it ever pass, it would end the session the sweep is using.
        foreach (var route in routes.OrderBy(r => r.Pattern == "/api/v1/auth/logout"))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path()) { Content = JsonContent.Create(new { }) };
            using var response = await user.Client.SendAsync(request, TestContext.Current.CancellationToken);
            var detail = response.StatusCode == HttpStatusCode.Forbidden ? await ProblemAssert.DetailAsync(response, HttpStatusCode.Forbidden) : null;
            if (detail != Csrf.CsrfTests.Rejection)
            {
                offenders.Add($"{route.Key} -> {(int)response.StatusCode} {detail}");
            }
        }

        Assert.True(offenders.Count == 0, "Expected 403 CSRF refusal for a signed-in request without X-CSRF-Token:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Every_non_public_endpoint_answers_401_problem_without_a_session(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var client = factory.CreateClient();
        var routes = RegisteredRoutes.All(factory).Where(r => !r.IsAnonymous).ToList();
        Assert.NotEmpty(routes);

        var offenders = new List<string>();
        foreach (var route in routes)
        {
            using var request = route.Request();
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                offenders.Add($"{route.Key} -> {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
            }
        }

        Assert.True(offenders.Count == 0, "Expected 401 problem+json without a session:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Every_endpoint_declares_a_token_scope_or_refuses_an_api_token_with_403()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        await factory.MakePlatformAdminAsync(user.Id);
        var created = await user.CreateTokenAsync(factory, TokenScopes.All);
        using var client = factory.BearerClient(created.Token);
        var routes = RegisteredRoutes.All(factory).Where(r => r.Endpoint.Metadata.GetMetadata<TokenScopeRequirement>() is null).ToList();
        Assert.NotEmpty(routes);

        var offenders = new List<string>();
        foreach (var route in routes)
        {
            using var request = route.Request();
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var detail = response.StatusCode == HttpStatusCode.Forbidden ? await ProblemAssert.DetailAsync(response, HttpStatusCode.Forbidden) : null;
            if (detail != "API tokens cannot use this endpoint; sign in instead.")
            {
                offenders.Add($"{route.Key} -> {(int)response.StatusCode} {detail}");
            }
        }

        Assert.True(offenders.Count == 0, "Expected 403 for an API token on an endpoint that declares no scope (RequireScope):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Only_organization_routes_declare_a_token_scope()
    {
        await using var factory = new ConvergioFactory();

        var offenders = RegisteredRoutes.All(factory)
            .Where(r => r.Endpoint.Metadata.GetMetadata<TokenScopeRequirement>() is not null && !r.Pattern.StartsWith("/api/v1/orgs", StringComparison.Ordinal))
            .Select(r => r.Key).ToList();

        Assert.True(offenders.Count == 0, "A token scope on an account, provider-key, admin or platform endpoint (tokens must never reach these):\n" + string.Join("\n", offenders));
    }
}
