using System.Globalization;
using System.Text.Json;
using Convergio.Api.Data;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Audit;

/// <summary>
/// <c>GET /api/v1/admin/audit/export?from&amp;to&amp;format=jsonl|csv</c>: the events with
/// <c>from &lt;= occurredAt &lt; to</c> in chain order, then those not yet sealed (no seq or
/// hash), streamed row by row (never buffered), with their hashes and personal digests (and
/// keys, unless erased) so the export can be checked against the chain offline.
/// </summary>
public static class AuditExport
{
    public const string ExportedAction = "audit.exported";

    private static readonly string[] Formats = ["jsonl", "csv"];
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    // RFC 4180; cells a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a ' in front.
    private static readonly CsvWriterOptions Csv = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    /// <summary>The exported columns, in order: the stored event exactly as it was hashed.</summary>
    private static readonly (string Name, Func<AuditEvent, string?> Value)[] Columns =
    [
        ("id", e => e.Id.ToString(CultureInfo.InvariantCulture)),
        ("seq", e => e.Seq?.ToString(CultureInfo.InvariantCulture)),
        ("occurredAt", e => AuditChain.FormatTimestamp(e.OccurredAt)),
        ("actorUserId", e => e.ActorUserId?.ToString("D")),
        ("orgId", e => e.OrgId?.ToString("D")),
        ("action", e => e.Action),
        ("targetType", e => e.TargetType),
        ("targetId", e => e.TargetId),
        ("outcome", e => e.Outcome),
        ("ip", e => e.Ip),
        ("userAgent", e => e.UserAgent),
        ("personalKey", e => e.PersonalKey),
        ("personalDigest", e => e.PersonalDigest),
        ("requestId", e => e.RequestId),
        ("data", e => e.Data),
        ("prevHash", e => e.PrevHash),
        ("hash", e => e.Hash),
    ];

    internal static async Task<Results<PushStreamHttpResult, ValidationProblem>> ExportAsync(
        DateTimeOffset? from, DateTimeOffset? to, string? format, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        format ??= "jsonl";
        var errors = new Dictionary<string, string[]>();
        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            errors["format"] = ["Use jsonl or csv."];
        }
        AuditPeriod.Validate(from, to, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Who took the audit trail out, and which part, is itself on the trail.
        audit.Record(ExportedAction, data: new { from, to, format });
        await db.SaveChangesAsync(cancellationToken);

        var events = db.AuditEvents.AsNoTracking().Within(from, to)
            .OrderBy(e => e.Seq == null).ThenBy(e => e.Seq).ThenBy(e => e.Id)
            .AsAsyncEnumerable();
        var fileName = $"audit-{from?.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{to?.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.{format}";
        return format == "csv"
            ? TypedResults.Stream(body => WriteCsvAsync(body, events, cancellationToken), "text/csv; charset=utf-8", fileName)
            : TypedResults.Stream(body => WriteJsonLinesAsync(body, events, cancellationToken), "application/x-ndjson; charset=utf-8", fileName);
    }

    private static async Task WriteJsonLinesAsync(Stream body, IAsyncEnumerable<AuditEvent> events, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(body);
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            json.WriteNumber("id", e.Id);
            if (e.Seq is { } seq)
            {
                json.WriteNumber("seq", seq);
            }
            else
            {
                json.WriteNull("seq");
            }
            foreach (var (name, value) in Columns.Skip(2))
            {
                json.WriteString(name, value(e));
            }
            json.WriteEndObject();
            await json.FlushAsync(cancellationToken);
            json.Reset();
            await body.WriteAsync(NewLine, cancellationToken);
        }
    }

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<AuditEvent> events, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(body, Csv, leaveOpen: true);
        csv.WriteHeader(Columns.Select(c => c.Name).ToArray());
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync(Columns.Select(c => c.Value(e)).ToArray(), cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }
}
