using Convergio.Cli;

return await CliApp.InvokeAsync(args);
