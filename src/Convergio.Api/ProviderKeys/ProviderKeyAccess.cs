using Convergio.Api.Data;
using Convergio.Api.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.ProviderKeys;

/// <summary>
/// How a feature that calls an AI provider on a user's behalf gets the key: decrypted just for
/// that call, never cached, never logged. Records the use so the user sees when a key last worked.
/// </summary>
public sealed class ProviderKeyAccess(ConvergioDb db, FernetKeyRing ring, TimeProvider time)
{
    /// <summary>The plaintext of the user's newest key for <paramref name="provider"/>, or null when there is none.</summary>
    public async Task<string?> UseAsync(Guid userId, string provider, CancellationToken cancellationToken)
    {
        var key = await db.ProviderKeys.AsNoTracking()
            .Where(k => k.UserId == userId && k.Provider == provider)
            .OrderByDescending(k => k.CreatedAt)
            .Select(k => new { k.Id, k.Ciphertext })
            .FirstOrDefaultAsync(cancellationToken);
        if (key is null)
        {
            return null;
        }

        var plaintext = ring.Decrypt(key.Ciphertext);
        var now = time.GetUtcNow().UtcDateTime;
        await db.ProviderKeys
            .Where(k => k.Id == key.Id && k.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        return plaintext;
    }
}
