using Convergio.Api.Audit;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Data;
using Convergio.Api.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.ProviderKeys;

public sealed record CreateProviderKeyRequest(string? Provider, string? ApiKey, string? Label)
{
    // A record prints every property; this one must never print the key, wherever it is logged.
    public override string ToString() => $"{nameof(CreateProviderKeyRequest)} {{ Provider = {Provider}, Label = {Label} }}";
}

public sealed record ProviderKeyResponse(Guid Id, string Provider, string? Label, string Last4, DateTime CreatedAt, DateTime? LastUsedAt)
{
    public static ProviderKeyResponse From(ProviderKey key) => new(key.Id, key.Provider, key.Label, key.Last4, key.CreatedAt, key.LastUsedAt);
}

public static class ProviderKeyAuditActions
{
    public const string Created = "userkey.created";
    public const string Deleted = "userkey.deleted";
}

public static class ProviderKeyEndpoints
{
    public const int MaxKeysPerUser = 50;
    private const string TargetType = "provider_key";

    public static WebApplicationBuilder AddProviderKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProviderKeyAccess>();
        return builder;
    }

    public static IEndpointRouteBuilder MapProviderKeys(this IEndpointRouteBuilder app)
    {
        // The signed-in user's own keys: every query is scoped by the session's user id.
        var keys = app.MapGroup("/api/v1/user-keys").WithTags("Provider keys")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.General);
        keys.MapGet("", ListAsync)
            .WithName("listProviderKeys").WithSummary("List my provider keys")
            .WithDescription("The signed-in user's provider keys, without the secrets.");
        keys.MapPost("", CreateAsync).RequireRecentAuthentication().RequireVerifiedEmail().RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("createProviderKey").WithSummary("Store a provider key")
            .WithDescription("Stores a third-party API key encrypted; 409 beyond the per-user maximum.").ProducesProblem(StatusCodes.Status409Conflict);
        keys.MapDelete("/{id:guid}", DeleteAsync).RequireRecentAuthentication().RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("deleteProviderKey").WithSummary("Delete a provider key")
            .WithDescription("Deletes one of the signed-in user's provider keys.");
        return app;
    }

    private static async Task<Ok<List<ProviderKeyResponse>>> ListAsync(HttpContext http, ConvergioDb db, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var keys = await db.ProviderKeys.AsNoTracking()
            .Where(k => k.UserId == userId)
            .OrderBy(k => k.CreatedAt)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(keys.Select(ProviderKeyResponse.From).ToList());
    }

    private static async Task<Results<Created<ProviderKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateProviderKeyRequest request, HttpContext http, ConvergioDb db, FernetKeyRing ring, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = ProviderKeyRules.Validate(request.Provider, request.ApiKey, request.Label);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = http.User.GetUserId();
        if (await db.ProviderKeys.CountAsync(k => k.UserId == userId, cancellationToken) >= MaxKeysPerUser)
        {
            return ApiProblems.Conflict($"At most {MaxKeysPerUser} provider keys can be stored; delete one first.");
        }

        var apiKey = request.ApiKey!;
        var key = new ProviderKey
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Provider = request.Provider!,
            Label = request.Label?.Trim(),
            Ciphertext = ring.Encrypt(apiKey),
            Last4 = apiKey[^4..],
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ProviderKeys.Add(key);
        audit.Record(ProviderKeyAuditActions.Created, targetType: TargetType, targetId: key.Id.ToString(), data: new { provider = key.Provider });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/user-keys/{key.Id}", ProviderKeyResponse.From(key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext http, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var key = await db.ProviderKeys.SingleOrDefaultAsync(k => k.UserId == userId && k.Id == id, cancellationToken);
        if (key is null)
        {
            // Another user's key and no key at all look the same.
            return ApiProblems.NotFound("No such provider key.");
        }
        db.ProviderKeys.Remove(key);
        audit.Record(ProviderKeyAuditActions.Deleted, targetType: TargetType, targetId: key.Id.ToString(), data: new { provider = key.Provider });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
