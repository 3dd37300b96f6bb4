using System.Diagnostics;

namespace Convergio.Testing;

/// <summary>For what a background pass does by itself once the test moved the clock.</summary>
public static class Eventually
{
    // Generous: a pass that is late on a busy CI machine must not fail the test; one that never
    // comes fails it all the same, only later.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Reads until <paramref name="until"/> holds, up to thirty seconds; returns the last value read, for the test to assert on.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> until)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Patience)
        {
            var value = await read();
            if (until(value))
            {
                return value;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        return await read();
    }
}
