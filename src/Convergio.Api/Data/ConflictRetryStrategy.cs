using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace Convergio.Api.Data;

/// <summary>
/// PostgreSQL's execution strategy: an operation aborted by a deadlock (40P01) or a serialization
/// failure (40001) is run again, whole, after a short delay. Connection failures are not retried:
/// while the database is down a request fails fast with 503 (<c>Edge/DatabaseUnavailable</c>).
/// A transaction the caller began outside <c>ExecuteAsync</c> cannot be replayed statement by
/// statement, so inside one nothing is retried (the failure surfaces, and reaches the client as
/// 503 with Retry-After); code that can meet contention runs its transaction inside
/// <see cref="TransactionalExtensions.InTransactionAsync{T}"/> so that all of it is retried.
/// </summary>
internal sealed class ConflictRetryStrategy(ExecutionStrategyDependencies dependencies)
    : NpgsqlRetryingExecutionStrategy(dependencies, MaxRetries, MaxDelay, errorCodesToAdd: null)
{
    private const int MaxRetries = 6;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private bool _inCallerTransaction;

    protected override void OnFirstExecution()
    {
        _inCallerTransaction = Dependencies.CurrentContext.Context.Database.CurrentTransaction is not null;
        if (_inCallerTransaction)
        {
            ExceptionsEncountered.Clear();
            return;
        }
        base.OnFirstExecution();
    }

    protected override bool ShouldRetryOn(Exception? exception) =>
        !_inCallerTransaction && exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };
}

public static class TransactionalExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction that the execution strategy retries whole on a
    /// deadlock or serialization failure. The change tracker starts empty on every attempt, so a retry
    /// re-reads current rows instead of reusing what the failed attempt loaded or changed.
    /// <paramref name="work"/> commits the transaction it is given (or leaves it to roll back).
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this ConvergioDb db, Func<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            return await work(transaction, token);
        }, cancellationToken);
}
