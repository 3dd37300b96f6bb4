using System.Diagnostics;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>Runs the built API as a real process, for start-up behaviour a test host cannot show (exit codes, stderr).</summary>
public static class ApiProcess
{
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IDictionary<string, string?> settings, string environment)
    {
        using var process = Process.Start(StartInfo(settings, environment, "http://127.0.0.1:0"))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The API did not exit; it was expected to refuse to start.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts the API listening on <paramref name="url"/> and returns once <c>/health/live</c> answers.</summary>
    public static async Task<RunningApi> StartAsync(IDictionary<string, string?> settings, string environment, Uri url)
    {
        var process = Process.Start(StartInfo(settings, environment, url.ToString()))!;
        var api = new RunningApi(process);
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        for (var attempt = 0; attempt < 120 && !process.HasExited; attempt++)
        {
            try
            {
                if ((await client.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return api;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or still starting on a busy machine.
            }
            await Task.Delay(500);
        }
        var output = await api.StopAsync();
        throw new TimeoutException($"The API did not become live on {url}:{Environment.NewLine}{output}");
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo StartInfo(IDictionary<string, string?> settings, string environment, string urls)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "--urls", urls])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("convergio-process-").FullName,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return start;
    }
}

/// <summary>An API process started by <see cref="ApiProcess.StartAsync"/>; disposing stops it.</summary>
public sealed class RunningApi : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    internal RunningApi(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Stops the process and returns what it printed.</summary>
    public async Task<string> StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        return await _stdout + await _stderr;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
