using Convergio.Api.Disclosure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<SecurityReport> SecurityReports => Set<SecurityReport>();
    public DbSet<EmergencyAlert> EmergencyAlerts => Set<EmergencyAlert>();
}
