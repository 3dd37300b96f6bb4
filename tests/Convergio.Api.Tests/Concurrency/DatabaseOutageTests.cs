using System.Net;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Convergio.Api.Tests.Concurrency;

/// <summary>While the database is away, requests are 503 with Retry-After (not 500); readiness says so; recovery needs no one.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_postgres_is_unreachable_requests_get_503_with_retry_after_and_recover_when_it_returns()
    {
        await using var outage = await RelayedPostgres.StartAsync();
        var user = await outage.Factory.CreateSignedInUserAsync();

        outage.Relay.Refuse();

        await AssertUnavailableAsync(await user.Browser.GetAsync("/api/v1/auth/me"));
        await AssertUnavailableAsync(await outage.Factory.CreateBrowser().LoginAsync(user.Email, user.Password));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await outage.Factory.CreateBrowser().GetAsync("/health/ready")).StatusCode);

        outage.Relay.Forward();

        await RecoversAsync(() => user.Browser.GetAsync("/api/v1/auth/me"));
        await RecoversAsync(() => outage.Factory.CreateBrowser().GetAsync("/health/ready"));
    }

    [Fact]
    public async Task When_postgres_stops_answering_requests_time_out_into_503_with_retry_after()
    {
        await using var outage = await RelayedPostgres.StartAsync("Timeout=2;Command Timeout=2");
        var user = await outage.Factory.CreateSignedInUserAsync();

        outage.Relay.Hang();

        await AssertUnavailableAsync(await user.Browser.GetAsync("/api/v1/auth/me"));

        outage.Relay.Forward();
        await RecoversAsync(() => user.Browser.GetAsync("/api/v1/auth/me"));
    }

    [Theory]
    [InlineData(5)]  // SQLITE_BUSY: another writer held the file past the busy timeout
    [InlineData(14)] // SQLITE_CANTOPEN: the file is gone or unreadable
    public void Sqlite_failures_to_reach_the_file_count_as_the_database_being_unavailable(int errorCode) =>
        Assert.True(Convergio.Api.Edge.DatabaseUnavailableHandler.IsUnavailable(new Microsoft.EntityFrameworkCore.DbUpdateException("save", new SqliteException("unavailable", errorCode))));

    [Fact]
    public void A_constraint_violation_is_not_an_outage() =>
        Assert.False(Convergio.Api.Edge.DatabaseUnavailableHandler.IsUnavailable(new Microsoft.EntityFrameworkCore.DbUpdateException("save", new SqliteException("constraint", 19))));

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    private static async Task RecoversAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if ((await send()).StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        Assert.Fail("The service did not recover after the database came back.");
    }

    /// <summary>The API on a fresh PostgreSQL database reached through a <see cref="TcpRelay"/>.</summary>
    private sealed class RelayedPostgres : IAsyncDisposable
    {
        private readonly string _database = "convergio_test_" + Guid.NewGuid().ToString("N");

        private RelayedPostgres(string extraSettings)
        {
            var server = new NpgsqlConnectionStringBuilder(TestServices.RequirePostgres());
            Relay = new TcpRelay(server.Host!, server.Port);
            var relayed = new NpgsqlConnectionStringBuilder(server.ConnectionString + ";" + extraSettings) { Host = "127.0.0.1", Port = Relay.Port, Database = _database };
            Factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = relayed.ConnectionString });
        }

        public TcpRelay Relay { get; }

        public ConvergioFactory Factory { get; }

        public static Task<RelayedPostgres> StartAsync(string extraSettings = "")
        {
            var relayed = new RelayedPostgres(extraSettings);
            _ = relayed.Factory.Server;
            return Task.FromResult(relayed);
        }

        public async ValueTask DisposeAsync()
        {
            await Factory.DisposeAsync();
            await Relay.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestServices.PostgresConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
