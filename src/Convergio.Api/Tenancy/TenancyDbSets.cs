using Convergio.Api.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Data;

public partial class ConvergioDb
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Invite> Invites => Set<Invite>();
    public DbSet<Project> Projects => Set<Project>();
}
