using Convergio.Api.Audit;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
}
