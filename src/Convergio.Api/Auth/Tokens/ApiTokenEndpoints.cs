using Convergio.Api.Audit;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.Tokens;

/// <summary>The signed-in user's API tokens: create one (step-up; the secret is shown once), list them, revoke one.</summary>
public static class ApiTokenEndpoints
{
    public const string Path = "/api/v1/auth/tokens";

    public static IEndpointRouteBuilder MapApiTokens(this IEndpointRouteBuilder app)
    {
        // Under /api/v1/auth and without a scope: a token can neither list nor mint tokens.
        var tokens = app.MapGroup(Path).WithTags("API tokens")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.General);
        tokens.MapPost("", CreateAsync).RequireRecentAuthentication().RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("createApiToken").WithSummary("Create an API token")
            .WithDescription("Creates a personal access token for scripts and CI with the given scopes, expiry (at most a year) and, optionally, one organization. The response holds the secret (`cvg_…`), shown this once; send it as `Authorization: Bearer <token>`. 404 for an organization the caller is not a member of; 409 when the caller holds the most live tokens allowed.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tokens.MapGet("", ListAsync)
            .WithName("listApiTokens").WithSummary("List my API tokens")
            .WithDescription("The caller's API tokens, newest first, with scopes, expiry and last use; never the secret.");
        tokens.MapDelete("/{tokenId:guid}", RevokeAsync)
            .WithName("revokeApiToken").WithSummary("Revoke one of my API tokens")
            .WithDescription("Deletes the token: requests presenting it are refused (401) from now on. 404 for a token that is not the caller's.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<CreatedApiTokenResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateApiTokenRequest request, HttpContext http, ConvergioDb db, IOrganizationMembership memberships, AuditLog audit,
        IOptions<ApiTokenOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var name = request.Name?.Trim() ?? "";
        var scopes = request.Scopes?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        var errors = Validate(name, scopes, request.ExpiresAt?.UtcDateTime, now, options.Value.MaxLifetime);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = http.User.GetUserId();
        if (request.OrgId is { } orgId && !await memberships.IsMemberAsync(orgId, userId, cancellationToken))
        {
            return ApiProblems.NotFound("No such organization.");
        }
        if (await db.ApiTokens.CountAsync(t => t.UserId == userId && t.ExpiresAt > now, cancellationToken) >= options.Value.MaxTokensPerUser)
        {
            return ApiProblems.Conflict($"You hold {options.Value.MaxTokensPerUser} live API tokens, the most allowed: revoke one first.");
        }

        var secret = ApiTokenFormat.New();
        var token = new ApiToken
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            TokenHash = ApiTokenFormat.Hash(secret),
            Scopes = string.Join(' ', scopes),
            OrgId = request.OrgId,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt!.Value.UtcDateTime,
        };
        db.ApiTokens.Add(token);
        audit.Record(ApiTokenAuditActions.Created, orgId: token.OrgId, targetType: "api_token", targetId: token.Id.ToString(),
            data: new { name, scopes, expiresAt = token.ExpiresAt });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"{Path}/{token.Id}", new CreatedApiTokenResponse(token.Id, secret, name, scopes, token.ExpiresAt, token.OrgId));
    }

    private static async Task<Ok<List<ApiTokenResponse>>> ListAsync(HttpContext http, ConvergioDb db, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var rows = await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new { t.Id, t.Name, t.Scopes, t.ExpiresAt, t.OrgId, t.CreatedAt, t.LastUsedAt })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(t => new ApiTokenResponse(t.Id, t.Name, t.Scopes.Split(' '), t.ExpiresAt, t.OrgId, t.CreatedAt, t.LastUsedAt)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid tokenId, HttpContext http, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Another user's token id matches nothing here, so it is indistinguishable from an unknown one.
        if (await db.ApiTokens.Where(t => t.Id == tokenId && t.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return ApiProblems.NotFound("No such API token.");
        }
        audit.Record(ApiTokenAuditActions.Revoked, targetType: "api_token", targetId: tokenId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static Dictionary<string, string[]> Validate(string name, List<string> scopes, DateTime? expiresAt, DateTime now, TimeSpan maxLifetime)
    {
        var errors = new Dictionary<string, string[]>();
        if (name.Length is 0 or > ApiToken.MaxNameLength)
        {
            errors["name"] = [$"Name is required, at most {ApiToken.MaxNameLength} characters."];
        }
        if (scopes.Count == 0 || scopes.Any(s => !TokenScopes.IsKnown(s)))
        {
            errors["scopes"] = ["Scopes must be a non-empty list of: " + string.Join(", ", TokenScopes.All) + "."];
        }
        if (expiresAt is not { } expiry || expiry <= now || expiry - now > maxLifetime)
        {
            errors["expiresAt"] = [$"Expiry is required, in the future and at most {maxLifetime.TotalDays:0} days away."];
        }
        return errors;
    }
}
