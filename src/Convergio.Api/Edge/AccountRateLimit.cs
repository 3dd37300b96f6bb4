using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Edge;

/// <summary>
/// A request aimed at one account (sign-in, registration, password recovery). Endpoints whose
/// request implements this get the per-account rate-limit bucket on the normalized email,
/// so distributed guessing at one account is capped whatever the client IPs.
/// </summary>
public interface IAccountScopedRequest
{
    string Email { get; }
}

/// <summary>
/// The browsers known to an account (Auth's device cookies): an attempt from one is counted in its
/// own bucket instead of the account's, so failures piled up elsewhere cannot lock the owner out.
/// </summary>
public interface IKnownDevices
{
    /// <summary>The device id of a valid device credential the request presents for this account, or null.</summary>
    Guid? PresentedFor(HttpContext http, string normalizedEmail);
}

/// <summary>
/// Finds the email of an <see cref="IAccountScopedRequest"/> body before the endpoint runs, so the
/// per-account bucket applies to every such endpoint without being declared (nothing to forget).
/// The body is read with the same type and JSON options the endpoint binds with, then rewound,
/// so the limiter and the endpoint cannot disagree about which account is meant.
/// </summary>
public sealed class AccountScopedRequests(IOptions<JsonOptions> json)
{
    private readonly ConcurrentDictionary<Endpoint, Type?> _bodyTypes = new();

    /// <summary>The email the body names, or null when the endpoint takes no such body or the body is not readable JSON (the endpoint then answers 4xx itself).</summary>
    public async ValueTask<string?> FindEmailAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.GetEndpoint() is not { } endpoint
            || _bodyTypes.GetOrAdd(endpoint, BodyType) is not { } type
            || !context.Request.HasJsonContentType())
        {
            return null;
        }

        context.Request.EnableBuffering();
        try
        {
            var body = await JsonSerializer.DeserializeAsync(context.Request.Body, type, json.Value.SerializerOptions, cancellationToken);
            return body is IAccountScopedRequest { Email: { } email } && !string.IsNullOrWhiteSpace(email) ? email : null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            context.Request.Body.Position = 0;
        }
    }

    private static Type? BodyType(Endpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>()
            .Select(m => m.RequestType)
            .FirstOrDefault(t => t is not null && typeof(IAccountScopedRequest).IsAssignableFrom(t));
}
