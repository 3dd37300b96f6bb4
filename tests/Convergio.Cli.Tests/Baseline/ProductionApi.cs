using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Convergio.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Convergio.Cli.Tests.Baseline;

/// <summary>
/// This project's API as a real process in Production: generated keys, a fresh PostgreSQL
/// database reached through <see cref="PostgresTlsFront"/> with its certificate verified, Redis
/// over TLS (<see cref="TlsRedisServer"/>, trusted through <c>SSL_CERT_FILE</c>), error
/// reporting explicitly disabled, and Kestrel serving HTTPS (generated certificate) and plain
/// HTTP on loopback ports.
/// </summary>
public sealed class ProductionApi : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly PostgresTlsFront _postgres;
    private readonly TlsRedisServer _redis;
    private readonly string _adminConnectionString;
    private readonly string _database;

    private readonly List<Uri> _addresses = [];

    private ProductionApi(Process process, PostgresTlsFront postgres, TlsRedisServer redis, string adminConnectionString, string database, X509Certificate2 certificate, int httpsPort)
    {
        _process = process;
        _postgres = postgres;
        _redis = redis;
        _adminConnectionString = adminConnectionString;
        _database = database;
        Certificate = certificate;
        BaseUrl = new Uri($"https://127.0.0.1:{httpsPort}/");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public Uri BaseUrl { get; }

    /// <summary>The plain-HTTP port (bound as port 0, read back from the start-up log).</summary>
    public int HttpPort { get { lock (_log) { return _addresses.Single(a => a.Scheme == Uri.UriSchemeHttp).Port; } } }

    public X509Certificate2 Certificate { get; }
    public string Log { get { lock (_log) { return _log.ToString(); } } }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
            if (Loopback.ListeningAddress(line) is { } address)
            {
                _addresses.Add(address);
            }
        }
    }

    /// <summary>The exit code, once the process exited (a refused start).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the API on a fresh database, migrated first unless <paramref name="migrated"/> is false;
    /// Production refuses a database without schema, and the process returned has then exited.
    /// </summary>
    public static async Task<ProductionApi> StartAsync(string postgres, CancellationToken cancellationToken, bool migrated = true)
    {
        var server = new NpgsqlConnectionStringBuilder(postgres);
        var database = "convergio_baseline_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var direct = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ToString();
        if (migrated)
        {
            var migrations = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = direct }).Build();
            await MigrateCommand.RunAsync(migrations, json: false, TextWriter.Null, cancellationToken);
        }

        var front = new PostgresTlsFront(server.Host!, server.Port);
        var throughTls = new NpgsqlConnectionStringBuilder(postgres)
        {
            Host = "127.0.0.1",
            Port = front.Port,
            Database = database,
            SslMode = SslMode.VerifyFull,
            RootCertificate = TestCertificates.WritePem(front.Certificate),
        }.ToString();
        var redis = await TlsRedisServer.StartAsync(cancellationToken);

        var certificate = TestCertificates.Loopback();
        var directory = Directory.CreateTempSubdirectory("convergio-production-").FullName;
        var certificatePassword = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(18));
        var certificatePath = Path.Combine(directory, "server.pfx");
        await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pkcs12, certificatePassword), cancellationToken);

        // The HTTPS port is named up front (the 301 target needs it); the HTTP one is port 0.
        return await Loopback.StartOnFreePortAsync(async httpsPort =>
        {
            var start = new ProcessStartInfo("dotnet", [typeof(Convergio.Api.Hosting.ProductionGuard).Assembly.Location])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = directory,
            };
            foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(inherited);
            }
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["AllowedHosts"] = "127.0.0.1;localhost";
            start.Environment["ConnectionStrings__Postgres"] = throughTls;
            start.Environment["ConnectionStrings__Redis"] = redis.ConnectionString;
            // The system trust store of this process holds only the test Redis certificate.
            start.Environment["SSL_CERT_FILE"] = redis.CertificatePemPath;
            start.Environment["SSL_CERT_DIR"] = directory;
            start.Environment["Sentry__Disabled"] = "true";
            // TLS to Redis on a machine shared with other builds can exceed the 50 ms default, and a
            // decision taken in-process instead is counted apart from Redis's: keep every decision in Redis.
            start.Environment["RateLimiting__RedisTimeoutMilliseconds"] = "2000";
            start.Environment["Security__SigningKeys__0"] = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(64));
            start.Environment["Encryption__Keys__0"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_');
            start.Environment["Email__PickupDirectory"] = Path.Combine(directory, "mail");
            start.Environment["Kestrel__Endpoints__Https__Url"] = $"https://127.0.0.1:{httpsPort}";
            start.Environment["Kestrel__Endpoints__Https__Certificate__Path"] = certificatePath;
            start.Environment["Kestrel__Endpoints__Https__Certificate__Password"] = certificatePassword;
            start.Environment["Kestrel__Endpoints__Http__Url"] = "http://127.0.0.1:0";
            start.Environment["Https__RedirectPort"] = httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var api = new ProductionApi(Process.Start(start)!, front, redis, postgres, database, certificate, httpsPort);
            api._process.BeginOutputReadLine();
            api._process.BeginErrorReadLine();
            if (await api.WaitUntilLiveAsync(cancellationToken))
            {
                return api;
            }
            await api._process.WaitForExitAsync(cancellationToken);
            return Loopback.SaysAddressInUse(api.Log)
                ? null
                : !migrated
                ? api
                : throw new InvalidOperationException($"The API exited with {api._process.ExitCode} before answering:{Environment.NewLine}{api.Log}");
        });
    }

    /// <summary>
    /// Marks the account's address verified, as following the link mailed at sign-up does: in
    /// Production an unverified account cannot sign in.
    /// </summary>
    public async Task VerifyEmailAsync(string email, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _database }.ToString();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var verify = new NpgsqlCommand("UPDATE users SET email_verified_at = now() WHERE email = @email", connection);
        verify.Parameters.AddWithValue("email", email);
        if (await verify.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException($"No account for {email}.");
        }
    }

    /// <summary>An HttpClient that trusts only this API's certificate, connecting from <paramref name="source"/> when given (another loopback address).</summary>
    public HttpClient Client(IPAddress? source = null)
    {
        var trusted = X509CertificateLoader.LoadCertificate(Certificate.RawData);
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString(),
            },
        };
        if (source is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return new HttpClient(handler) { BaseAddress = BaseUrl };
    }

    /// <summary>True once <c>/health/live</c> answers over HTTPS; false when the process exited first.</summary>
    private async Task<bool> WaitUntilLiveAsync(CancellationToken cancellationToken)
    {
        using var client = Client();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                return false;
            }
            try
            {
                using var response = await client.GetAsync("/health/live", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new TimeoutException($"The API did not answer /health/live within 90 s:{Environment.NewLine}{Log}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        await _postgres.DisposeAsync();
        await _redis.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
        Certificate.Dispose();
    }
}
