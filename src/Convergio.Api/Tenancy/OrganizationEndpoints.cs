using System.Text.RegularExpressions;
using Convergio.Api.Admin;
using Convergio.Api.Audit;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tenancy;

/// <summary>Organizations: create (the creator becomes owner), list mine, read, rename, delete, and read the org's audit trail.</summary>
public static partial class OrganizationEndpoints
{
    private const int MaxNameLength = 200;
    private const int MinSlugLength = 3;
    private const int MaxSlugLength = 100;

    public static void MapOrganizations(RouteGroupBuilder orgs, RouteGroupBuilder org)
    {
        orgs.MapPost("", CreateAsync).RequireScope(TokenScopes.OrgsWrite)
            .WithName("createOrganization").WithSummary("Create an organization")
            .WithDescription("Creates an organization with the caller as its owner; 409 for a slug taken.").ProducesProblem(StatusCodes.Status409Conflict);
        orgs.MapGet("", ListMineAsync).RequireScope(TokenScopes.OrgsRead, filtersToTokenOrganization: true)
            .WithName("listMyOrganizations").WithSummary("List my organizations")
            .WithDescription("The organizations the caller is a member of, with the caller's role.");

        org.MapGet("", GetAsync).RequireOrgRole(OrgRole.Viewer).RequireScope(TokenScopes.OrgsRead)
            .WithName("getOrganization").WithSummary("Get an organization")
            .WithDescription("One organization the caller is a member of.");
        org.MapPatch("", UpdateAsync).RequireOrgRole(OrgRole.Admin).RequireScope(TokenScopes.OrgsWrite)
            .WithName("updateOrganization").WithSummary("Rename an organization")
            .WithDescription("Changes the name or slug; 409 for a slug taken.").ProducesProblem(StatusCodes.Status409Conflict);
        // Sensitive: ends the organization and everything in it.
        org.MapDelete("", DeleteAsync).RequireOrgRole(OrgRole.Owner).RequireRecentAuthentication().RequireScope(TokenScopes.OrgsWrite)
            .AuditDenied(TenancyAuditActions.OrgDeleted).RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("deleteOrganization").WithSummary("Delete an organization")
            .WithDescription("Deletes the organization with its memberships, invites and projects.");
        org.MapGet("/audit", ReadAuditAsync).RequireOrgRole(OrgRole.Admin).RequireScope(TokenScopes.AuditRead)
            .WithName("searchOrganizationAudit").WithSummary("Search the organization's audit log")
            .WithDescription("The organization's audit events by actor, action and period, paged.").WithTags("Audit");
    }

    private static async Task<Results<Created<OrgResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateOrgRequest request, HttpContext http, ConvergioDb db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim() ?? "";
        var slug = string.IsNullOrWhiteSpace(request.Slug) ? SlugFrom(name) : request.Slug.Trim();
        var errors = Validate(name, slug);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = http.User.GetUserId();
        var now = time.GetUtcNow().UtcDateTime;
        var organization = new Organization { Id = Guid.NewGuid(), Name = name, Slug = slug, CreatedAt = now };
        db.Organizations.Add(organization);
        db.Memberships.Add(new Membership { OrgId = organization.Id, UserId = userId, Role = OrgRole.Owner, CreatedAt = now, UpdatedAt = now });
        audit.Record(TenancyAuditActions.OrgCreated, orgId: organization.Id, targetType: "org", targetId: organization.Id.ToString(), data: new { slug });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return SlugTaken();
        }
        return TypedResults.Created($"/api/v1/orgs/{organization.Id}", OrgResponse.From(organization, OrgRole.Owner));
    }

    private static async Task<Ok<List<OrgResponse>>> ListMineAsync(HttpContext http, ConvergioDb db, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        // An organization-limited API token sees only its organization.
        var tokenOrg = http.User.FindTokenOrgId();
        var mine = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .Where(m => tokenOrg == null || m.OrgId == tokenOrg)
            .OrderBy(m => m.Organization!.Name)
            .Select(m => new OrgResponse(m.OrgId, m.Organization!.Name, m.Organization.Slug, m.Organization.Tier, m.Organization.CreatedAt, m.Role))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(mine);
    }

    private static async Task<Ok<OrgResponse>> GetAsync(Guid orgId, HttpContext http, ConvergioDb db, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == orgId, cancellationToken);
        return TypedResults.Ok(OrgResponse.From(organization, http.GetOrgCaller().Role));
    }

    private static async Task<Results<Ok<OrgResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid orgId, UpdateOrgRequest request, HttpContext http, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.SingleAsync(o => o.Id == orgId, cancellationToken);
        var name = request.Name?.Trim() ?? organization.Name;
        var slug = request.Slug?.Trim() ?? organization.Slug;
        var errors = Validate(name, slug);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var changed = new { name = name != organization.Name, slug = slug != organization.Slug };
        organization.Name = name;
        organization.Slug = slug;
        audit.Record(TenancyAuditActions.OrgUpdated, orgId: orgId, targetType: "org", targetId: orgId.ToString(), data: changed);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return SlugTaken();
        }
        return TypedResults.Ok(OrgResponse.From(organization, http.GetOrgCaller().Role));
    }

    private static async Task<NoContent> DeleteAsync(Guid orgId, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        // Memberships, invites and projects go with it (ON DELETE CASCADE); audit events stay.
        var organization = await db.Organizations.SingleAsync(o => o.Id == orgId, cancellationToken);
        db.Organizations.Remove(organization);
        audit.Record(TenancyAuditActions.OrgDeleted, orgId: orgId, targetType: "org", targetId: orgId.ToString(), data: new { slug = organization.Slug });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<PagedList<AuditEventResponse>>, ValidationProblem>> ReadAuditAsync(
        Guid orgId, [AsParameters] OrgAuditFilter filter, [AsParameters] PageRequest paging, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var result = await AuditSearch.FindAsync(db.AuditEvents.AsNoTracking().Where(e => e.OrgId == orgId), filter.InOrganization(), paging, cancellationToken);
        if (result.Result is Ok<PagedList<AuditEventResponse>>)
        {
            audit.Record(TenancyAuditActions.OrgAuditRead, orgId: orgId, targetType: "org", targetId: orgId.ToString());
            await db.SaveChangesAsync(cancellationToken);
        }
        return result;
    }

    private static ProblemHttpResult SlugTaken() => ApiProblems.Conflict("An organization with this slug already exists; choose another slug.");

    private static Dictionary<string, string[]> Validate(string name, string slug)
    {
        var errors = new Dictionary<string, string[]>();
        if (name.Length is 0 or > MaxNameLength)
        {
            errors["name"] = [$"Name is required, at most {MaxNameLength} characters."];
        }
        if (slug.Length is < MinSlugLength or > MaxSlugLength || !SlugPattern().IsMatch(slug))
        {
            errors["slug"] = [$"Slug is {MinSlugLength} to {MaxSlugLength} lower-case letters, digits and single hyphens, starting and ending with a letter or digit."];
        }
        return errors;
    }

    private static string SlugFrom(string name)
    {
        var slug = NotSlugCharacters().Replace(name.ToLowerInvariant(), "-").Trim('-');
        return slug.Length > MaxSlugLength ? slug[..MaxSlugLength].TrimEnd('-') : slug;
    }

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlugCharacters();
}
