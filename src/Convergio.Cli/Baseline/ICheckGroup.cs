namespace Convergio.Cli.Baseline;

/// <summary>Checks that share requests. A group that cannot finish (network error, timeout) fails all its checks with the reason.</summary>
internal interface ICheckGroup
{
    IReadOnlyList<CheckDefinition> Checks { get; }

    Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken);
}
