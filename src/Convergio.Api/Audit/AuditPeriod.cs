namespace Convergio.Api.Audit;

/// <summary>The <c>from</c>/<c>to</c> period the audit search and the export share.</summary>
public static class AuditPeriod
{
    /// <summary>Adds the error of a period that ends before it starts.</summary>
    public static void Validate(DateTimeOffset? from, DateTimeOffset? to, Dictionary<string, string[]> errors)
    {
        if (from > to)
        {
            errors["to"] = ["'to' must not be before 'from'."];
        }
    }

    /// <summary>Events at or after <paramref name="from"/> and before <paramref name="to"/>; an end left out is open.</summary>
    public static IQueryable<AuditEvent> Within(this IQueryable<AuditEvent> events, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is { } start)
        {
            var startUtc = start.UtcDateTime;
            events = events.Where(e => e.OccurredAt >= startUtc);
        }
        if (to is { } end)
        {
            var endUtc = end.UtcDateTime;
            events = events.Where(e => e.OccurredAt < endUtc);
        }
        return events;
    }
}
