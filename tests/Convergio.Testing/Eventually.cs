namespace Convergio.Testing;

/// <summary>For what a background pass does by itself once the test moved the clock.</summary>
public static class Eventually
{
    /// <summary>Reads until <paramref name="until"/> holds, up to ten seconds; returns the last value read, for the test to assert on.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> until)
    {
        for (var attempt = 0; attempt < 100; attempt++)
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
