using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Convergio.Api.ApiDocs;

/// <summary>
/// A handler that answers one status with either of two bodies (sign-in: the user, or "a second
/// factor is owed") declares both in its typed results; the generator keeps only one, so the
/// response becomes a <c>oneOf</c> of every declared body.
/// </summary>
internal sealed class SuccessAlternatives : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var declared = context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>();
        foreach (var group in declared.Where(r => r.StatusCode < 300 && r.Type is not null && r.Type != typeof(void)).GroupBy(r => r.StatusCode))
        {
            var types = group.Select(r => r.Type!).Distinct().ToList();
            if (types.Count < 2 || operation.Responses?[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not OpenApiResponse response)
            {
                continue;
            }
            foreach (var media in (response.Content ?? new Dictionary<string, OpenApiMediaType>()).Values)
            {
                media.Schema = new OpenApiSchema { OneOf = [.. types.Select(t => (IOpenApiSchema)new OpenApiSchemaReference(t.Name, context.Document))] };
            }
        }
        return Task.CompletedTask;
    }
}
