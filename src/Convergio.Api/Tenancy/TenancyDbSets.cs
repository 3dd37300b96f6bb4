using Convergio.Api.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<Organization> Organizations => Set<Organization>();
}
