using System.Text.RegularExpressions;
using Convergio.WebConsole.Edge;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>One method of one endpoint the real app registers.</summary>
public sealed record RegisteredRoute(string Method, string Pattern, RouteEndpoint Endpoint)
{
    /// <summary>"POST /api/v1/orgs/{orgId:guid}/invites": the form <c>PublicEndpoints.Routes</c> and test lists use.</summary>
    public string Key => $"{Method} {Pattern}";

    public bool IsAnonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    public bool HasRequirement<TRequirement>() where TRequirement : IAuthorizationRequirement =>
        Endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Any(p => p.Requirements.OfType<TRequirement>().Any());

    public bool HasRequirement(IAuthorizationRequirement requirement) =>
        Endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Any(p => p.Requirements.Contains(requirement));

    /// <summary>
    /// A request path that matches the route: a named parameter takes its value from
    /// <paramref name="values"/>, other ids a fresh GUID, numbers "1", anything else "sample".
    /// </summary>
    public string Path(IReadOnlyDictionary<string, string>? values = null) => RegisteredRoutes.Parameter().Replace(Pattern, m =>
    {
        var name = m.Groups["name"].Value;
        var constraint = m.Groups["constraint"].Value;
        if (values?.TryGetValue(name, out var value) == true)
        {
            return value;
        }
        return constraint.Contains("guid", StringComparison.Ordinal) || name.EndsWith("Id", StringComparison.Ordinal) || name == "id"
            ? Guid.NewGuid().ToString()
            : constraint.Contains("int", StringComparison.Ordinal) || constraint.Contains("long", StringComparison.Ordinal) ? "1" : "sample";
    });

    /// <summary>A request for <see cref="Path"/>, with an empty JSON object as the body of a mutating method.</summary>
    public HttpRequestMessage Request(IReadOnlyDictionary<string, string>? values = null) =>
        new(new HttpMethod(Method), Path(values))
        {
            Content = Method is "POST" or "PUT" or "PATCH" or "DELETE" ? System.Net.Http.Json.JsonContent.Create(new { }) : null,
        };
}

/// <summary>The app's route table, for the tests that check a rule over every endpoint.</summary>
public static partial class RegisteredRoutes
{
    /// <summary>Every API endpoint: all but the console's pages and assets (<see cref="Console"/>), which RouteInventoryTests hold to their own rule.</summary>
    public static List<RegisteredRoute> All(ConvergioFactory factory) => Routes(factory, console: false);

    /// <summary>The console's pages and static assets (<see cref="ConsolePageMetadata"/>), served by the API host when Console:Enabled.</summary>
    public static List<RegisteredRoute> Console(ConvergioFactory factory) => Routes(factory, console: true);

    private static List<RegisteredRoute> Routes(ConvergioFactory factory, bool console) =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.IsConsolePage() == console)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new RegisteredRoute(method, WithoutTrailingSlash(e.RoutePattern.RawText!), e)))
            .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)
            .ToList();

    /// <summary>A group's <c>MapGet("")</c> leaves a trailing slash in the pattern; routing matches the path with or without it.</summary>
    private static string WithoutTrailingSlash(string pattern) => pattern.Length > 1 ? pattern.TrimEnd('/') : pattern;

    [GeneratedRegex(@"\{\*{0,2}(?<name>\w+)(?<constraint>:[^}?=]*)?[?]?(=[^}]*)?\}")]
    internal static partial Regex Parameter();
}
