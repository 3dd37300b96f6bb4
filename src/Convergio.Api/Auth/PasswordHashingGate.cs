using System.Threading.RateLimiting;
using Convergio.Api.Edge;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth;

/// <summary>
/// Bounds Argon2id work so a sign-in flood never takes every core (or its memory): at most
/// <see cref="PasswordHashingOptions.MaxConcurrent"/> derivations at once (by default one core
/// fewer than the machine has, at least one), at most <see cref="PasswordHashingOptions.MaxQueued"/>
/// waiting, oldest first. A request beyond the queue is refused before doing anything: 503 with
/// <c>Retry-After</c> (<see cref="ServiceBusyException"/>).
/// </summary>
public sealed class PasswordHashingGate : IDisposable
{
    internal static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrencyLimiter _limiter;

    public PasswordHashingGate(IOptions<PasswordHashingOptions> options)
    {
        var value = options.Value;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = value.MaxConcurrent > 0 ? value.MaxConcurrent : Math.Max(1, Environment.ProcessorCount - 1),
            QueueLimit = value.MaxQueued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Derivations waiting for a slot.</summary>
    public long Queued => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>A slot for one derivation, released by disposing it; throws <see cref="ServiceBusyException"/> when the queue is full.</summary>
    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        var lease = await _limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new ServiceBusyException(RetryAfter, "Too many sign-ins are being processed; retry after the time in Retry-After.");
        }
        return lease;
    }

    public void Dispose() => _limiter.Dispose();
}
