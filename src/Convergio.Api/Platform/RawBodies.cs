namespace Convergio.Api.Platform;

/// <summary>The body of a handler that reads the request itself (a signature over its bytes, report media types), for the OpenAPI document.</summary>
public sealed record RawBodyMetadata(string Description, IReadOnlyList<string> MediaTypes);

public static class RawBodies
{
    public static TBuilder DescribesRawBody<TBuilder>(this TBuilder builder, string description, params string[] mediaTypes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RawBodyMetadata(description, mediaTypes));
}
