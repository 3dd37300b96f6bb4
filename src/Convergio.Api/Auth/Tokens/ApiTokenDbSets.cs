using Convergio.Api.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
}
