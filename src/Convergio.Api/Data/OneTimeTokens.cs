using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Convergio.Api.Data;

/// <summary>
/// The one way to spend a single-use token (password reset, email verification, invitation, recovery
/// code): one conditional UPDATE that sets its spent-at column only where it is still null. Of two
/// requests racing with the same token exactly one sees its row change, whatever either read before.
/// </summary>
public static class OneTimeTokens
{
    /// <summary>
    /// Spends the token <paramref name="token"/> selects (also setting <paramref name="alsoSet"/>, e.g. who
    /// accepted an invitation); true when this call spent it, false when it was spent already or is gone.
    /// </summary>
    public static async Task<bool> TrySpendAsync<T>(
        this IQueryable<T> token, Expression<Func<T, DateTime?>> spentAt, DateTime now, CancellationToken cancellationToken,
        Action<UpdateSettersBuilder<T>>? alsoSet = null) where T : class
    {
        var unspent = Expression.Lambda<Func<T, bool>>(Expression.Equal(spentAt.Body, Expression.Constant(null, typeof(DateTime?))), spentAt.Parameters);
        var spent = await token.Where(unspent).ExecuteUpdateAsync(set =>
        {
            set.SetProperty(spentAt, now);
            alsoSet?.Invoke(set);
        }, cancellationToken);
        return spent == 1;
    }
}
