using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Convergio.Api.Audit;

/// <summary>
/// The audit hash chain. Each event stores <c>hash = SHA-256(prevHash || canonical(event))</c>,
/// where <c>prevHash</c> is the hash of the event before it (32 zero bytes for the first) and
/// <c>canonical</c> is <see cref="Canonical"/>. Hashes are stored as lowercase hex.
/// The format is documented in docs/audit-retention.md and must never change for stored events.
/// </summary>
public static class AuditChain
{
    public const int HashHexLength = 64;

    /// <summary>The first event's previous hash: 32 zero bytes.</summary>
    public static readonly string GenesisHash = new('0', HashHexLength);

    /// <summary>Distinguishes this chain's hashes from any other SHA-256 use, and versions the format.</summary>
    private const string FormatTag = "convergio-audit-v1";

    // Any fixed 64-bit number; it names the one PostgreSQL advisory lock that serializes appends.
    private const long PostgresLockKey = 0x436F6E7641756469; // "ConvAudi"

    /// <summary>
    /// The canonical bytes of an event: the format tag, then id, occurredAt, actorUserId, orgId,
    /// action, targetType, targetId, outcome, ip, userAgent, requestId and data, each as a
    /// 4-byte big-endian length of its UTF-8 text followed by that text (length -1 and no
    /// bytes for null). Ids are decimal, GUIDs lowercase with hyphens, the timestamp is
    /// <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c> (UTC, microseconds: what both databases keep).
    /// </summary>
    public static byte[] Canonical(AuditEvent e)
    {
        using var buffer = new MemoryStream(256);
        Write(buffer, FormatTag);
        Write(buffer, e.Id.ToString(CultureInfo.InvariantCulture));
        Write(buffer, FormatTimestamp(e.OccurredAt));
        Write(buffer, e.ActorUserId?.ToString("D"));
        Write(buffer, e.OrgId?.ToString("D"));
        Write(buffer, e.Action);
        Write(buffer, e.TargetType);
        Write(buffer, e.TargetId);
        Write(buffer, e.Outcome);
        Write(buffer, e.Ip);
        Write(buffer, e.UserAgent);
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

    public static string FormatTimestamp(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Both databases keep microseconds; the hashed value must be the stored value.</summary>
    public static DateTime TruncateToMicroseconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % (TimeSpan.TicksPerMillisecond / 1000), DateTimeKind.Utc);

    /// <summary>
    /// Takes the chain's append lock for the rest of the current transaction, so reading the
    /// head and inserting after it cannot interleave with another writer. PostgreSQL: a
    /// transaction-scoped advisory lock. SQLite: the transaction is already the database's
    /// single writer (BEGIN IMMEDIATE), so nothing more is needed.
    /// </summary>
    internal static async Task LockAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The audit chain is locked inside a transaction.");
        }
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
        }
    }

    /// <summary>The newest event's id and hash, or (0, genesis) on an empty chain.</summary>
    internal static async Task<(long Id, string Hash)> ReadHeadAsync(ConvergioDb db, CancellationToken cancellationToken)
    {
        var head = await db.AuditEvents.AsNoTracking()
            .OrderByDescending(e => e.Id)
            .Select(e => new { e.Id, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        return head is null ? (0, GenesisHash) : (head.Id, head.Hash!);
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

/// <summary>
/// Links new audit events into the chain as they are saved: inside the saving transaction
/// (begun here when the caller has none) it takes the append lock, reads the head, and gives
/// each new event, in the order they were recorded, the next id, the previous hash and its hash.
/// </summary>
internal sealed class AuditChainInterceptor : SaveChangesInterceptor
{
    // Transactions this interceptor began, to commit or roll back once SaveChanges ends.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, IDbContextTransaction> _owned = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not ConvergioDb db)
        {
            return result;
        }
        var added = db.ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added).ToList();
        if (added.Count == 0)
        {
            return result;
        }

        if (db.Database.CurrentTransaction is null)
        {
            _owned.AddOrUpdate(db, await db.Database.BeginTransactionAsync(cancellationToken));
        }
        await AuditChain.LockAsync(db, cancellationToken);
        var (id, hash) = await AuditChain.ReadHeadAsync(db, cancellationToken);

        foreach (var entry in added.OrderBy(e => e.Entity.RecordOrder))
        {
            var auditEvent = entry.Entity;
            var idProperty = entry.Property(e => e.Id);
            idProperty.CurrentValue = ++id;
            idProperty.IsTemporary = false;
            auditEvent.OccurredAt = AuditChain.TruncateToMicroseconds(auditEvent.OccurredAt);
            auditEvent.PrevHash = hash;
            auditEvent.Hash = hash = AuditChain.ComputeHash(hash, auditEvent);
        }
        return result;
    }

    /// <summary>Appending needs the database round trips above; async only (house rule), and loud if bypassed.</summary>
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        eventData.Context is ConvergioDb db && db.ChangeTracker.Entries<AuditEvent>().Any(e => e.State == EntityState.Added)
            ? throw new InvalidOperationException("Audit events are saved with SaveChangesAsync.")
            : result;

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && _owned.TryGetValue(db, out var transaction))
        {
            _owned.Remove(db);
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
        }
        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        await RollBackAsync(eventData.Context);

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        await RollBackAsync(eventData.Context);

    private async Task RollBackAsync(DbContext? db)
    {
        if (db is not null && _owned.TryGetValue(db, out var transaction))
        {
            _owned.Remove(db);
            await transaction.RollbackAsync(CancellationToken.None);
            await transaction.DisposeAsync();
        }
    }
}
