namespace Convergio.Api.Platform;

/// <summary>
/// Wakes a background worker as soon as there is work, instead of at its next poll. Signals while the
/// worker is busy collapse into one: the worker drains everything pending each time it wakes.
/// </summary>
public abstract class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>
    /// A worker's loop until the host stops: runs <paramref name="batch"/> while it returns a full
    /// <paramref name="batchSize"/>, then waits for this signal or <paramref name="poll"/>, whichever
    /// comes first (the poll picks up work whose signal went to another instance). A failed pass is
    /// logged and retried on the next wake.
    /// </summary>
    public async Task DrainAsync(Func<CancellationToken, Task<int>> batch, int batchSize, TimeSpan poll, ILogger logger, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await batch(stoppingToken) == batchSize)
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Background work failed; retrying on the next wake or poll");
            }

            try
            {
                await WaitAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
