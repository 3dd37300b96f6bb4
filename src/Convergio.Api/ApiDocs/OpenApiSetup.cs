using Convergio.Api.Edge;
using Convergio.WebConsole.Edge;
using Scalar.AspNetCore;

namespace Convergio.Api.ApiDocs;

/// <summary>
/// The OpenAPI document and the Scalar UI, served in Development only; the build writes the same
/// document to docs/openapi.json, the contract integrators read (docs/api-contract.md).
/// </summary>
public static class OpenApiSetup
{
    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddOpenApi(options =>
            {
                options.AddDocumentTransformer<ContractDocument>();
                options.AddOperationTransformer<RawBodyDocuments>();
                options.AddOperationTransformer<SuccessAlternatives>();
                options.AddOperationTransformer<OperationSecurity>();
                options.AddOperationTransformer<ErrorResponses>();
            });
        }
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            app.MapOpenApi().AllowPublic().RequireRateLimiting(RateLimitPolicies.General);
            // The page's script tags carry this response's CSP nonce (SecurityHeaders puts the same one in the policy).
            app.MapScalarApiReference((options, context) => options.WithNonce(context.GetCspNonce())).AllowPublic().RequireRateLimiting(RateLimitPolicies.General);
        }
        return app;
    }
}
