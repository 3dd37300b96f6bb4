namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>
/// The system clock moved forward by <see cref="Offset"/>: "later" for the API (a step-up window
/// passing) while its timers and delays still run in real time (a frozen fake clock would stall them).
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
