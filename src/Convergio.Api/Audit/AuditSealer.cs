using Convergio.Api.Data;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Audit;

/// <summary>
/// Seals the events requests inserted: gives them their place in the hash chain, in insertion order,
/// one transaction per batch. Requests never wait for it and never lock the chain. One sealer at a
/// time: in this process a gate, across instances the chain's seal lock (an instance that finds it
/// taken leaves the work to the holder). A crash mid-batch rolls the batch back; the events stay
/// unsealed and the next run seals them.
/// </summary>
public sealed class AuditSealer(IServiceScopeFactory scopes, IOptions<AuditOptions> options)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Seals every event committed so far (unless another instance is sealing); returns how many this call sealed.</summary>
    public async Task<int> SealAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var total = 0;
            int batch;
            do
            {
                batch = await SealBatchAsync(cancellationToken);
                total += batch;
            }
            while (batch == options.Value.SealBatchSize);
            return total;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> SealBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        return await db.InTransactionAsync(async (transaction, token) =>
        {
            if (!await AuditChain.LockAsync(db, wait: false, token))
            {
                return 0;
            }
            var count = await AuditChain.SealPendingAsync(db, options.Value.SealBatchSize, token);
            await transaction.CommitAsync(token);
            return count;
        }, cancellationToken);
    }
}

/// <summary>Runs <see cref="AuditSealer"/> at start and then every <see cref="AuditOptions.SealInterval"/> of <see cref="TimeProvider"/> time.</summary>
internal sealed class AuditSealerService(AuditSealer sealer, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditSealerService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicWork.RunAsync(options.Value.SealInterval, sealer.SealAsync, time, logger, stoppingToken);
}
