using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Convergio.Api.Auth;

/// <summary>The SHA-256 of a session token as a value, so a lookup allocates nothing.</summary>
public readonly record struct SessionTokenHash(ulong A, ulong B, ulong C, ulong D)
{
    public const int MaxTokenBytes = 256;

    /// <summary>False for a cookie too long to be one of ours (it is refused without hashing it).</summary>
    public static bool TryCompute(string token, out SessionTokenHash hash)
    {
        Span<byte> utf8 = stackalloc byte[MaxTokenBytes];
        if (!Encoding.UTF8.TryGetBytes(token, utf8, out var written))
        {
            hash = default;
            return false;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..written], digest);
        var words = MemoryMarshal.Cast<byte, ulong>(digest);
        hash = new(words[0], words[1], words[2], words[3]);
        return true;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[SHA256.HashSizeInBytes];
        var words = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan());
        (words[0], words[1], words[2], words[3]) = (A, B, C, D);
        return bytes;
    }
}

/// <summary>What the session handler needs, as read from the database at <see cref="LoadedAt"/>.</summary>
public sealed class CachedSession
{
    private long _lastSeenTicks;

    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required DateTime ExpiresAt { get; init; }
    public required bool SecondFactorPending { get; init; }

    /// <summary>The principal's claims (user, session, method, step-up clock, verified email, platform admin), copied into each request's identity.</summary>
    public required IReadOnlyList<System.Security.Claims.Claim> Claims { get; init; }

    /// <summary>The user's profile as <c>GET /me</c> shows it; its every field changes through a tracked <see cref="User"/> or second-factor change, which drops the entry.</summary>
    public required UserResponse Profile { get; init; }

    public required DateTime LoadedAt { get; init; }

    /// <summary>The last use of the session on this instance (or the database's, if later when loaded): the idle clock.</summary>
    public DateTime LastSeen
    {
        get => new(Interlocked.Read(ref _lastSeenTicks), DateTimeKind.Utc);
        set => Interlocked.Exchange(ref _lastSeenTicks, value.Ticks);
    }

    /// <summary>The last use handed to the <see cref="LastSeenWriter"/>, so it is handed over at most once a minute.</summary>
    public DateTime LastSeenWritten { get; set; }

    /// <summary>Valid now: inside its absolute lifetime and idle timeout.</summary>
    public bool IsValidAt(DateTime now, TimeSpan idleTimeout) => now < ExpiresAt && now - LastSeen < idleTimeout;
}

/// <summary>
/// Sessions served from memory, keyed by token hash and bounded in size and age. An entry is
/// dropped at once when its session ends or its user's security state changes
/// (<see cref="SessionInvalidation"/>, which tells the other instances through Redis). With
/// Redis configured the cache is trusted only while this instance hears its own heartbeat on
/// the invalidation channel (<see cref="SessionInvalidationListener"/>); otherwise every request
/// reads the database, as it would without the cache.
/// </summary>
public sealed class SessionCache
{
    private readonly ConcurrentDictionary<SessionTokenHash, CachedSession> _entries = new();
    private readonly IOptions<AuthOptions> _options;

    // Bumped by every invalidation: a database read that started before one is not cached (it may predate the change).
    private long _generation;

    // Ticks of the time until which entries may be served; 0 while the invalidation channel is not heard.
    private long _trustedUntilTicks;

    public SessionCache(IOptions<AuthOptions> options, IConnectionMultiplexer? redis = null)
    {
        _options = options;
        _trustedUntilTicks = redis is null ? DateTime.MaxValue.Ticks : 0;
    }

    public long Generation => Interlocked.Read(ref _generation);

    public int Count => _entries.Count;

    /// <summary>False while a cached session could have missed an invalidation (the channel is not heard).</summary>
    public bool IsTrusted(DateTime now) => now.Ticks < Interlocked.Read(ref _trustedUntilTicks);

    /// <summary>The cached entry, if trusted, no older than the configured lifetime and still valid; null means read the database.</summary>
    public CachedSession? Find(SessionTokenHash hash, DateTime now)
    {
        var options = _options.Value;
        if (!IsTrusted(now) || !_entries.TryGetValue(hash, out var entry))
        {
            return null;
        }
        if (now - entry.LoadedAt < options.SessionCacheLifetime && entry.IsValidAt(now, options.IdleTimeout))
        {
            return entry;
        }
        // Stale, or idle here (another instance may have seen it since): the database decides.
        _entries.TryRemove(new KeyValuePair<SessionTokenHash, CachedSession>(hash, entry));
        return null;
    }

    /// <summary>
    /// Caches an entry read from the database after <paramref name="generation"/> was taken,
    /// unless an invalidation happened since (then the read may predate it) or trust was lost.
    /// </summary>
    public void Add(SessionTokenHash hash, CachedSession entry, long generation)
    {
        var capacity = _options.Value.SessionCacheCapacity;
        if (capacity == 0 || !IsTrusted(entry.LoadedAt) || generation != Generation)
        {
            return;
        }
        if (_entries.Count >= capacity)
        {
            Trim(entry.LoadedAt);
        }
        _entries[hash] = entry;
        // An invalidation that ran between the check above and the write may have missed this entry.
        if (generation != Generation)
        {
            _entries.TryRemove(new KeyValuePair<SessionTokenHash, CachedSession>(hash, entry));
        }
    }

    public void DropSession(Guid sessionId) => Drop(e => e.Id == sessionId);

    public void DropUser(Guid userId) => Drop(e => e.UserId == userId);

    /// <summary>Stops serving from memory until <see cref="TrustUntil"/> (the invalidation channel went quiet).</summary>
    public void Distrust()
    {
        Interlocked.Exchange(ref _trustedUntilTicks, 0);
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>The channel was heard at <paramref name="now"/>: serve from memory until <paramref name="until"/>, starting empty after a gap.</summary>
    public void TrustUntil(DateTime now, DateTime until)
    {
        if (!IsTrusted(now))
        {
            // Invalidations may have been missed while the channel was not heard.
            Interlocked.Increment(ref _generation);
            _entries.Clear();
        }
        Interlocked.Exchange(ref _trustedUntilTicks, until.Ticks);
    }

    private void Drop(Func<CachedSession, bool> match)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, entry) in _entries)
        {
            if (match(entry))
            {
                _entries.TryRemove(hash, out _);
            }
        }
    }

    /// <summary>Full: drop what is stale; if everything is fresh, start over (the database holds the truth, the writer the pending last-seen times).</summary>
    private void Trim(DateTime now)
    {
        var options = _options.Value;
        foreach (var (hash, entry) in _entries)
        {
            if (now - entry.LoadedAt >= options.SessionCacheLifetime || !entry.IsValidAt(now, options.IdleTimeout))
            {
                _entries.TryRemove(hash, out _);
            }
        }
        if (_entries.Count >= options.SessionCacheCapacity)
        {
            _entries.Clear();
        }
    }
}
