using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Audit;

/// <summary>The first place the chain does not hold: the event (by seq), what was wrong, what was expected and what was found.</summary>
public sealed record AuditChainBreak(long Seq, string Problem, string Expected, string Found);

/// <summary>
/// What a walk of the sealed chain found. <see cref="Unsealed"/> events are inserted but not yet
/// sealed (the sealer runs every <see cref="AuditOptions.SealInterval"/>): not part of the proof, and not a failure.
/// </summary>
public sealed record AuditChainReport(long EventsChecked, long? FirstSeq, long? HeadSeq, string? HeadHash, AuditChainBreak? FirstBreak, long Unsealed)
{
    public bool Intact => FirstBreak is null;
}

/// <summary>
/// An event seq and hash that an earlier verification printed and an operator kept outside the
/// database (a ticket, a log archive). Someone with write access can recompute the whole chain,
/// or cut events off its end; neither can make the chain match a hash they cannot change.
/// Written <c>SEQ:HASH</c>.
/// </summary>
public sealed record AuditAnchor(long Seq, string Hash)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out AuditAnchor? anchor)
    {
        anchor = null;
        var parts = text?.Split(':');
        if (parts is not [var seqText, var hash] || !long.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1
            || hash.Length != AuditChain.HashHexLength || !AuditChainVerifier.IsHex(hash))
        {
            return false;
        }
        anchor = new(seq, hash);
        return true;
    }

    public override string ToString() => $"{Seq}:{Hash}";
}

/// <summary>
/// Walks the sealed chain in seq order and reports the first broken link: a start that neither is
/// the genesis nor is anchored by a retention checkpoint, a missing seq, a previous hash that is
/// not the previous event's hash, a hash that does not match the event's content, personal fields
/// that do not match their digest (or outlived their key), or (given an <see cref="AuditAnchor"/>)
/// a chain that no longer holds the anchored event unchanged. Unsealed events are counted apart.
/// </summary>
public sealed class AuditChainVerifier(ConvergioDb db)
{
    private const int PageSize = 1000;

    public async Task<AuditChainReport> VerifyAsync(AuditAnchor? anchor, CancellationToken cancellationToken)
    {
        long checkedCount = 0;
        AuditEvent? previous = null;
        long? firstSeq = null;
        var lastSeq = long.MinValue;
        while (true)
        {
            var page = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Seq > lastSeq)
                .OrderBy(e => e.Seq)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            foreach (var current in page)
            {
                var broken = previous is null
                    ? await CheckStartAsync(current, cancellationToken)
                    : CheckLink(previous, current);
                broken ??= CheckHash(current) ?? CheckPersonal(current);
                if (broken is null && anchor is not null && current.Seq == anchor.Seq && current.Hash != anchor.Hash)
                {
                    broken = new(current.Seq!.Value, "the event differs from the recorded anchor: the chain was rewritten from here or earlier", anchor.Hash, current.Hash ?? "");
                }
                firstSeq ??= current.Seq;
                if (broken is not null)
                {
                    return new(checkedCount, firstSeq, previous?.Seq, previous?.Hash, broken, await UnsealedAsync(cancellationToken));
                }
                checkedCount++;
                previous = current;
            }
            if (page.Count < PageSize)
            {
                var missingAnchor = anchor is null ? null : await CheckAnchorPresentAsync(anchor, firstSeq, previous, cancellationToken);
                return new(checkedCount, firstSeq, previous?.Seq, previous?.Hash, missingAnchor, await UnsealedAsync(cancellationToken));
            }
            lastSeq = page[^1].Seq!.Value;
        }
    }

    private Task<int> UnsealedAsync(CancellationToken cancellationToken) =>
        db.AuditEvents.CountAsync(e => e.Seq == null, cancellationToken);

    /// <summary>After an intact walk: the anchored event must have been among those walked, or purged with a checkpoint naming it.</summary>
    private async Task<AuditChainBreak?> CheckAnchorPresentAsync(AuditAnchor anchor, long? firstSeq, AuditEvent? head, CancellationToken cancellationToken)
    {
        var expected = $"event {anchor.Seq} with hash {anchor.Hash}";
        if (head is null || anchor.Seq > head.Seq)
        {
            return new(anchor.Seq, "the chain ends before the recorded anchor: events were removed from its end", expected, head is null ? "no events" : $"head at event {head.Seq}");
        }
        if (anchor.Seq >= firstSeq)
        {
            return null;
        }
        var checkpoints = await CheckpointsAsync(cancellationToken);
        return checkpoints.Any(c => c.AnchorSeq == anchor.Seq && c.AnchorHash == anchor.Hash)
            ? null
            : new(anchor.Seq, "the recorded anchor was purged by retention and no checkpoint names it, so it can no longer be checked: record a newer head", expected, $"first kept event {firstSeq}");
    }

    private async Task<AuditChainBreak?> CheckStartAsync(AuditEvent first, CancellationToken cancellationToken)
    {
        var seq = first.Seq!.Value;
        if (seq == 1 && first.PrevHash == AuditChain.GenesisHash)
        {
            return null;
        }

        // Events before this one were purged by retention: a checkpoint must name the last purged event.
        var checkpoints = await CheckpointsAsync(cancellationToken);
        var anchored = checkpoints.Any(c => c.AnchorSeq == seq - 1 && c.AnchorHash == first.PrevHash);
        return anchored
            ? null
            : new(seq, "the chain starts here but no retention checkpoint anchors it (earlier events were removed)",
                $"a checkpoint anchoring event {seq - 1} with hash {first.PrevHash}", "none");
    }

    private async Task<List<AuditCheckpoint>> CheckpointsAsync(CancellationToken cancellationToken)
    {
        var data = await db.AuditEvents.AsNoTracking()
            // Only sealed checkpoints: an unsealed row is not yet protected by the chain.
            .Where(e => e.Action == AuditRetention.CheckpointAction && e.Seq != null)
            .Select(e => e.Data)
            .ToListAsync(cancellationToken);
        return data.Select(AuditCheckpoint.Parse).OfType<AuditCheckpoint>().ToList();
    }

    private static AuditChainBreak? CheckLink(AuditEvent previous, AuditEvent current)
    {
        var seq = current.Seq!.Value;
        if (seq != previous.Seq + 1)
        {
            return new(seq, "events are missing before this one", $"seq {previous.Seq + 1}", $"seq {seq}");
        }
        return current.PrevHash == previous.Hash
            ? null
            : new(seq, "prev_hash is not the previous event's hash", previous.Hash ?? "", current.PrevHash ?? "");
    }

    private static AuditChainBreak? CheckHash(AuditEvent current)
    {
        if (current.PrevHash is not { Length: AuditChain.HashHexLength } prevHash || !IsHex(prevHash))
        {
            return new(current.Seq!.Value, "prev_hash is not a SHA-256 hex digest", "64 lowercase hex digits", current.PrevHash ?? "");
        }
        var expected = AuditChain.ComputeHash(prevHash, current);
        return expected == current.Hash
            ? null
            : new(current.Seq!.Value, "hash does not match the event's content", expected, current.Hash ?? "");
    }

    /// <summary>
    /// Format v2: kept personal fields must match the digest the chain hashed; erased ones (no key) must be gone.
    /// Without this, an intruder could change an address or user agent and leave every hash valid.
    /// </summary>
    private static AuditChainBreak? CheckPersonal(AuditEvent current)
    {
        if (current.PersonalDigest is null)
        {
            return null;
        }
        if (current.PersonalKey is null)
        {
            return current.Ip is null && current.UserAgent is null
                ? null
                : new(current.Seq!.Value, "personal fields are present but their key was erased", "no ip and no user agent", $"ip {current.Ip}, user agent {current.UserAgent}");
        }
        if (current.PersonalKey is not { Length: AuditChain.HashHexLength } key || !IsHex(key))
        {
            return new(current.Seq!.Value, "personal_key is not a 256-bit hex key", "64 lowercase hex digits", current.PersonalKey);
        }
        var expected = AuditChain.ComputePersonalDigest(key, current);
        return expected == current.PersonalDigest
            ? null
            : new(current.Seq!.Value, "ip or user agent does not match the personal digest", expected, current.PersonalDigest);
    }

    internal static bool IsHex(string value) => value.All(char.IsAsciiHexDigitLower);
}

/// <summary>The data of a retention checkpoint: the last purged event (by seq), which the first kept event links to.</summary>
public sealed record AuditCheckpoint(
    [property: System.Text.Json.Serialization.JsonPropertyName("anchorId")] long AnchorSeq, string AnchorHash, int Purged, DateTime Cutoff)
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
