using System.ComponentModel.DataAnnotations;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Events older than this are deleted (docs/audit-retention.md gives the legal basis).</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 365;

    /// <summary>How long an inserted event may wait for its place in the hash chain.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan SealInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events sealed per transaction.</summary>
    [Range(1, 100_000)]
    public int SealBatchSize { get; set; } = 1000;

    /// <summary>Events deleted per transaction, so a large purge never holds the seal lock for long.</summary>
    [Range(1, 100_000)]
    public int PurgeBatchSize { get; set; } = 1000;

    /// <summary>How often the retention job runs.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}

public sealed record AuditPurgeResult(int Deleted, int Checkpoints);

/// <summary>
/// Deletes the oldest sealed events once they are past retention, a batch per transaction under
/// the seal lock. Only a prefix of the chain is ever deleted (up to the first event still within
/// retention, and never the newest sealed event), and each batch appends and seals, in the same
/// transaction, a checkpoint event naming the last deleted event's seq and hash: the first kept
/// event links to it, so <see cref="AuditChainVerifier"/> can still prove the remaining chain whole.
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
        return await db.InTransactionAsync(async (transaction, token) =>
        {
            await AuditChain.LockAsync(db, wait: true, token);

            var (headSeq, _) = await AuditChain.ReadHeadAsync(db, token);
            var oldest = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Seq < headSeq)
                .OrderBy(e => e.Seq)
                .Take(options.Value.PurgeBatchSize)
                .Select(e => new { e.Seq, e.Hash, e.OccurredAt })
                .ToListAsync(token);
            var expired = oldest.TakeWhile(e => e.OccurredAt < cutoff).ToList();
            if (expired.Count == 0)
            {
                return 0;
            }

            var last = expired[^1];
            await db.AuditEvents.Where(e => e.Seq <= last.Seq).ExecuteDeleteAsync(token);
            scope.ServiceProvider.GetRequiredService<AuditLog>().Record(
                CheckpointAction,
                targetType: "audit_event",
                targetId: last.Seq!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                data: new AuditCheckpoint(last.Seq.Value, last.Hash!, expired.Count, cutoff));
            await db.SaveChangesAsync(token);
            // Sealed before commit: verification only trusts sealed checkpoints, and must never see the cut unanchored.
            int sealedNow;
            do
            {
                sealedNow = await AuditChain.SealPendingAsync(db, options.Value.SealBatchSize, token);
            }
            while (sealedNow == options.Value.SealBatchSize);
            await transaction.CommitAsync(token);
            return expired.Count;
        }, cancellationToken);
    }
}

/// <summary>Runs <see cref="AuditRetention"/> at start and then every <see cref="AuditOptions.PurgeInterval"/> of <see cref="TimeProvider"/> time.</summary>
internal sealed class AuditRetentionService(AuditRetention retention, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetentionService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.PurgeInterval, retention.PurgeAsync, time, logger, stoppingToken);
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
