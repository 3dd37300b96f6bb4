using System.Diagnostics;
using Convergio.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace Convergio.Api.Tests.Edge;

/// <summary>A redis-server of the test's own on a free loopback port (no persistence), which the test may stop and start again.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(ApiProcess.FreeLoopbackPort());
        await server.RestartAsync();
        return server;
    }

    public async Task RestartAsync()
    {
        var executable = Environment.GetEnvironmentVariable("CONVERGIO_REDIS_SERVER");
        Assert.SkipWhen(string.IsNullOrEmpty(executable), "CONVERGIO_REDIS_SERVER (path of redis-server) is not set (.ci/run sets it).");
        _process = Process.Start(new ProcessStartInfo(executable!, ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=200");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"redis-server did not start on port {Port}.");
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
