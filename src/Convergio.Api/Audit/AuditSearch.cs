using Microsoft.AspNetCore.Mvc;
using Convergio.Api.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Convergio.Api.Audit;

/// <summary>Query-string filters of the audit readers: <c>?actor=&amp;org=&amp;action=&amp;from=&amp;to=</c> (to is exclusive).</summary>
public sealed record AuditFilter(
    [FromQuery(Name = "actor")] Guid? Actor,
    [FromQuery(Name = "org")] Guid? Org,
    [FromQuery(Name = "action")] string? Action,
    [FromQuery(Name = "from")] DateTimeOffset? From,
    [FromQuery(Name = "to")] DateTimeOffset? To);

/// <summary>The filter of an organization's own audit log: the organization is the route's, so there is no <c>org</c> parameter.</summary>
public sealed record OrgAuditFilter(
    [FromQuery(Name = "actor")] Guid? Actor,
    [FromQuery(Name = "action")] string? Action,
    [FromQuery(Name = "from")] DateTimeOffset? From,
    [FromQuery(Name = "to")] DateTimeOffset? To)
{
    public AuditFilter InOrganization() => new(Actor, null, Action, From, To);
}

/// <summary>An event as the audit readers show it; <c>Seq</c> is null until the sealer has chained it.</summary>
public sealed record AuditEventResponse(
    long Id, long? Seq, DateTime OccurredAt, Guid? ActorUserId, Guid? OrgId, string Action, string? TargetType, string? TargetId,
    string Outcome, string? Ip, string? RequestId, string? Data);

/// <summary>
/// Reads audit events newest first, sealed or not (a change shows at once, before the sealer chains it);
/// the platform admin reads all, an org admin only their organization's.
/// </summary>
public static class AuditSearch
{
    private const int MaxActionLength = 100;

    public static async Task<Results<Ok<PagedList<AuditEventResponse>>, ValidationProblem>> FindAsync(
        IQueryable<AuditEvent> events, AuditFilter filter, PageRequest paging, CancellationToken cancellationToken)
    {
        var errors = paging.Errors();
        if (filter.Action?.Length > MaxActionLength)
        {
            errors["action"] = [$"action must be at most {MaxActionLength} characters."];
        }
        AuditPeriod.Validate(filter.From, filter.To, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (filter.Actor is { } actor)
        {
            events = events.Where(e => e.ActorUserId == actor);
        }
        if (filter.Org is { } org)
        {
            events = events.Where(e => e.OrgId == org);
        }
        if (!string.IsNullOrEmpty(filter.Action))
        {
            // An exact name ("member.role_changed") or a family ("member." matches every member.* action).
            events = filter.Action.EndsWith('.')
                ? events.Where(e => e.Action.StartsWith(filter.Action))
                : events.Where(e => e.Action == filter.Action);
        }

        var page = await events.Within(filter.From, filter.To)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Select(e => new AuditEventResponse(e.Id, e.Seq, e.OccurredAt, e.ActorUserId, e.OrgId, e.Action, e.TargetType, e.TargetId, e.Outcome, e.Ip, e.RequestId, e.Data))
            .ToPageAsync(paging, cancellationToken);
        return TypedResults.Ok(page);
    }
}
