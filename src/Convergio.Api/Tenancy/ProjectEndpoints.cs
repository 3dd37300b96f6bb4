using Convergio.Api.Audit;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tenancy;

/// <summary>
/// Projects, the tenant-scoped resource. Every query is keyed by the route's organization as well as the
/// project id, so a project of another organization is 404 whatever the caller's role here.
/// </summary>
public static class ProjectEndpoints
{
    public static void MapProjects(RouteGroupBuilder org)
    {
        org.MapGet("/projects", ListAsync).RequireOrgRole(OrgRole.Viewer).RequireScope(TokenScopes.ProjectsRead)
            .WithName("listProjects").WithSummary("List projects")
            .WithDescription("The organization's projects, paged.").WithTags("Projects");
        org.MapPost("/projects", CreateAsync).RequireOrgRole(OrgRole.Member).RequireScope(TokenScopes.ProjectsWrite)
            .WithName("createProject").WithSummary("Create a project")
            .WithDescription("Creates a project in the organization.").WithTags("Projects");
        org.MapGet("/projects/{projectId:guid}", GetAsync).RequireOrgRole(OrgRole.Viewer).RequireScope(TokenScopes.ProjectsRead)
            .WithName("getProject").WithSummary("Get a project")
            .WithDescription("One project of the organization.").WithTags("Projects");
        org.MapPatch("/projects/{projectId:guid}", UpdateAsync).RequireOrgRole(OrgRole.Member).RequireScope(TokenScopes.ProjectsWrite)
            .WithName("updateProject").WithSummary("Update a project")
            .WithDescription("Changes a project's name or description.").WithTags("Projects");
        org.MapDelete("/projects/{projectId:guid}", DeleteAsync).RequireOrgRole(OrgRole.Admin).RequireScope(TokenScopes.ProjectsWrite)
            .WithName("deleteProject").WithSummary("Delete a project")
            .WithDescription("Deletes a project of the organization.").WithTags("Projects");
    }

    private static async Task<Results<Ok<PagedList<ProjectResponse>>, ValidationProblem>> ListAsync(
        Guid orgId, [AsParameters] PageRequest paging, ConvergioDb db, CancellationToken cancellationToken)
    {
        var errors = paging.Errors();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var page = await db.Projects.AsNoTracking()
            .Where(p => p.OrgId == orgId)
            .OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id)
            .Select(p => new ProjectResponse(p.Id, p.Name, p.Description, p.CreatedBy, p.CreatedAt, p.UpdatedAt))
            .ToPageAsync(paging, cancellationToken);
        return TypedResults.Ok(page);
    }

    private static async Task<Results<Created<ProjectResponse>, ValidationProblem>> CreateAsync(
        Guid orgId, CreateProjectRequest request, HttpContext http, ConvergioDb db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim() ?? "";
        var description = Blank(request.Description);
        if (Validate(name, description) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var project = new Project
        {
            Id = Guid.NewGuid(),
            OrgId = orgId,
            Name = name,
            Description = description,
            CreatedBy = http.GetOrgCaller().UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Projects.Add(project);
        audit.Record(TenancyAuditActions.ProjectCreated, orgId: orgId, targetType: "project", targetId: project.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/orgs/{orgId}/projects/{project.Id}", ProjectResponse.From(project));
    }

    private static async Task<Results<Ok<ProjectResponse>, ProblemHttpResult>> GetAsync(Guid orgId, Guid projectId, ConvergioDb db, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.OrgId == orgId && p.Id == projectId, cancellationToken);
        return project is null ? NoSuchProject() : TypedResults.Ok(ProjectResponse.From(project));
    }

    private static async Task<Results<Ok<ProjectResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid orgId, Guid projectId, UpdateProjectRequest request, ConvergioDb db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var project = await db.Projects.SingleOrDefaultAsync(p => p.OrgId == orgId && p.Id == projectId, cancellationToken);
        if (project is null)
        {
            return NoSuchProject();
        }
        var name = request.Name?.Trim() ?? project.Name;
        var description = request.Description is null ? project.Description : Blank(request.Description);
        if (Validate(name, description) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        project.Name = name;
        project.Description = description;
        project.UpdatedAt = time.GetUtcNow().UtcDateTime;
        audit.Record(TenancyAuditActions.ProjectUpdated, orgId: orgId, targetType: "project", targetId: projectId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ProjectResponse.From(project));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid orgId, Guid projectId, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var project = await db.Projects.SingleOrDefaultAsync(p => p.OrgId == orgId && p.Id == projectId, cancellationToken);
        if (project is null)
        {
            return NoSuchProject();
        }
        db.Projects.Remove(project);
        audit.Record(TenancyAuditActions.ProjectDeleted, orgId: orgId, targetType: "project", targetId: projectId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NoSuchProject() => ApiProblems.NotFound("No such project in this organization.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Dictionary<string, string[]> Validate(string name, string? description)
    {
        var errors = new Dictionary<string, string[]>();
        if (name.Length is 0 or > Project.MaxNameLength)
        {
            errors["name"] = [$"Name is required, at most {Project.MaxNameLength} characters."];
        }
        if (description?.Length > Project.MaxDescriptionLength)
        {
            errors["description"] = [$"Description must be at most {Project.MaxDescriptionLength} characters."];
        }
        return errors;
    }
}
