using System.Threading.Channels;
using Convergio.Api.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Convergio.Api.Tests.Foundation;

/// <summary>The loop of every periodic background job, on a clock the test moves.</summary>
public sealed class PeriodicWorkTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger _logger = new();
    private readonly Channel<int> _runs = Channel.CreateUnbounded<int>();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _count;

    private void Start(Func<int, Task>? work = null) =>
        _loop = Task.Run(() => PeriodicWork.RunAsync(Interval, async _ =>
        {
            var run = Interlocked.Increment(ref _count);
            _runs.Writer.TryWrite(run);
            await (work?.Invoke(run) ?? Task.CompletedTask);
        }, _time, _logger, _stopping.Token), TestContext.Current.CancellationToken);

    private async Task<int> NextRunAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await _runs.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Lets the loop reach its wait after a run, so a clock move lands on that wait.</summary>
    private static Task SettleAsync() => Task.Delay(100, TestContext.Current.CancellationToken);

    private async Task<bool> RanWithinAsync(TimeSpan wait)
    {
        await Task.Delay(wait, TestContext.Current.CancellationToken);
        return _runs.Reader.TryRead(out _);
    }

    [Fact]
    public async Task Work_runs_at_start_and_again_once_the_interval_has_passed()
    {
        Start();
        Assert.Equal(1, await NextRunAsync());
        await SettleAsync();

        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.False(await RanWithinAsync(Quiet));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(2, await NextRunAsync());
    }

    [Fact]
    public async Task A_clock_jump_over_many_intervals_runs_the_work_once_not_once_per_interval()
    {
        Start();
        await NextRunAsync();

        _time.Advance(TimeSpan.FromHours(10));

        Assert.Equal(2, await NextRunAsync());
        Assert.False(await RanWithinAsync(Quiet));
        Assert.Equal(2, _count);
    }

    [Fact]
    public async Task A_failed_run_is_logged_and_the_schedule_goes_on()
    {
        Start(run => run == 1 ? throw new InvalidOperationException("the database is away") : Task.CompletedTask);
        await NextRunAsync();
        await SettleAsync();
        _time.Advance(Interval);

        Assert.Equal(2, await NextRunAsync());
        var failure = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(failure.Exception);
    }

    [Fact]
    public async Task A_run_that_ends_after_its_next_start_was_due_is_followed_by_one_run_at_once()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Start(run => run == 1 ? release.Task : Task.CompletedTask);
        await NextRunAsync();

        // The clock moves while the first run still works: whatever it read is already stale.
        _time.Advance(TimeSpan.FromMinutes(5));
        release.SetResult();

        Assert.Equal(2, await NextRunAsync());
        Assert.False(await RanWithinAsync(Quiet));
    }

    [Fact]
    public async Task Stopping_the_host_ends_the_loop_without_an_error()
    {
        Start();
        await NextRunAsync();

        await _stopping.CancelAsync();

        await _loop.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(_loop.IsCompletedSuccessfully);
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}
