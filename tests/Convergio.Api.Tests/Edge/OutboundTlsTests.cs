using System.Net.Security;
using System.Security.Authentication;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Platform;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Exporter;
using Sentry.AspNetCore;
using StackExchange.Redis;

namespace Convergio.Api.Tests.Edge;

/// <summary>
/// Every client that really leaves the process offers only TLS 1.2 and 1.3: read back from the
/// objects the application itself built, not from a client nothing uses.
/// </summary>
public sealed class OutboundTlsTests
{
    private const SslProtocols Tls12And13 = SslProtocols.Tls12 | SslProtocols.Tls13;

    [Fact]
    public async Task PostgreSQL_connections_of_the_application_offer_only_TLS_1_2_and_1_3()
    {
        await using var factory = new ConvergioFactory(Db.Postgres);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        var handshake = new SslClientAuthenticationOptions();
        Assert.NotNull(connection.SslClientAuthenticationOptionsCallback);
        connection.SslClientAuthenticationOptionsCallback(handshake);

        Assert.Equal(Tls12And13, handshake.EnabledSslProtocols);
        // The callback narrows the protocols only: certificate validation stays Npgsql's (SSL Mode).
        Assert.Null(handshake.RemoteCertificateValidationCallback);
    }

    [Fact]
    public async Task The_Redis_connection_offers_only_TLS_1_2_and_1_3()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString });

        var multiplexer = factory.Services.GetRequiredService<IConnectionMultiplexer>();

        Assert.Equal(Tls12And13, ConfigurationOptions.Parse(multiplexer.Configuration).SslProtocols);
    }

    [Fact]
    public async Task The_Sentry_transport_offers_only_TLS_1_2_and_1_3()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Sentry:Dsn"] = "https://public@127.0.0.1/1" });

        var options = factory.Services.GetRequiredService<IOptions<SentryAspNetCoreOptions>>().Value;

        Assert.NotNull(options.CreateHttpMessageHandler);
        using var handler = Assert.IsType<SocketsHttpHandler>(options.CreateHttpMessageHandler());
        Assert.Equal(Tls12And13, handler.SslOptions.EnabledSslProtocols);
    }

    [Fact]
    public void The_Key_Vault_transport_offers_only_TLS_1_2_and_1_3()
    {
        var transport = Assert.IsType<PinnedTransport>(KeyVaultSecretStore.ClientOptions().Transport);

        Assert.Equal(Tls12And13, transport.Handler.SslOptions.EnabledSslProtocols);
    }

    [Fact]
    public async Task The_OTLP_exporter_client_offers_only_TLS_1_2_and_1_3()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://127.0.0.1:4318" });

        var options = factory.Services.GetRequiredService<IOptionsMonitor<OtlpExporterOptions>>().Get(Convergio.Api.Observability.Telemetry.OtlpOptionsName);

        Assert.Equal(OtlpExportProtocol.HttpProtobuf, options.Protocol);
        using var client = Assert.IsType<PinnedHttpClient>(options.HttpClientFactory());
        Assert.Equal(Tls12And13, client.Handler.SslOptions.EnabledSslProtocols);
    }
}
