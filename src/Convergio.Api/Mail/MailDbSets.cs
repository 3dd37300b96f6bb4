using Convergio.Api.Mail;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<OutboxEmail> OutboxEmails => Set<OutboxEmail>();
}
