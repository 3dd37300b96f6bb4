using Convergio.Api.ProviderKeys;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<ProviderKey> ProviderKeys => Set<ProviderKey>();
}
