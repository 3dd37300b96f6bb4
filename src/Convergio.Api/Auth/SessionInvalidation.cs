using System.Data.Common;
using System.Runtime.CompilerServices;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.Passkeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using StackExchange.Redis;

namespace Convergio.Api.Auth;

/// <summary>
/// The one way to say that a session ended or that what a user's sessions may do changed
/// (sign-out, revocation, password change or reset, second factor or passkey change, user
/// disabled, enabled or promoted). Cached sessions are dropped on this instance at once, and
/// again once the change is committed, when the other instances are told through Redis
/// (<see cref="Channel"/>): a request that read the database before the commit cannot leave the
/// old state cached. Tracked changes to <see cref="Session"/> and <see cref="User"/> rows are
/// reported by <see cref="SessionChangeInterceptor"/>; bulk deletes and updates
/// (<c>ExecuteDelete</c>) must call <see cref="SessionEnded"/> or <see cref="UserChanged"/>
/// right after the statement.
/// </summary>
public sealed class SessionInvalidation(SessionCache cache, ILogger<SessionInvalidation> logger, IConnectionMultiplexer? redis = null)
{
    /// <summary>The Redis pub/sub channel every instance listens on.</summary>
    public const string Channel = "convergio:sessions:invalidate";

    private const string SessionPrefix = "session:";
    private const string UserPrefix = "user:";

    private static readonly RedisChannel RedisChannelName = RedisChannel.Literal(Channel);

    // Changes made inside a transaction, published when it commits.
    private readonly ConditionalWeakTable<DbContext, List<string>> _pending = new();

    /// <summary>Call right after the statement that ended or changed the session (inside its transaction, if any).</summary>
    public void SessionEnded(DbContext db, Guid sessionId) => Record(db, SessionChange(sessionId), written: true);

    /// <summary>Every session of the user: disabled, promoted, a credential or second factor changed. Call right after the statement.</summary>
    public void UserChanged(DbContext db, Guid userId) => Record(db, UserChange(userId), written: true);

    /// <summary>A change SaveChanges is about to write: published once it is committed.</summary>
    internal void SavingSession(DbContext db, Guid sessionId) => Record(db, SessionChange(sessionId), written: false);

    internal void SavingUser(DbContext db, Guid userId) => Record(db, UserChange(userId), written: false);

    private static string SessionChange(Guid sessionId) => SessionPrefix + sessionId.ToString("N");

    private static string UserChange(Guid userId) => UserPrefix + userId.ToString("N");

    /// <summary>Applies a change heard on the channel (this instance's own included, harmlessly).</summary>
    internal void Apply(string message)
    {
        if (message.StartsWith(SessionPrefix, StringComparison.Ordinal) && Guid.TryParseExact(message.AsSpan(SessionPrefix.Length), "N", out var sessionId))
        {
            cache.DropSession(sessionId);
        }
        else if (message.StartsWith(UserPrefix, StringComparison.Ordinal) && Guid.TryParseExact(message.AsSpan(UserPrefix.Length), "N", out var userId))
        {
            cache.DropUser(userId);
        }
    }

    internal void Committed(DbContext db)
    {
        if (_pending.TryGetValue(db, out var changes))
        {
            _pending.Remove(db);
            foreach (var change in changes)
            {
                Publish(change);
            }
        }
    }

    internal void RolledBack(DbContext db) => _pending.Remove(db);

    private void Record(DbContext db, string change, bool written)
    {
        Apply(change);
        if (written && db.Database.CurrentTransaction is null)
        {
            Publish(change);
        }
        else
        {
            _pending.GetOrCreateValue(db).Add(change);
        }
    }

    private void Publish(string change)
    {
        Apply(change);
        if (redis is null)
        {
            return;
        }
        try
        {
            // Not awaited: the change is committed whatever Redis says. An instance that cannot hear it stops trusting its cache (SessionInvalidationListener).
            redis.GetSubscriber().Publish(RedisChannelName, change, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Could not publish a session invalidation; other instances read it from the database once their cached copy ages out");
        }
    }
}

/// <summary>Reports tracked changes of sessions and users to <see cref="SessionInvalidation"/>, and publishes them when they are committed.</summary>
internal sealed class SessionChangeInterceptor(SessionInvalidation invalidation) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Report(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Report(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Report(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        foreach (var entry in context.ChangeTracker.Entries())
        {
            var changed = entry.State is EntityState.Deleted or EntityState.Modified;
            switch (entry.Entity)
            {
                case Session session when changed:
                    invalidation.SavingSession(context, session.Id);
                    break;
                case User user when changed:
                    invalidation.SavingUser(context, user.Id);
                    break;
                // A way to sign in added, used or removed: the user's sessions are read again.
                case Passkey passkey when changed || entry.State == EntityState.Added:
                    invalidation.SavingUser(context, passkey.UserId);
                    break;
                case TotpCredential totp when changed || entry.State == EntityState.Added:
                    invalidation.SavingUser(context, totp.UserId);
                    break;
                case RecoveryCode code when changed || entry.State == EntityState.Added:
                    invalidation.SavingUser(context, code.UserId);
                    break;
            }
        }
    }

    // Outside a transaction SaveChanges committed its own: publish what Report recorded.
    private void Saved(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null)
        {
            invalidation.Committed(context);
        }
    }
}

/// <summary>Publishes the invalidations recorded inside a transaction once it commits.</summary>
internal sealed class SessionTransactionInterceptor(SessionInvalidation invalidation) : DbTransactionInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }

    private void Committed(DbContext? context)
    {
        if (context is not null)
        {
            invalidation.Committed(context);
        }
    }

    private void RolledBack(DbContext? context)
    {
        if (context is not null)
        {
            invalidation.RolledBack(context);
        }
    }
}
