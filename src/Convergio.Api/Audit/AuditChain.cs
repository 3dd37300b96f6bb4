using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Audit;

/// <summary>
/// The audit hash chain. Each sealed event stores <c>hash = SHA-256(prevHash || canonical(event))</c>,
/// where <c>prevHash</c> is the hash of the event before it in <see cref="AuditEvent.Seq"/> order (32 zero
/// bytes for the first) and <c>canonical</c> is <see cref="Canonical"/>. Hashes are stored as lowercase hex.
/// The format is documented in docs/audit-retention.md and must never change for stored events.
/// </summary>
public static class AuditChain
{
    public const int HashHexLength = 64;

    /// <summary>The first event's previous hash: 32 zero bytes.</summary>
    public static readonly string GenesisHash = new('0', HashHexLength);

    /// <summary>Distinguish this chain's hashes from any other SHA-256 use, and version the format.</summary>
    private const string LegacyFormatTag = "convergio-audit-v1";
    private const string FormatTag = "convergio-audit-v2";
    private const string PersonalFormatTag = "convergio-audit-personal-v1";

    private const int PersonalKeyBytes = 32;

    // Any fixed 64-bit number; it names the one PostgreSQL advisory lock that serializes sealing.
    private const long PostgresLockKey = 0x436F6E7641756469; // "ConvAudi"

    /// <summary>
    /// The canonical bytes of an event: each field as a 4-byte big-endian length of its UTF-8 text
    /// followed by that text (length -1 and no bytes for null). Ids are decimal, GUIDs lowercase with
    /// hyphens, the timestamp is <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c> (UTC, microseconds: what both
    /// databases keep). Format v2 (an event with a <see cref="AuditEvent.PersonalDigest"/>): the tag,
    /// seq, id, occurredAt, actorUserId, orgId, action, targetType, targetId, outcome, personalDigest,
    /// requestId, data. Format v1 (events sealed before personal fields became erasable): the tag, id
    /// (which was the chain position), occurredAt, actorUserId, orgId, action, targetType, targetId,
    /// outcome, ip, userAgent, requestId, data.
    /// </summary>
    public static byte[] Canonical(AuditEvent e)
    {
        using var buffer = new MemoryStream(256);
        var legacy = e.PersonalDigest is null;
        Write(buffer, legacy ? LegacyFormatTag : FormatTag);
        if (!legacy)
        {
            Write(buffer, e.Seq?.ToString(CultureInfo.InvariantCulture));
        }
        Write(buffer, e.Id.ToString(CultureInfo.InvariantCulture));
        Write(buffer, FormatTimestamp(e.OccurredAt));
        Write(buffer, e.ActorUserId?.ToString("D"));
        Write(buffer, e.OrgId?.ToString("D"));
        Write(buffer, e.Action);
        Write(buffer, e.TargetType);
        Write(buffer, e.TargetId);
        Write(buffer, e.Outcome);
        if (legacy)
        {
            Write(buffer, e.Ip);
            Write(buffer, e.UserAgent);
        }
        else
        {
            Write(buffer, e.PersonalDigest);
        }
        Write(buffer, e.RequestId);
        Write(buffer, e.Data);
        return buffer.ToArray();
    }

    /// <summary>The hash an event must carry given the previous hash (hex) and its content.</summary>
    public static string ComputeHash(string prevHash, AuditEvent e)
    {
        var previous = Convert.FromHexString(prevHash);
        var canonical = Canonical(e);
        var input = new byte[previous.Length + canonical.Length];
        previous.CopyTo(input, 0);
        canonical.CopyTo(input, previous.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>
    /// HMAC-SHA256 under <paramref name="keyHex"/> of the tag, ip and userAgent (encoded as in
    /// <see cref="Canonical"/>), lowercase hex. The chain hashes this digest, not the values, so
    /// erasing the values and the key later leaves every hash valid.
    /// </summary>
    public static string ComputePersonalDigest(string keyHex, AuditEvent e)
    {
        using var buffer = new MemoryStream(128);
        Write(buffer, PersonalFormatTag);
        Write(buffer, e.Ip);
        Write(buffer, e.UserAgent);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromHexString(keyHex), buffer.ToArray()));
    }

    public static string FormatTimestamp(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Both databases keep microseconds; the hashed value must be the stored value.</summary>
    public static DateTime TruncateToMicroseconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % (TimeSpan.TicksPerMillisecond / 1000), DateTimeKind.Utc);

    /// <summary>
    /// Takes the chain's seal lock for the rest of the current transaction, so reading the head and
    /// sealing after it cannot interleave with another sealer (another instance, or retention).
    /// PostgreSQL: a transaction-scoped advisory lock; with <paramref name="wait"/> false, false when
    /// another transaction holds it. SQLite: the transaction is already the database's single writer
    /// (BEGIN IMMEDIATE), so nothing more is needed.
    /// </summary>
    internal static async Task<bool> LockAsync(ConvergioDb db, bool wait, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The audit chain is locked inside a transaction.");
        }
        if (!db.Database.IsNpgsql())
        {
            return true;
        }
        if (wait)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
            return true;
        }
        return await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({PostgresLockKey}) AS \"Value\"").SingleAsync(cancellationToken);
    }

    /// <summary>The newest sealed event's seq and hash, or (0, genesis) on an empty chain.</summary>
    internal static async Task<(long Seq, string Hash)> ReadHeadAsync(ConvergioDb db, CancellationToken cancellationToken)
    {
        var head = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Seq != null)
            .OrderByDescending(e => e.Seq)
            .Select(e => new { e.Seq, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        return head is null ? (0, GenesisHash) : (head.Seq!.Value, head.Hash!);
    }

    /// <summary>
    /// Under the seal lock: links up to <paramref name="batchSize"/> unsealed events, in insertion (id)
    /// order, after the head: each gets a fresh personal key, the digest of its personal fields, the
    /// next seq, the previous hash and its hash. Returns how many it sealed.
    /// </summary>
    internal static async Task<int> SealPendingAsync(ConvergioDb db, int batchSize, CancellationToken cancellationToken)
    {
        var (seq, hash) = await ReadHeadAsync(db, cancellationToken);
        var pending = await db.AuditEvents
            .Where(e => e.Seq == null)
            .OrderBy(e => e.Id)
            .Take(batchSize)
            .ToListAsync(cancellationToken);
        foreach (var auditEvent in pending)
        {
            auditEvent.PersonalKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PersonalKeyBytes));
            auditEvent.PersonalDigest = ComputePersonalDigest(auditEvent.PersonalKey, auditEvent);
            auditEvent.Seq = ++seq;
            auditEvent.PrevHash = hash;
            auditEvent.Hash = hash = ComputeHash(hash, auditEvent);
        }
        await db.SaveChangesAsync(cancellationToken);
        return pending.Count;
    }

    private static void Write(MemoryStream buffer, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            buffer.Write(length);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
