using System.Diagnostics;
using System.Globalization;
using System.Text;
using Convergio.Testing;
using StackExchange.Redis;

namespace Convergio.Api.Tests.Edge;

/// <summary>A redis-server of the test's own on a free loopback port (no persistence), which the test may stop and start again.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _executable;
    private Process? _process;

    private RedisServer(string executable, int port) => (_executable, Port) = (executable, port);

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var executable = Environment.GetEnvironmentVariable("CONVERGIO_REDIS_SERVER");
        Assert.SkipWhen(string.IsNullOrEmpty(executable), "CONVERGIO_REDIS_SERVER (path of redis-server) is not set (.ci/run sets it).");
        // redis-server cannot listen on port 0 and say where, so a taken port means another try.
        return await Loopback.StartOnFreePortAsync(async port =>
        {
            var server = new RedisServer(executable!, port);
            return await server.TryStartAsync() ? server : null;
        });
    }

    /// <summary>Starts the server again on its port, after <see cref="StopAsync"/>.</summary>
    public async Task RestartAsync()
    {
        if (!await TryStartAsync())
        {
            throw new IOException($"redis-server could not bind port {Port} again.");
        }
    }

    /// <summary>True once the server answers PING; false when it exited because its port was taken.</summary>
    private async Task<bool> TryStartAsync()
    {
        var output = new StringBuilder();
        _process = Process.Start(new ProcessStartInfo(_executable, ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                var printed = output.ToString();
                await StopAsync();
                return Loopback.SaysAddressInUse(printed) ? false : throw new InvalidOperationException($"redis-server exited:{Environment.NewLine}{printed}");
            }
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=200,allowAdmin=true");
                // Answered by this process, not by a server that already held the port.
                var info = (string)(await probe.GetDatabase().ExecuteAsync("INFO", "server"))!;
                if (info.Contains($"process_id:{_process.Id}\r\n", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (RedisConnectionException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
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
