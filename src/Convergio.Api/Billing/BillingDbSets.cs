using Convergio.Api.Billing;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<ProcessedWebhookEvent> ProcessedWebhookEvents => Set<ProcessedWebhookEvent>();
}
