using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Convergio.Api.ApiDocs;

/// <summary>Documents the bodies of handlers that read the request themselves (<see cref="RawBodyMetadata"/>), which the API explorer cannot see.</summary>
internal sealed class RawBodyDocuments : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RawBodyMetadata>().LastOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = body.Description,
                Content = body.MediaTypes.ToDictionary(m => m, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } }),
            };
        }
        return Task.CompletedTask;
    }
}
