namespace Convergio.Api.Edge;

/// <summary>The outcome of one rate-limit decision, in the terms the response headers need.</summary>
/// <param name="Allowed">Whether the request was counted and may proceed.</param>
/// <param name="Remaining">Requests left in the current window after this one.</param>
/// <param name="Reset">Time until the oldest counted request leaves the window (and one more is allowed).</param>
public readonly record struct RateLimitDecision(bool Allowed, int Remaining, TimeSpan Reset);

/// <summary>
/// A sliding-window log: a request is allowed when fewer than <c>limit</c> requests were
/// allowed in the last <c>window</c>, so no window of that length ever holds more than
/// <c>limit</c> (no 2x burst at a fixed boundary). Rejected requests are not counted.
/// </summary>
public interface ISlidingWindowStore
{
    ValueTask<RateLimitDecision> TakeAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Forgets every request counted under the key.</summary>
    ValueTask ResetAsync(string key, CancellationToken cancellationToken);
}

/// <summary>The sliding-window log in this process's memory: the embedded default, the burst layer and the Redis fallback.</summary>
public sealed class InProcessSlidingWindowStore : ISlidingWindowStore
{
    // Idle keys are dropped on a sweep at most this often, so rotating client addresses cannot grow memory without bound.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Log> _logs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public ValueTask<RateLimitDecision> TakeAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        lock (_gate)
        {
            if (now >= _nextSweep)
            {
                Sweep(nowMs);
                _nextSweep = now + SweepInterval;
            }
            if (!_logs.TryGetValue(key, out var log))
            {
                log = new Log(windowMs);
                _logs[key] = log;
            }
            log.Expire(nowMs);
            var allowed = log.Count < limit;
            if (allowed)
            {
                log.Add(nowMs);
            }
            return ValueTask.FromResult(new RateLimitDecision(allowed, limit - log.Count, TimeSpan.FromMilliseconds(log.Oldest + windowMs - nowMs)));
        }
    }

    public ValueTask ResetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _logs.Remove(key);
        }
        return ValueTask.CompletedTask;
    }

    private void Sweep(long nowMs)
    {
        foreach (var (key, log) in _logs)
        {
            log.Expire(nowMs);
            if (log.Count == 0)
            {
                _logs.Remove(key);
            }
        }
    }

    /// <summary>Timestamps (ms) of the allowed requests still inside the window, oldest first.</summary>
    private sealed class Log(long windowMs)
    {
        private readonly Queue<long> _stamps = new();

        public int Count => _stamps.Count;

        public long Oldest => _stamps.TryPeek(out var oldest) ? oldest : 0;

        public void Expire(long nowMs)
        {
            while (_stamps.TryPeek(out var oldest) && oldest <= nowMs - windowMs)
            {
                _stamps.Dequeue();
            }
        }

        public void Add(long nowMs) => _stamps.Enqueue(nowMs);
    }
}
