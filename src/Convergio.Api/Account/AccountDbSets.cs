using Convergio.Api.Account;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<EmailChangeToken> EmailChangeTokens => Set<EmailChangeToken>();
}
