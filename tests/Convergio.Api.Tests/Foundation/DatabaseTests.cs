using Convergio.Api.Data;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Convergio.Api.Tests.Foundation;

public sealed class DatabaseTests
{
    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run eng/migrations.sh NAME: the SQLite model has changes without a migration.");
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run eng/migrations.sh NAME: the PostgreSQL model has changes without a migration.");
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Development_start_applies_every_migration(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        _ = factory.Server;

        await using var scope = factory.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        Assert.Empty(await context.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Production_start_refuses_a_schema_that_is_behind()
    {
        var services = new ServiceCollection();
        var path = Path.Combine(Directory.CreateTempSubdirectory("convergio-behind-").FullName, "behind.db");
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:SqlitePath"] = path }).Build();
        services.AddConvergioDb(configuration, Path.GetTempPath());
        await using var provider = services.BuildServiceProvider();
        var startup = new DatabaseStartup(provider.GetRequiredService<IServiceScopeFactory>(), configuration, new ProductionEnvironment(), NullLogger<DatabaseStartup>.Instance);

        var failure = await Assert.ThrowsAsync<SchemaBehindException>(() => startup.StartingAsync(TestContext.Current.CancellationToken));

        Assert.NotEmpty(failure.Pending);
        Assert.Contains("convergio migrate", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_is_503_naming_the_database_when_it_is_down()
    {
        await using var factory = new ConvergioFactory(Db.Postgres);
        using var client = factory.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);

        var database = new NpgsqlConnectionStringBuilder(factory.Settings["ConnectionStrings:Postgres"]).Database;
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(TestServices.PostgresConnectionString))
        {
            await admin.OpenAsync(TestContext.Current.CancellationToken);
            await using var drop = new NpgsqlCommand($"DROP DATABASE \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("\"database\":\"Unhealthy\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private sealed class ProductionEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
