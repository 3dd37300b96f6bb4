using System.ComponentModel.DataAnnotations;
using Convergio.Api.Data;
using Convergio.Api.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Events older than this are deleted (docs/audit-retention.md gives the legal basis).</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 365;

    /// <summary>Events deleted per transaction, so a large purge never holds the chain lock for long.</summary>
    [Range(1, 100_000)]
    public int PurgeBatchSize { get; set; } = 1000;

    /// <summary>How often the retention job runs.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}

public sealed record AuditPurgeResult(int Deleted, int Checkpoints);

/// <summary>
/// Deletes the oldest events once they are past retention, a batch per transaction. Only a
/// prefix of the chain is ever deleted (up to the first event still within retention, and
/// never the newest event), and each batch appends, in the same transaction, a checkpoint
/// event naming the last deleted event and its hash: the first kept event links to it, so
/// <see cref="AuditChainVerifier"/> can still prove the remaining chain whole.
/// </summary>
public sealed class AuditRetention(IServiceScopeFactory scopes, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetention> logger)
{
    public const string CheckpointAction = "audit.checkpoint";

    public async Task<AuditPurgeResult> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(options.Value.RetentionDays);
        int deleted = 0, checkpoints = 0;
        while (true)
        {
            var batch = await PurgeBatchAsync(cutoff, cancellationToken);
            if (batch == 0)
            {
                break;
            }
            deleted += batch;
            checkpoints++;
        }
        if (deleted > 0)
        {
            logger.LogInformation("Audit retention deleted {Deleted} event(s) older than {Cutoff:O} and wrote {Checkpoints} checkpoint(s)", deleted, cutoff, checkpoints);
        }
        return new(deleted, checkpoints);
    }

    private async Task<int> PurgeBatchAsync(DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await AuditChain.LockAsync(db, cancellationToken);

        var (headId, _) = await AuditChain.ReadHeadAsync(db, cancellationToken);
        var oldest = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Id < headId)
            .OrderBy(e => e.Id)
            .Take(options.Value.PurgeBatchSize)
            .Select(e => new { e.Id, e.Hash, e.OccurredAt })
            .ToListAsync(cancellationToken);
        var expired = oldest.TakeWhile(e => e.OccurredAt < cutoff).ToList();
        if (expired.Count == 0)
        {
            return 0;
        }

        var last = expired[^1];
        await db.AuditEvents.Where(e => e.Id <= last.Id).ExecuteDeleteAsync(cancellationToken);
        scope.ServiceProvider.GetRequiredService<AuditLog>().Record(
            CheckpointAction,
            targetType: "audit_event",
            targetId: last.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            data: new AuditCheckpoint(last.Id, last.Hash!, expired.Count, cutoff));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return expired.Count;
    }
}

/// <summary>Runs <see cref="AuditRetention"/> at start and then every <see cref="AuditOptions.PurgeInterval"/> of <see cref="TimeProvider"/> time.</summary>
internal sealed class AuditRetentionService(AuditRetention retention, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Created before the first await, so the schedule starts with the host.
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, time);
        do
        {
            try
            {
                await retention.PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Audit retention failed; retrying at the next interval");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>Retention shorter than a year falls below common audit-log obligations (PCI DSS 10.5.1, SOC 2 evidence periods).</summary>
internal sealed class AuditRetentionRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var configured = configuration[$"{AuditOptions.Section}:{nameof(AuditOptions.RetentionDays)}"];
        if (int.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out var days) && days < 365)
        {
            yield return new(GuardSeverity.Warning, "audit-retention", $"Audit:RetentionDays is {days}; docs/audit-retention.md asks for at least 365.");
        }
    }
}
