using System.Diagnostics.CodeAnalysis;
using System.Globalization;
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
/// An event id and hash that an earlier verification printed and an operator kept outside the
/// database (a ticket, a log archive). Someone with write access can recompute the whole chain,
/// or cut events off its end; neither can make the chain match a hash they cannot change.
/// Written <c>ID:HASH</c>.
/// </summary>
public sealed record AuditAnchor(long Id, string Hash)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out AuditAnchor? anchor)
    {
        anchor = null;
        var parts = text?.Split(':');
        if (parts is not [var id, var hash] || !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var eventId) || eventId < 1
            || hash.Length != AuditChain.HashHexLength || !AuditChainVerifier.IsHex(hash))
        {
            return false;
        }
        anchor = new(eventId, hash);
        return true;
    }

    public override string ToString() => $"{Id}:{Hash}";
}

/// <summary>
/// Walks the chain in id order and reports the first broken link: a start that neither is the
/// genesis nor is anchored by a retention checkpoint, a missing id, a previous hash that is
/// not the previous event's hash, a hash that does not match the event's content, or (given an
/// <see cref="AuditAnchor"/>) a chain that no longer holds the anchored event unchanged.
/// </summary>
public sealed class AuditChainVerifier(ConvergioDb db)
{
    private const int PageSize = 1000;

    public async Task<AuditChainReport> VerifyAsync(AuditAnchor? anchor, CancellationToken cancellationToken)
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
                if (broken is null && current.Id == anchor?.Id && current.Hash != anchor.Hash)
                {
                    broken = new(current.Id, "the event differs from the recorded anchor: the chain was rewritten from here or earlier", anchor.Hash, current.Hash ?? "");
                }
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
                var missingAnchor = anchor is null ? null : await CheckAnchorPresentAsync(anchor, firstId, previous, cancellationToken);
                return new(checkedCount, firstId, previous?.Id, previous?.Hash, missingAnchor);
            }
            lastId = page[^1].Id;
        }
    }

    /// <summary>After an intact walk: the anchored event must have been among those walked, or purged with a checkpoint naming it.</summary>
    private async Task<AuditChainBreak?> CheckAnchorPresentAsync(AuditAnchor anchor, long? firstId, AuditEvent? head, CancellationToken cancellationToken)
    {
        var expected = $"event {anchor.Id} with hash {anchor.Hash}";
        if (head is null || anchor.Id > head.Id)
        {
            return new(anchor.Id, "the chain ends before the recorded anchor: events were removed from its end", expected, head is null ? "no events" : $"head at event {head.Id}");
        }
        if (anchor.Id >= firstId)
        {
            return null;
        }
        var checkpoints = await CheckpointsAsync(cancellationToken);
        return checkpoints.Any(c => c.AnchorId == anchor.Id && c.AnchorHash == anchor.Hash)
            ? null
            : new(anchor.Id, "the recorded anchor was purged by retention and no checkpoint names it, so it can no longer be checked: record a newer head", expected, $"first kept event {firstId}");
    }

    private async Task<AuditChainBreak?> CheckStartAsync(AuditEvent first, CancellationToken cancellationToken)
    {
        if (first.Id == 1 && first.PrevHash == AuditChain.GenesisHash)
        {
            return null;
        }

        // Events before this one were purged by retention: a checkpoint must name the last purged event.
        var checkpoints = await CheckpointsAsync(cancellationToken);
        var anchored = checkpoints.Any(c => c.AnchorId == first.Id - 1 && c.AnchorHash == first.PrevHash);
        return anchored
            ? null
            : new(first.Id, "the chain starts here but no retention checkpoint anchors it (earlier events were removed)",
                $"a checkpoint anchoring event {first.Id - 1} with hash {first.PrevHash}", "none");
    }

    private async Task<List<AuditCheckpoint>> CheckpointsAsync(CancellationToken cancellationToken)
    {
        var data = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == AuditRetention.CheckpointAction)
            .Select(e => e.Data)
            .ToListAsync(cancellationToken);
        return data.Select(AuditCheckpoint.Parse).OfType<AuditCheckpoint>().ToList();
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

    internal static bool IsHex(string value) => value.All(char.IsAsciiHexDigitLower);
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
