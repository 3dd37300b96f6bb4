using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth;

/// <summary>
/// Attempt limits kept in the database, so they hold across instances and restarts:
/// a fixed budget per window (password change: 3 per 15 minutes) and a progressive
/// sign-in penalty per account (from the 5th consecutive failure: 30 s, doubling, capped at 15 min).
/// Keys for accounts use a hash of the normalized email, which exists whether or not the account does;
/// a browser with a valid device cookie for the account is counted under its device instead.
/// </summary>
public sealed class AttemptThrottle(ConvergioDb db, TimeProvider time)
{
    public const int FreeLoginFailures = 4;
    public static readonly TimeSpan FirstPenalty = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxPenalty = TimeSpan.FromMinutes(15);

    public static string LoginKey(string normalizedEmail) =>
        "login:" + Emails.Fingerprint(normalizedEmail);

    /// <summary>Sign-in failures of a browser presenting a valid device cookie: its own penalty, apart from the account's.</summary>
    public static string DeviceLoginKey(Guid deviceId) => $"login-device:{deviceId:N}";

    public static string ChangePasswordKey(Guid userId) => $"change-password:{userId:N}";

    /// <summary>How long the key is still blocked, or null.</summary>
    public async Task<TimeSpan?> BlockedForAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var blockedUntil = await db.ThrottleBuckets.Where(b => b.Key == key).Select(b => b.BlockedUntil).SingleOrDefaultAsync(cancellationToken);
        return blockedUntil > now ? blockedUntil - now : null;
    }

    /// <summary>Counts a failed sign-in; from the 5th in a row the account is blocked for a doubling time.</summary>
    public async Task RecordLoginFailureAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // One atomic upsert (same syntax on SQLite and PostgreSQL): concurrent failures for one
        // account add up instead of colliding on the key.
        var counts = await db.Database.SqlQuery<int>($"""
            INSERT INTO throttle_buckets ("key", "count", window_started_at) VALUES ({key}, 1, {now})
            ON CONFLICT ("key") DO UPDATE SET "count" = throttle_buckets."count" + 1
            RETURNING "count" AS "Value"
            """).ToListAsync(cancellationToken);
        var count = counts.Single();
        if (count > FreeLoginFailures)
        {
            var doublings = Math.Min(count - FreeLoginFailures - 1, 10);
            var blockedUntil = now + TimeSpan.FromTicks(Math.Min(MaxPenalty.Ticks, FirstPenalty.Ticks << doublings));
            await db.ThrottleBuckets.Where(b => b.Key == key).ExecuteUpdateAsync(u => u.SetProperty(b => b.BlockedUntil, blockedUntil), cancellationToken);
        }
    }

    public Task ResetAsync(string key, CancellationToken cancellationToken) =>
        db.ThrottleBuckets.Where(b => b.Key == key).ExecuteDeleteAsync(cancellationToken);

    /// <summary>Takes one attempt from a budget of <paramref name="limit"/> per <paramref name="window"/>; the wait when none is left.</summary>
    public async Task<TimeSpan?> TryTakeAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var expired = now - window;
        // One atomic upsert: parallel attempts each take their own slot, and a window that has
        // run out starts again, so the budget cannot be overrun or a request fail on the key.
        var taken = (await db.Database.SqlQuery<ThrottleWindow>($"""
            INSERT INTO throttle_buckets ("key", "count", window_started_at) VALUES ({key}, 1, {now})
            ON CONFLICT ("key") DO UPDATE SET
                "count" = CASE WHEN throttle_buckets.window_started_at <= {expired} THEN 1 ELSE throttle_buckets."count" + 1 END,
                window_started_at = CASE WHEN throttle_buckets.window_started_at <= {expired} THEN {now} ELSE throttle_buckets.window_started_at END
            RETURNING "count" AS "Count", window_started_at AS "WindowStartedAt"
            """).ToListAsync(cancellationToken)).Single();
        return taken.Count > limit ? DateTime.SpecifyKind(taken.WindowStartedAt, DateTimeKind.Utc) + window - now : null;
    }

    private sealed record ThrottleWindow(int Count, DateTime WindowStartedAt);
}
