using System.Text.Json;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Audit;

/// <summary>The first place the chain does not hold: the event, what was wrong, what was expected and what was found.</summary>
public sealed record AuditChainBreak(long Id, string Problem, string Expected, string Found);

public sealed record AuditChainReport(long EventsChecked, long? FirstId, long? HeadId, string? HeadHash, AuditChainBreak? FirstBreak)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// Walks the chain in id order and reports the first broken link: a start that neither is the
/// genesis nor is anchored by a retention checkpoint, a missing id, a previous hash that is
/// not the previous event's hash, or a hash that does not match the event's content.
/// </summary>
public sealed class AuditChainVerifier(ConvergioDb db)
{
    private const int PageSize = 1000;

    public async Task<AuditChainReport> VerifyAsync(CancellationToken cancellationToken)
    {
        long checkedCount = 0;
        AuditEvent? previous = null;
        long? firstId = null;
        var lastId = long.MinValue;
        while (true)
        {
            var page = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Id > lastId)
                .OrderBy(e => e.Id)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            foreach (var current in page)
            {
                var broken = previous is null
                    ? await CheckStartAsync(current, cancellationToken)
                    : CheckLink(previous, current);
                broken ??= CheckHash(current);
                firstId ??= current.Id;
                if (broken is not null)
                {
                    return new(checkedCount, firstId, previous?.Id, previous?.Hash, broken);
                }
                checkedCount++;
                previous = current;
            }
            if (page.Count < PageSize)
            {
                return new(checkedCount, firstId, previous?.Id, previous?.Hash, null);
            }
            lastId = page[^1].Id;
        }
    }

    private async Task<AuditChainBreak?> CheckStartAsync(AuditEvent first, CancellationToken cancellationToken)
    {
        if (first.Id == 1 && first.PrevHash == AuditChain.GenesisHash)
        {
            return null;
        }

        // Events before this one were purged by retention: a checkpoint must name the last purged event.
        var checkpoints = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == AuditRetention.CheckpointAction && e.Id > first.Id)
            .Select(e => e.Data)
            .ToListAsync(cancellationToken);
        var anchored = checkpoints.Select(AuditCheckpoint.Parse)
            .Any(c => c is not null && c.AnchorId == first.Id - 1 && c.AnchorHash == first.PrevHash);
        return anchored
            ? null
            : new(first.Id, "the chain starts here but no retention checkpoint anchors it (earlier events were removed)",
                $"a checkpoint anchoring event {first.Id - 1} with hash {first.PrevHash}", "none");
    }

    private static AuditChainBreak? CheckLink(AuditEvent previous, AuditEvent current)
    {
        if (current.Id != previous.Id + 1)
        {
            return new(current.Id, "events are missing before this one", $"id {previous.Id + 1}", $"id {current.Id}");
        }
        return current.PrevHash == previous.Hash
            ? null
            : new(current.Id, "prev_hash is not the previous event's hash", previous.Hash ?? "", current.PrevHash ?? "");
    }

    private static AuditChainBreak? CheckHash(AuditEvent current)
    {
        if (current.PrevHash is not { Length: AuditChain.HashHexLength } prevHash || !IsHex(prevHash))
        {
            return new(current.Id, "prev_hash is not a SHA-256 hex digest", "64 lowercase hex digits", current.PrevHash ?? "");
        }
        var expected = AuditChain.ComputeHash(prevHash, current);
        return expected == current.Hash
            ? null
            : new(current.Id, "hash does not match the event's content", expected, current.Hash ?? "");
    }

    private static bool IsHex(string value) => value.All(char.IsAsciiHexDigitLower);
}

/// <summary>The data of a retention checkpoint: the last purged event, which the first kept event links to.</summary>
public sealed record AuditCheckpoint(long AnchorId, string AnchorHash, int Purged, DateTime Cutoff)
{
    public static AuditCheckpoint? Parse(string? data)
    {
        if (data is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<AuditCheckpoint>(data, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
