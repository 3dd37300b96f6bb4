using System.Collections.Concurrent;
using System.Data.Common;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth;

/// <summary>
/// Writes sessions' <c>last_seen_at</c> in batches, off the request path: the session handler
/// records a use at most once a minute per session, and this writes what was recorded every
/// <see cref="FlushInterval"/> in one transaction (and once more at shutdown). A write never
/// moves <c>last_seen_at</c> back, so instances that saw the same session do not undo each other.
/// Until written, <see cref="Pending"/> counts for the idle timeout of a session read from the database.
/// </summary>
public sealed class LastSeenWriter(IServiceScopeFactory scopes, TimeProvider time, ILogger<LastSeenWriter> logger) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(30);

    /// <summary>A session's use is handed to the writer at most this often.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);

    /// <summary>How far <c>last_seen_at</c> in the database may trail a session's last use.</summary>
    public static readonly TimeSpan MaxLag = Resolution + FlushInterval;

    private readonly ConcurrentDictionary<Guid, DateTime> _pending = new();

    public void Record(Guid sessionId, DateTime seenAt) =>
        _pending.AddOrUpdate(sessionId, seenAt, (_, recorded) => recorded > seenAt ? recorded : seenAt);

    public DateTime? Pending(Guid sessionId) => _pending.TryGetValue(sessionId, out var seenAt) ? seenAt : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = _pending.ToArray();
        if (batch.Length == 0)
        {
            return;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var (sessionId, seenAt) in batch)
            {
                await db.Sessions.Where(s => s.Id == sessionId && s.LastSeenAt < seenAt)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, seenAt), cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            // Kept for the next pass; until then Pending still counts for the idle timeout.
            logger.LogWarning(e, "Could not write the last use of {Count} session(s); retrying", batch.Length);
            return;
        }
        foreach (var written in batch)
        {
            // Only if no later use was recorded meanwhile.
            _pending.TryRemove(written);
        }
    }
}
