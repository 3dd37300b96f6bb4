using System.Collections.Concurrent;

namespace Convergio.Api.Data;

/// <summary>
/// A compiled EF query, compiled once for each database provider: a compiled query keeps the model
/// of the first context it ran against, and one process (the tests) runs both providers' contexts.
/// Used where a query runs on every request.
/// </summary>
internal sealed class PerProviderQuery<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    private readonly ConcurrentDictionary<Type, TQuery> _compiled = new();

    public TQuery For(ConvergioDb db) => _compiled.GetOrAdd(db.GetType(), static (_, compile) => compile(), compile);
}
