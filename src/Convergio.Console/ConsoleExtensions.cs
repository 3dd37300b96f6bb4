using Convergio.WebConsole.Edge;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.Options;

namespace Convergio.WebConsole;

/// <summary>What both hosts share: the pages, their assets, their options (the API host and the console's own host call these).</summary>
public static class ConsoleExtensions
{
    /// <summary>MapStaticAssets' Development switch for a catch-all endpoint (<c>/{**path:file}</c>) that reloads changed files.</summary>
    private const string ReloadStaticAssetsKey = "ReloadStaticAssetsAtRuntime";

    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        // Off unless asked for: that catch-all would be mapped outside the console's conventions (public, GET/HEAD, marked).
        builder.Configuration[ReloadStaticAssetsKey] ??= "false";
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<ConsoleOptions>()
            .Configure(o => o.Enabled = development)
            .BindConfiguration(ConsoleOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var assembly = typeof(ConsoleOptions).Assembly;
        builder.Services.AddRazorPages().ConfigureApplicationPartManager(manager =>
        {
            // The console's own host finds its pages by itself; the API host is told where they are.
            if (!manager.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly))
            {
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    manager.ApplicationParts.Add(part);
                }
            }
        });
        return builder;
    }

    /// <summary>Whether the API host serves the console (<c>Console:Enabled</c>).</summary>
    public static bool ConsoleEnabled(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.Enabled;

    /// <summary>
    /// The console's pages and static assets: public, GET/HEAD only, marked <see cref="ConsolePageMetadata"/>
    /// and left out of the API description. The host adds its own conventions (a rate limit) on the result.
    /// </summary>
    public static IEndpointConventionBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        var endpoints = new ConsoleEndpoints([app.MapRazorPages(), app.MapStaticAssets()]);
        endpoints
            .AllowAnonymous()
            .WithMetadata(new ConsolePageMetadata(), new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]))
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>Conventions added to it apply to the pages and the assets alike.</summary>
    private sealed class ConsoleEndpoints(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
