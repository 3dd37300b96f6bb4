using Convergio.Api.Auth;
using Convergio.Api.Edge;
using Scalar.AspNetCore;

namespace Convergio.Api.Observability;

/// <summary>The OpenAPI document and the Scalar UI, in Development only.</summary>
public static class OpenApiSetup
{
    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddOpenApi();
        }
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            app.MapOpenApi().AllowPublic().RequireRateLimiting(RateLimitPolicies.General);
            app.MapScalarApiReference().AllowPublic().RequireRateLimiting(RateLimitPolicies.General);
        }
        return app;
    }
}
