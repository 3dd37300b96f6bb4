using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using StackExchange.Redis;

namespace Convergio.Api.Data;

public static class DataExtensions
{
    /// <summary>
    /// Registers <see cref="ConvergioDb"/> on PostgreSQL when <c>ConnectionStrings:Postgres</c>
    /// is set, else on the embedded SQLite file; and the shared Redis connection when
    /// <c>ConnectionStrings:Redis</c> is set.
    /// </summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section);
        builder.Services.AddConvergioDb(builder.Configuration, DataRoot.Resolve());
        builder.Services.AddHostedService<DatabaseStartup>();
        builder.Services.AddRedis(builder.Configuration);
        return builder;
    }

    // The options are built once, not per request (their building showed in request profiles); every
    // interceptor is a singleton, so nothing scoped goes into them.
    private const ServiceLifetime OptionsLifetime = ServiceLifetime.Singleton;

    /// <summary>
    /// Shared with the CLI. Features add EF Core interceptors by registering them as
    /// <see cref="IInterceptor"/> singletons.
    /// </summary>
    public static IServiceCollection AddConvergioDb(this IServiceCollection services, IConfiguration configuration, string dataRoot)
    {
        var postgres = configuration.GetConnectionString(ConnectionStringNames.Postgres);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            services.AddDbContext<ConvergioDb, PostgresConvergioDb>((sp, o) => o
                .UseNpgsql(postgres, npgsql => npgsql.ExecutionStrategy(dependencies => new ConflictRetryStrategy(dependencies)))
                .AddInterceptors(PostgresTlsPin.Instance)
                .AddInterceptors(sp.GetServices<IInterceptor>()), ServiceLifetime.Scoped, OptionsLifetime);
            return services;
        }

        var path = SqliteFilePath(configuration, dataRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Cache = SqliteCacheMode.Shared,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        services.AddDbContext<ConvergioDb, SqliteConvergioDb>((sp, o) => o
            .UseSqlite(connectionString)
            .AddInterceptors(SqlitePragmas.Instance)
            .AddInterceptors(sp.GetServices<IInterceptor>()), ServiceLifetime.Scoped, OptionsLifetime);
        return services;
    }

    /// <summary>The configured SQLite file; a relative path is under <paramref name="dataRoot"/> (see <see cref="DataRoot"/>).</summary>
    public static string SqliteFilePath(IConfiguration configuration, string dataRoot)
    {
        var configured = configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.SqlitePath)}"];
        var path = string.IsNullOrWhiteSpace(configured) ? new DatabaseOptions().SqlitePath : configured;
        return Path.GetFullPath(path, dataRoot);
    }

    private static IServiceCollection AddRedis(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration.GetConnectionString(ConnectionStringNames.Redis);
        if (string.IsNullOrWhiteSpace(redis))
        {
            return services;
        }

        var options = ConfigurationOptions.Parse(redis);
        // No CertificateValidation callback: the chain and host name are checked against the system store.
        options.SslProtocols = OutboundTls.Allowed;
        // Never block start-up or requests on Redis: callers fall back when it is down.
        options.AbortOnConnectFail = false;
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        return services;
    }

    /// <summary>
    /// Limits every PostgreSQL connection to TLS 1.2 and 1.3. Set on the connection before it opens,
    /// where Npgsql reads it into the pool's TLS options (and where it can be read back); it changes
    /// the protocols only, so certificate validation stays what SSL Mode asks for.
    /// </summary>
    private sealed class PostgresTlsPin : DbConnectionInterceptor
    {
        public static readonly PostgresTlsPin Instance = new();

        public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        {
            Pin(connection);
            return result;
        }

        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Pin(connection);
            return ValueTask.FromResult(result);
        }

        private static void Pin(DbConnection connection) => ((Npgsql.NpgsqlConnection)connection).SslClientAuthenticationOptionsCallback ??= OutboundTls.Pin;
    }

    /// <summary>WAL lets readers and one writer work at once; foreign keys are off by default in SQLite.</summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
            command.ExecuteNonQuery();
        }
    }
}
