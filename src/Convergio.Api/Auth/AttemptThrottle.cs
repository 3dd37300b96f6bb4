using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth;

/// <summary>
/// Attempt limits kept in the database, so they hold across instances and restarts:
/// a fixed budget per window (password change: 3 per 15 minutes) and a progressive
/// sign-in penalty per account (from the 5th consecutive failure: 30 s, doubling, capped at 15 min).
/// Keys for accounts use a hash of the normalized email, which exists whether or not the account does.
/// </summary>
public sealed class AttemptThrottle(ConvergioDb db, TimeProvider time)
{
    public const int FreeLoginFailures = 4;
    public static readonly TimeSpan FirstPenalty = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxPenalty = TimeSpan.FromMinutes(15);

    public static string LoginKey(string normalizedEmail) =>
        "login:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

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
        var bucket = await LoadAsync(key, now, cancellationToken);
        bucket.Count++;
        if (bucket.Count > FreeLoginFailures)
        {
            var doublings = Math.Min(bucket.Count - FreeLoginFailures - 1, 10);
            var penalty = TimeSpan.FromTicks(Math.Min(MaxPenalty.Ticks, FirstPenalty.Ticks << doublings));
            bucket.BlockedUntil = now + penalty;
        }
    }

    public Task ResetAsync(string key, CancellationToken cancellationToken) =>
        db.ThrottleBuckets.Where(b => b.Key == key).ExecuteDeleteAsync(cancellationToken);

    /// <summary>Takes one attempt from a budget of <paramref name="limit"/> per <paramref name="window"/>; the wait when none is left.</summary>
    public async Task<TimeSpan?> TryTakeAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var bucket = await LoadAsync(key, now, cancellationToken);
        if (now - bucket.WindowStartedAt >= window)
        {
            bucket.WindowStartedAt = now;
            bucket.Count = 0;
        }
        if (bucket.Count >= limit)
        {
            return bucket.WindowStartedAt + window - now;
        }
        bucket.Count++;
        return null;
    }

    private async Task<ThrottleBucket> LoadAsync(string key, DateTime now, CancellationToken cancellationToken)
    {
        var bucket = await db.ThrottleBuckets.SingleOrDefaultAsync(b => b.Key == key, cancellationToken);
        if (bucket is null)
        {
            bucket = new ThrottleBucket { Key = key, WindowStartedAt = now };
            db.ThrottleBuckets.Add(bucket);
        }
        return bucket;
    }
}
