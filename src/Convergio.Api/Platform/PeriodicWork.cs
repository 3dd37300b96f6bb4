namespace Convergio.Api.Platform;

/// <summary>The one loop every periodic background job runs (sealer, retention, purges, disclosure checks).</summary>
internal static class PeriodicWork
{
    /// <summary>
    /// Runs <paramref name="work"/> at once and then again <paramref name="interval"/> after each run
    /// started, in <paramref name="time"/>'s time, until the host stops. A failed run is logged and the
    /// schedule goes on. A run that ends after its next start time was due (the clock jumped: a test's
    /// fake clock, a resumed VM; or the run was slow) is followed by one run at once, never by one run
    /// per interval missed, as a <see cref="PeriodicTimer"/> would replay them.
    /// </summary>
    public static async Task RunAsync(TimeSpan interval, Func<CancellationToken, Task> work, TimeProvider time, ILogger logger, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                await work(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Background work failed; it runs again in {Interval}", interval);
            }
            var wait = started + interval - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                continue;
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
