using System.CommandLine;
using Convergio.Cli;

var root = new RootCommand("Operate a Convergio deployment: database, keys, configuration and baseline checks.")
{
    MigrateCommand.Create(),
    ConfigCommand.Create(),
    KeysCommand.Create(),
    AuditCommand.Create(),
    AdminCommand.Create(),
    UsersCommand.Create(),
    Convergio.Cli.Baseline.BaselineCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
