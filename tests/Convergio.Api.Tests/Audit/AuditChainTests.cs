using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Audit;

public sealed class AuditChainTests
{
    [Fact]
    public void Canonical_hash_matches_the_documented_format()
    {
        // Expected values computed independently from docs/audit-retention.md (length-prefixed UTF-8 fields, SHA-256).
        var userId = Guid.Parse("11111111-2222-3333-4444-555555555555");
        var first = new AuditEvent
        {
            Id = 1,
            OccurredAt = new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560),
            ActorUserId = userId,
            Action = "auth.login.succeeded",
            TargetType = "user",
            TargetId = userId.ToString(),
            Outcome = "success",
            Ip = "203.0.113.7",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) \u00fc",
            RequestId = "0HN1:00000001",
            Data = """{"method":"password"}""",
        };

        var firstHash = AuditChain.ComputeHash(AuditChain.GenesisHash, first);
        first.Id = 2;
        var secondHash = AuditChain.ComputeHash(firstHash, first);

        Assert.Equal("c99d9a2860d840b57f7901b128ae84d74c67732212df6aeda36a9f19cc2bec45", firstHash);
        Assert.Equal("4e3235ed344195400fe6131cf28485c790f25224d99e2ce31c5944689e0be96b", secondHash);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Events_saved_alone_and_together_form_one_chain_in_recording_order(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        // Sub-microsecond ticks: the stored (truncated) timestamp must be the hashed one on both providers.
        factory.Time.Advance(TimeSpan.FromTicks(1_234_567));
        await AuditTrail.RecordAsync(factory, 2);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            audit.Record("test.first");
            audit.Record("test.second");
            audit.Record("test.third");
            await scope.ServiceProvider.GetRequiredService<ConvergioDb>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var report = await AuditTrail.VerifyAsync(factory);
        var events = await AuditTrail.AllAsync(factory);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(5, report.EventsChecked);
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.Id));
        Assert.Equal(["test.first", "test.second", "test.third"], events.Skip(2).Select(e => e.Action));
        Assert.Equal(AuditChain.GenesisHash, events[0].PrevHash);
        Assert.All(events.Skip(1), (e, i) => Assert.Equal(events[i].Hash, e.PrevHash));
        Assert.Equal(events[^1].Hash, report.HeadHash);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Editing_one_row_in_the_database_is_reported_as_the_first_broken_link(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 5);
        var before = await AuditTrail.AllAsync(factory);

        await AuditTrail.ExecuteSqlAsync(factory, "UPDATE audit_events SET outcome = 'failure' WHERE id = 3");
        var report = await AuditTrail.VerifyAsync(factory);

        var broken = Assert.IsType<AuditChainBreak>(report.FirstBreak);
        Assert.Equal(3, broken.Id);
        Assert.Equal(before[2].Hash, broken.Found);
        Assert.NotEqual(broken.Expected, broken.Found);
        Assert.Equal(2, report.EventsChecked);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Deleting_a_row_from_the_middle_is_reported_at_the_event_after_it(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 5);

        await AuditTrail.ExecuteSqlAsync(factory, "DELETE FROM audit_events WHERE id = 3");
        var report = await AuditTrail.VerifyAsync(factory);

        Assert.Equal(4, report.FirstBreak?.Id);
        Assert.Equal("id 3", report.FirstBreak?.Expected);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Rewriting_a_row_and_its_hash_is_caught_by_the_next_link(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 4);
        var events = await AuditTrail.AllAsync(factory);
        var forged = events[1];
        forged.Outcome = "failure";
        var forgedHash = AuditChain.ComputeHash(forged.PrevHash!, forged);

        await AuditTrail.ExecuteSqlAsync(factory, $"UPDATE audit_events SET outcome = 'failure', hash = '{forgedHash}' WHERE id = 2");
        var report = await AuditTrail.VerifyAsync(factory);

        Assert.Equal(3, report.FirstBreak?.Id);
        Assert.Equal(forgedHash, report.FirstBreak?.Expected);
        Assert.Equal(events[1].Hash, report.FirstBreak?.Found);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Recomputing_the_chain_after_an_edit_passes_alone_but_not_against_a_recorded_anchor(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 4);
        var anchor = await HeadAsync(factory);
        var events = await AuditTrail.AllAsync(factory);
        events[1].Outcome = "failure";
        for (var i = 1; i < events.Count; i++)
        {
            events[i].PrevHash = events[i - 1].Hash;
            events[i].Hash = AuditChain.ComputeHash(events[i].PrevHash!, events[i]);
            await AuditTrail.ExecuteSqlAsync(factory,
                $"UPDATE audit_events SET outcome = '{events[i].Outcome}', prev_hash = '{events[i].PrevHash}', hash = '{events[i].Hash}' WHERE id = {events[i].Id}");
        }

        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
        var report = await AuditTrail.VerifyAsync(factory, anchor);

        Assert.Equal(anchor.Id, report.FirstBreak?.Id);
        Assert.Equal(anchor.Hash, report.FirstBreak?.Expected);
        Assert.Equal(events[^1].Hash, report.FirstBreak?.Found);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Cutting_events_off_the_end_passes_alone_but_not_against_a_recorded_anchor(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 5);
        var anchor = await HeadAsync(factory);

        await AuditTrail.ExecuteSqlAsync(factory, "DELETE FROM audit_events WHERE id >= 4");

        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
        var report = await AuditTrail.VerifyAsync(factory, anchor);
        Assert.Equal(5, report.FirstBreak?.Id);
        Assert.Contains("removed from its end", report.FirstBreak?.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_that_grew_since_the_anchor_holds_it()
    {
        await using var factory = new ConvergioFactory();
        await AuditTrail.RecordAsync(factory, 3);
        var anchor = await HeadAsync(factory);

        await AuditTrail.RecordAsync(factory, 3);
        var report = await AuditTrail.VerifyAsync(factory, anchor);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(6, report.EventsChecked);
    }

    [Theory]
    [InlineData("3:" + "ab")]
    [InlineData("x:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("3:000000000000000000000000000000000000000000000000000000000000000G")]
    [InlineData("3")]
    [InlineData("")]
    public void An_anchor_is_an_event_id_and_a_lowercase_sha256_hex_hash(string text) =>
        Assert.False(AuditAnchor.TryParse(text, out _));

    private static async Task<AuditAnchor> HeadAsync(ConvergioFactory factory)
    {
        var head = await AuditTrail.VerifyAsync(factory);
        return new AuditAnchor(head.HeadId!.Value, head.HeadHash!);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_event_of_a_rolled_back_transaction_leaves_no_trace_in_the_chain(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 1);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
            await using var transaction = await context.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
            scope.ServiceProvider.GetRequiredService<AuditLog>().Record("test.rolled_back");
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }
        await AuditTrail.RecordAsync(factory, 1, "test.after");

        var events = await AuditTrail.AllAsync(factory);

        Assert.Equal([1L, 2], events.Select(e => e.Id));
        Assert.DoesNotContain(events, e => e.Action == "test.rolled_back");
        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
    }

    [Theory]
    [InlineData(Db.Postgres)]
    [InlineData(Db.Sqlite)]
    public async Task Many_concurrent_writers_append_to_one_unforked_chain(Db db)
    {
        const int writers = 40;
        await using var factory = new ConvergioFactory(db);
        _ = factory.Server;
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            await using var scope = factory.Services.CreateAsyncScope();
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            audit.Record("test.concurrent", targetId: $"{i}-a");
            audit.Record("test.concurrent", targetId: $"{i}-b");
            await scope.ServiceProvider.GetRequiredService<ConvergioDb>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }, TestContext.Current.CancellationToken)).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        var report = await AuditTrail.VerifyAsync(factory);
        var events = await AuditTrail.AllAsync(factory);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(Enumerable.Range(1, writers * 2).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal(writers * 2, events.Select(e => e.PrevHash).Distinct().Count());
        // Each writer's two events are adjacent: one SaveChanges is one uninterrupted append.
        Assert.All(events.Chunk(2), pair => Assert.Equal(pair[0].TargetId![..^2], pair[1].TargetId![..^2]));
    }

    [Fact]
    public async Task Saving_audit_events_synchronously_is_refused_rather_than_left_unchained()
    {
        await using var factory = new ConvergioFactory();
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AuditLog>().Record("test.sync");

        Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<ConvergioDb>().SaveChanges());
    }
}
