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
}
