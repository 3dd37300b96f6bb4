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
        // Expected values computed independently from docs/audit-retention.md (length-prefixed UTF-8 fields, HMAC-SHA256, SHA-256).
        var userId = Guid.Parse("11111111-2222-3333-4444-555555555555");
        var first = new AuditEvent
        {
            Id = 41,
            Seq = 1,
            OccurredAt = new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560),
            ActorUserId = userId,
            Action = "auth.login.succeeded",
            TargetType = "user",
            TargetId = userId.ToString(),
            Outcome = "success",
            Ip = "203.0.113.7",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) \u00fc",
            PersonalKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
            RequestId = "0HN1:00000001",
            Data = """{"method":"password"}""",
        };

        first.PersonalDigest = AuditChain.ComputePersonalDigest(first.PersonalKey, first);
        var firstHash = AuditChain.ComputeHash(AuditChain.GenesisHash, first);
        (first.Id, first.Seq) = (42, 2);
        var secondHash = AuditChain.ComputeHash(firstHash, first);

        Assert.Equal("9910b01b1f0c8e8d49962b171e682260dfda1375afc60b033c4dfafab0ed083e", first.PersonalDigest);
        Assert.Equal("18192d8073fe41c287434079c2059ff323a1985122cc12c4a8f357aa886299fc", firstHash);
        Assert.Equal("9bf56ee410dbfcac9c721ab6d0592be0f99485c33bd01d1052835f45e5b8a088", secondHash);
    }

    [Fact]
    public void Events_sealed_before_personal_digests_keep_the_documented_v1_hash()
    {
        // Expected values computed independently from docs/audit-retention.md (format v1).
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
    public async Task Events_saved_alone_and_together_are_sealed_into_one_chain_in_insertion_order(Db db)
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
        await AuditTrail.SealAsync(factory);

        var report = await AuditTrail.VerifyAsync(factory);
        var events = await AuditTrail.AllAsync(factory);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(5, report.EventsChecked);
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.Seq));
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
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

        await AuditTrail.ExecuteSqlAsync(factory, "UPDATE audit_events SET outcome = 'failure' WHERE seq = 3");
        var report = await AuditTrail.VerifyAsync(factory);

        var broken = Assert.IsType<AuditChainBreak>(report.FirstBreak);
        Assert.Equal(3, broken.Seq);
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

        await AuditTrail.ExecuteSqlAsync(factory, "DELETE FROM audit_events WHERE seq = 3");
        var report = await AuditTrail.VerifyAsync(factory);

        Assert.Equal(4, report.FirstBreak?.Seq);
        Assert.Equal("seq 3", report.FirstBreak?.Expected);
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

        await AuditTrail.ExecuteSqlAsync(factory, $"UPDATE audit_events SET outcome = 'failure', hash = '{forgedHash}' WHERE seq = 2");
        var report = await AuditTrail.VerifyAsync(factory);

        Assert.Equal(3, report.FirstBreak?.Seq);
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
                $"UPDATE audit_events SET outcome = '{events[i].Outcome}', prev_hash = '{events[i].PrevHash}', hash = '{events[i].Hash}' WHERE seq = {events[i].Seq}");
        }

        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
        var report = await AuditTrail.VerifyAsync(factory, anchor);

        Assert.Equal(anchor.Seq, report.FirstBreak?.Seq);
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

        await AuditTrail.ExecuteSqlAsync(factory, "DELETE FROM audit_events WHERE seq >= 4");

        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
        var report = await AuditTrail.VerifyAsync(factory, anchor);
        Assert.Equal(5, report.FirstBreak?.Seq);
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
    public void An_anchor_is_an_event_seq_and_a_lowercase_sha256_hex_hash(string text) =>
        Assert.False(AuditAnchor.TryParse(text, out _));

    private static async Task<AuditAnchor> HeadAsync(ConvergioFactory factory)
    {
        var head = await AuditTrail.VerifyAsync(factory);
        return new AuditAnchor(head.HeadSeq!.Value, head.HeadHash!);
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

        Assert.Equal([1L, 2], events.Select(e => e.Seq));
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
            // Sealing while others still insert: whatever is committed now is chained, the rest later.
            await AuditTrail.SealAsync(factory);
        }, TestContext.Current.CancellationToken)).ToList();
        start.Set();
        await Task.WhenAll(tasks);
        await AuditTrail.SealAsync(factory);

        var report = await AuditTrail.VerifyAsync(factory);
        var events = await AuditTrail.AllAsync(factory);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(0, report.Unsealed);
        Assert.Equal(Enumerable.Range(1, writers * 2).Select(i => (long?)i), events.Select(e => e.Seq));
        Assert.Equal(writers * 2, events.Select(e => e.PrevHash).Distinct().Count());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Saving_an_event_only_inserts_it_and_the_background_sealer_chains_it_within_the_interval(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        _ = factory.Server;
        await AuditTrail.SealAsync(factory);

        await AuditTrail.InsertAsync(factory, 1, "test.inserted");
        var inserted = (await AuditTrail.AllAsync(factory)).Single(e => e.Action == "test.inserted");
        Assert.Null(inserted.Seq);
        Assert.Null(inserted.Hash);

        factory.Time.Advance(TimeSpan.FromSeconds(1));
        var sealedEvent = await Eventually.ReadAsync(async () => (await AuditTrail.AllAsync(factory)).Single(e => e.Action == "test.inserted"), e => e.Seq is not null);

        Assert.NotNull(sealedEvent.Hash);
        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Unsealed_events_are_reported_apart_and_are_not_a_break(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await AuditTrail.RecordAsync(factory, 2);
        await AuditTrail.InsertAsync(factory, 3);

        var report = await AuditTrail.VerifyAsync(factory);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(2, report.EventsChecked);
        Assert.Equal(3, report.Unsealed);
    }

    [Fact]
    public async Task Recording_an_event_does_not_wait_for_a_sealer_holding_the_chain_lock()
    {
        await using var factory = new ConvergioFactory(Db.Postgres);
        var user = await factory.CreateSignedInUserAsync();
        // Another instance in the middle of sealing (or today's append lock, held by a slow transaction).
        await using var sealer = new Npgsql.NpgsqlConnection(factory.Settings["ConnectionStrings:Postgres"]);
        await sealer.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await sealer.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var lockCommand = new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock(4859223977139463273)", sealer, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var login = factory.CreateBrowser().LoginAsync(user.Email, user.Password);
        // Waiting on the lock it would never finish; a minute is room for a busy machine, not a limit on the work.
        var finished = await Task.WhenAny(login, Task.Delay(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));

        Assert.Same(login, finished);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await login).StatusCode);
        // The sealer of this instance finds the lock taken and leaves the work to its holder.
        Assert.Equal(0, await AuditTrail.SealAsync(factory));
        await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        Assert.True(await AuditTrail.SealAsync(factory) > 0);
        Assert.True((await AuditTrail.VerifyAsync(factory)).Intact);
    }

    [Fact]
    public async Task Two_instances_writing_and_sealing_at_once_form_one_chain()
    {
        await using var first = new ConvergioFactory(Db.Postgres);
        _ = first.Server;
        await using var second = new ConvergioFactory(settings: new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = first.Settings["ConnectionStrings:Postgres"] });
        _ = second.Server;

        var work = new[] { first, second }.SelectMany(instance => Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await instance.CreateSignedInUserAsync();
                await AuditTrail.SealAsync(instance);
            }
        }, TestContext.Current.CancellationToken))).ToList();
        await Task.WhenAll(work);
        await AuditTrail.SealAsync(first);

        var report = await AuditTrail.VerifyAsync(second);
        var events = await AuditTrail.AllAsync(first);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(0, report.Unsealed);
        Assert.Equal(2 * 4 * 10, events.Count(e => e.Action == "auth.register"));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long?)i), events.Select(e => e.Seq));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_seal_that_fails_midway_loses_nothing_and_the_next_seal_chains_the_events(Db db)
    {
        var crash = new CrashOnceWhileSealing();
        await using var factory = new ConvergioFactory(db).WithServices(s => s.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(crash));
        await AuditTrail.RecordAsync(factory, 2);
        await AuditTrail.InsertAsync(factory, 3, "test.pending");
        crash.Armed = true;

        await Assert.ThrowsAsync<IOException>(() => AuditTrail.SealAsync(factory));
        var afterCrash = await AuditTrail.VerifyAsync(factory);
        Assert.True(afterCrash.Intact, afterCrash.FirstBreak?.ToString());
        Assert.Equal(3, afterCrash.Unsealed);

        Assert.Equal(3, await AuditTrail.SealAsync(factory));
        var report = await AuditTrail.VerifyAsync(factory);
        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(5, report.EventsChecked);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Erasing_an_events_personal_fields_and_key_leaves_the_chain_verifiable(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        await RecordPersonalAsync(factory);

        await AuditTrail.ExecuteSqlAsync(factory, "UPDATE audit_events SET ip = NULL, user_agent = NULL, personal_key = NULL WHERE action = 'test.personal'");
        var report = await AuditTrail.VerifyAsync(factory);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(3, report.EventsChecked);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Changing_a_personal_field_is_reported_although_the_hash_covers_only_its_digest(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var seq = await RecordPersonalAsync(factory);

        await AuditTrail.ExecuteSqlAsync(factory, "UPDATE audit_events SET ip = '198.51.100.1' WHERE action = 'test.personal'");
        var report = await AuditTrail.VerifyAsync(factory);

        Assert.Equal(seq, report.FirstBreak?.Seq);
        Assert.Contains("personal digest", report.FirstBreak?.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Personal_fields_kept_after_their_key_was_erased_are_reported(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var seq = await RecordPersonalAsync(factory);

        await AuditTrail.ExecuteSqlAsync(factory, "UPDATE audit_events SET personal_key = NULL WHERE action = 'test.personal'");
        var report = await AuditTrail.VerifyAsync(factory);

        Assert.Equal(seq, report.FirstBreak?.Seq);
        Assert.Contains("key was erased", report.FirstBreak?.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_chain_begun_in_format_v1_is_continued_in_v2_and_verifies_whole(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        _ = factory.Server;
        // Rows as the append path before sealing wrote them: id = position, ip and user agent hashed directly.
        var hash = AuditChain.GenesisHash;
        await factory.WithDbAsync(async context =>
        {
            for (var id = 1; id <= 2; id++)
            {
                var legacy = new AuditEvent
                {
                    Id = id, Seq = id, OccurredAt = AuditChain.TruncateToMicroseconds(factory.Time.GetUtcNow().UtcDateTime),
                    Action = "test.legacy", Outcome = AuditOutcomes.Success, Ip = "203.0.113.9", UserAgent = "legacy", PrevHash = hash,
                };
                legacy.Hash = hash = AuditChain.ComputeHash(hash, legacy);
                context.AuditEvents.Add(legacy);
            }
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        if (db == Db.Postgres)
        {
            // As the AuditSealing migration does: explicit ids never moved the identity sequence.
            await AuditTrail.ExecuteSqlAsync(factory, "SELECT setval(pg_get_serial_sequence('audit_events', 'id'), 2)");
        }
        await AuditTrail.RecordAsync(factory, 2);

        var report = await AuditTrail.VerifyAsync(factory);
        var events = await AuditTrail.AllAsync(factory);

        Assert.True(report.Intact, report.FirstBreak?.ToString());
        Assert.Equal(4, report.EventsChecked);
        Assert.Equal([null, null], events.Take(2).Select(e => e.PersonalDigest));
        Assert.Equal(hash, events[2].PrevHash);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:05:00")]
    public async Task A_seal_interval_out_of_range_stops_the_start(string interval)
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["Audit:SealInterval"] = interval }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains("SealInterval", output, StringComparison.Ordinal);
    }

    /// <summary>One sealed event with personal fields between two others; returns its seq.</summary>
    private static async Task<long> RecordPersonalAsync(ConvergioFactory factory)
    {
        await AuditTrail.RecordAsync(factory, 1);
        await factory.WithDbAsync(async context =>
        {
            context.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = factory.Time.GetUtcNow().UtcDateTime, Action = "test.personal", Outcome = AuditOutcomes.Success,
                Ip = "203.0.113.7", UserAgent = "Mozilla/5.0 (personal)",
            });
            await context.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        await AuditTrail.RecordAsync(factory, 1);
        return (await AuditTrail.AllAsync(factory)).Single(e => e.Action == "test.personal").Seq!.Value;
    }

    /// <summary>The database connection dies while the sealer saves, once: as a crash or a restart would.</summary>
    private sealed class CrashOnceWhileSealing : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public volatile bool Armed;

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
            Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Armed && eventData.Context!.ChangeTracker.Entries<AuditEvent>().Any(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Modified))
            {
                Armed = false;
                throw new IOException("connection lost while sealing");
            }
            return ValueTask.FromResult(result);
        }
    }
}
