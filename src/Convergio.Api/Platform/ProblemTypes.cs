namespace Convergio.Api.Platform;

/// <summary>
/// The <c>type</c> URIs of problems a client acts on (docs/design.md, "HTTP contract"); other
/// problems carry the default <c>about:blank</c> and are told apart by status.
/// </summary>
public static class ProblemTypes
{
    private const string Base = "https://convergio.io/problems/";
    public const string MfaRequired = Base + "mfa-required";
    public const string ReauthenticationRequired = Base + "reauthentication-required";
    public const string EmailVerificationRequired = Base + "email-verification-required";
    public const string CsrfTokenInvalid = Base + "csrf-token-invalid";
    public const string OriginNotAllowed = Base + "origin-not-allowed";
    public const string UnsupportedCharset = Base + "unsupported-charset";
    public const string LastOwner = Base + "last-owner";
}

/// <summary>A problem <c>type</c> an endpoint's handler can answer with, for the OpenAPI document (ApiDocs).</summary>
public sealed record ProblemTypeMetadata(int StatusCode, string Type);

public static class ProblemTypeConventions
{
    /// <summary>Declares that the handler itself answers <paramref name="statusCode"/> with <paramref name="type"/>.</summary>
    public static TBuilder ProducesProblemType<TBuilder>(this TBuilder builder, int statusCode, string type) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(statusCode).WithMetadata(new ProblemTypeMetadata(statusCode, type));
}
