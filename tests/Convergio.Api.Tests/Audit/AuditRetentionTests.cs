using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Convergio.Api.Tests.Audit;

public sealed class AuditRetentionTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Scheduled_purge_deletes_expired_events_and_the_chain_still_verifies(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 5);
        var before = await AuditTrail.AllAsync(factory);

        // A year and a day later; the job's timer runs on the same fake clock.
        factory.Time.Advance(TimeSpan.FromDays(366));
        var after = await WaitForCheckpointAsync(factory);

        var report = await AuditTrail.VerifyAsync(factory);
        Assert.True(report.Intact, report.FirstBreak?.ToString());
        // Only the newest event may outlive retention (the chain keeps a head); the timer may have run more than once.
        Assert.All(after.Where(e => e.Action != AuditRetention.CheckpointAction), e => Assert.Equal(before[^1].Id, e.Id));
        var anchor = AuditCheckpoint.Parse(after.Last(e => e.Action == AuditRetention.CheckpointAction).Data)!;
        Assert.Equal(after[0].Seq - 1, anchor.AnchorSeq);
        Assert.Equal(after[0].PrevHash, anchor.AnchorHash);
        Assert.Equal(before.Single(e => e.Seq == anchor.AnchorSeq).Hash, anchor.AnchorHash);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Purge_works_in_batches_and_keeps_events_within_retention(Db db)
    {
        await using var factory = WithoutScheduledPurge(new ConvergioFactory(db, new Dictionary<string, string?>
        {
            ["Audit:RetentionDays"] = "30",
            ["Audit:PurgeBatchSize"] = "2",
        }));
        await AuditTrail.RecordAsync(factory, 5, "test.old");
        factory.Time.Advance(TimeSpan.FromDays(20));
        await AuditTrail.RecordAsync(factory, 2, "test.recent");
        factory.Time.Advance(TimeSpan.FromDays(11));

        var result = await factory.Services.GetRequiredService<AuditRetention>().PurgeAsync(TestContext.Current.CancellationToken);
        var remaining = await AuditTrail.AllAsync(factory);

        Assert.Equal(new AuditPurgeResult(Deleted: 5, Checkpoints: 3), result);
        Assert.Equal(["test.recent", "test.recent", AuditRetention.CheckpointAction, AuditRetention.CheckpointAction, AuditRetention.CheckpointAction],
            remaining.Select(e => e.Action));
        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
        Assert.Equal(new AuditPurgeResult(0, 0), await factory.Services.GetRequiredService<AuditRetention>().PurgeAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Deleting_the_oldest_events_without_a_checkpoint_is_reported(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 5);

        await AuditTrail.ExecuteSqlAsync(factory, "DELETE FROM audit_events WHERE seq <= 2");
        var report = await AuditTrail.VerifyAsync(factory);

        Assert.Equal(3, report.FirstBreak?.Seq);
        Assert.Contains("no retention checkpoint", report.FirstBreak?.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("100000")]
    public async Task Retention_days_out_of_range_stop_the_start(string days)
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["Audit:RetentionDays"] = days }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains("RetentionDays", output, StringComparison.Ordinal);
    }

    private static ConvergioFactory WithoutScheduledPurge(ConvergioFactory factory) => factory.WithServices(services =>
    {
        var scheduled = services.Single(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(AuditRetentionService));
        services.Remove(scheduled);
    });

    private static async Task<List<AuditEvent>> WaitForCheckpointAsync(ConvergioFactory factory)
    {
        var events = await Eventually.ReadAsync(() => AuditTrail.AllAsync(factory), all => all.Any(e => e.Action == AuditRetention.CheckpointAction));
        Assert.True(events.Any(e => e.Action == AuditRetention.CheckpointAction), "The retention job did not run.");
        return events;
    }
}
