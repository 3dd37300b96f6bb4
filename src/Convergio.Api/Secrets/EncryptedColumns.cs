using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;

namespace Convergio.Api.Secrets;

/// <summary>
/// The registry of columns holding Fernet tokens is the EF Core model itself: a feature marks its
/// column with <see cref="IsFernetEncrypted{TProperty}"/> in its entity configuration, and
/// <c>convergio keys rotate</c> finds it there, in the server and the CLI alike. A marked column
/// is a string on an entity whose primary key is a single <see cref="Guid"/>.
/// </summary>
public static class EncryptedColumns
{
    private const string Annotation = "Convergio:FernetEncrypted";

    public static PropertyBuilder<TProperty> IsFernetEncrypted<TProperty>(this PropertyBuilder<TProperty> property) =>
        property.HasAnnotation(Annotation, true);

    public static IReadOnlyList<EncryptedColumn> All(IModel model) =>
        model.GetEntityTypes()
            .SelectMany(entity => entity.GetProperties()
                .Where(p => p.FindAnnotation(Annotation)?.Value is true)
                .Select(p => Describe(entity, p)))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

    private static EncryptedColumn Describe(IEntityType entity, IProperty property)
    {
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.DisplayName()} is not mapped to a table.");
        var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
        if (property.ClrType != typeof(string) || entity.FindPrimaryKey()?.Properties is not [{ } key] || key.ClrType != typeof(Guid))
        {
            throw new InvalidOperationException($"{entity.DisplayName()}.{property.Name}: an encrypted column is a string on an entity keyed by one Guid.");
        }
        return new EncryptedColumn(table, entity.GetSchema(), key.GetColumnName(store)!, property.GetColumnName(store)!);
    }
}

public sealed record EncryptedColumn(string Table, string? Schema, string KeyColumn, string CiphertextColumn)
{
    public string Name => $"{Table}.{CiphertextColumn}";
}

/// <summary>What a rotation did to one column.</summary>
public sealed record ColumnRotation(string Column)
{
    public int Scanned { get; set; }
    public int AlreadyCurrent { get; set; }
    public int Reencrypted { get; set; }

    /// <summary>Rows whose ciphertext changed between read and write (the newer value was kept).</summary>
    public int ChangedMeanwhile { get; set; }

    /// <summary>Rows no key of the ring opens: the old keys must stay until these are dealt with.</summary>
    public List<Guid> Undecryptable { get; } = [];

    internal void Add(ColumnRotation batch)
    {
        Scanned += batch.Scanned;
        AlreadyCurrent += batch.AlreadyCurrent;
        Reencrypted += batch.Reencrypted;
        ChangedMeanwhile += batch.ChangedMeanwhile;
        Undecryptable.AddRange(batch.Undecryptable);
    }
}

/// <summary>
/// Re-encrypts every registered column under the primary key, in batches of one transaction each.
/// Resumable: rows the primary key already opens are left alone, so an interrupted run is simply
/// started again. Each write is conditional on the ciphertext read, so a concurrent change by the
/// application is never overwritten.
/// </summary>
public sealed class EncryptedColumnRotator(ConvergioDb db, FernetKeyRing ring)
{
    public const int DefaultBatchSize = 500;

    public async Task<IReadOnlyList<ColumnRotation>> RotateAsync(
        int batchSize,
        Func<ColumnRotation, CancellationToken, Task>? batchCommitted,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var results = new List<ColumnRotation>();
        foreach (var column in EncryptedColumns.All(db.Model))
        {
            var result = new ColumnRotation(column.Name);
            results.Add(result);
            await RotateColumnAsync(column, result, batchSize, batchCommitted, cancellationToken);
        }
        return results;
    }

    private async Task RotateColumnAsync(EncryptedColumn column, ColumnRotation result, int batchSize,
        Func<ColumnRotation, CancellationToken, Task>? batchCommitted, CancellationToken cancellationToken)
    {
        // Identifiers come from the EF model, never from input; values are parameters.
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = sql.DelimitIdentifier(column.Table, column.Schema);
        var key = sql.DelimitIdentifier(column.KeyColumn);
        var ciphertext = sql.DelimitIdentifier(column.CiphertextColumn);
        var select = $"SELECT {key} AS \"Id\", {ciphertext} AS \"Ciphertext\" FROM {table} WHERE {ciphertext} IS NOT NULL";
        var update = $"UPDATE {table} SET {ciphertext} = {{0}} WHERE {key} = {{1}} AND {ciphertext} = {{2}}";

        Guid? after = null;
        while (true)
        {
            var page = after is null ? $"{select} ORDER BY {key} LIMIT {batchSize}" : $"{select} AND {key} > {{0}} ORDER BY {key} LIMIT {batchSize}";
            var batch = await db.Database.SqlQueryRaw<EncryptedRow>(page, after is null ? [] : [after.Value]).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            // Counted only once the batch is committed, so the report never claims uncommitted work.
            var batchResult = new ColumnRotation(column.Name);
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                foreach (var row in batch)
                {
                    batchResult.Scanned++;
                    string? rotated;
                    try
                    {
                        rotated = ring.Rotate(row.Ciphertext);
                    }
                    catch (InvalidFernetTokenException)
                    {
                        batchResult.Undecryptable.Add(row.Id);
                        continue;
                    }
                    if (rotated is null)
                    {
                        batchResult.AlreadyCurrent++;
                    }
                    else if (await db.Database.ExecuteSqlRawAsync(update, [rotated, row.Id, row.Ciphertext], cancellationToken) == 1)
                    {
                        batchResult.Reencrypted++;
                    }
                    else
                    {
                        batchResult.ChangedMeanwhile++;
                    }
                }
                await transaction.CommitAsync(cancellationToken);
            }
            result.Add(batchResult);

            after = batch[^1].Id;
            if (batchCommitted is not null)
            {
                await batchCommitted(result, cancellationToken);
            }
        }
    }

    private sealed record EncryptedRow(Guid Id, string Ciphertext);
}
